"""Framing: how a copy's stance toward the story's actors differs from its source's.

For the main entities of a pair (people, countries, organisations named most often), the
mean VADER sentiment of the sentences mentioning each, in source and copy, and the shift.
Blame moved between actors (blame words near an entity in the copy but not the source),
and loaded words added (intensifiers and emotionally charged words per 100 words).
The ``slanted`` label follows when a shift or the loaded-word increase is large.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import Span
from .normalize import segment
from .stories import entities

#: Entities compared per pair: the most mentioned across both texts.
MAIN_ENTITIES = 6
#: Sentiment shift (VADER compound, -1..1) toward one entity that makes a copy slanted.
SLANT_SHIFT = 0.35
#: Loaded words added per 100 words that make a copy slanted (sensational restyling).
SLANT_LOADED_RATE = 1.0
LOADED_WORDS = frozenset(["shocking", "shock", "shockwaves", "outrage", "outraged", "outrageous", "furious", "fury", "devastating", "devastated", "disaster", "disastrous", "catastrophe", "catastrophic", "chaos", "chaotic", "crisis", "scandal", "scandalous", "slammed", "blasted", "explosive", "bombshell", "horrifying", "horrific", "terrifying", "terrified", "alarming", "stunning", "stunned", "unbelievable", "incredible", "insane", "massive", "huge", "brutal", "brutally", "vicious", "disgraceful", "disgrace", "shameful", "betrayal", "betrayed", "corrupt", "corruption", "lies", "lying", "liar", "dangerous", "deadly", "threat", "threatens", "nightmare", "heartbreaking", "tragic", "tragedy", "unprecedented", "extreme", "radical", "reckless", "failure", "failed", "failing", "destroy", "destroyed", "destroying", "war", "attack", "attacks", "attacked", "fear", "fears", "panic", "crushing", "crushed", "slam", "blame", "blamed", "neglect", "incompetent", "ruthless", "slams", "blasts", "jaw-dropping", "alarming", "appalling", "disturbing", "infuriating", "rage", "enraged", "astonishing", "staggering", "whopping", "skyrocketing", "soaring", "plummeting", "plunging", "urgent", "desperate", "dire", "grave", "chilling", "sinister", "evil", "disgusting", "unacceptable", "exposed", "secret", "truth", "hidden", "bombshell", "explosive", "sensational", "dramatic", "drastically", "desperately", "fiercely", "fierce", "bitter", "bitterly", "heated", "furor", "uproar", "backlash", "firestorm", "storm", "mayhem", "turmoil", "havoc", "crushing", "terrible", "horrible", "awful", "outrageously", "dangerously", "boldly", "slashing", "slashed", "gutted", "gutting", "ravaged", "ravaging", "alarm", "alarmed", "anger", "angry", "angered", "enrage", "furiously", "scary", "frightening", "fright", "dread", "dreadful"])
_BLAME = re.compile(r"\b(?:blam\w*|accus\w*|fault|responsib\w*|neglect\w*|fail\w*|caus\w*|"
                    r"culprit|guilty|to blame)\b", re.I)
_WORD = re.compile(r"[A-Za-z][\w'-]*")

_ANALYZER = None


def sentiment(text: str) -> float:
    """VADER compound sentiment of ``text`` in [-1, 1] (lexicon bundled with the package)."""
    global _ANALYZER
    if _ANALYZER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _ANALYZER = SentimentIntensityAnalyzer()
    return float(_ANALYZER.polarity_scores(text)["compound"])


def loaded_rate(text: str) -> float:
    words = [w.lower() for w in _WORD.findall(text)]
    return 100.0 * sum(w in LOADED_WORDS for w in words) / max(1, len(words))


@dataclass
class EntityFrame:
    entity: str
    source: float | None
    copy: float | None
    blamed_in_source: bool = False
    blamed_in_copy: bool = False

    @property
    def shift(self) -> float:
        return round((self.copy or 0.0) - (self.source or 0.0), 4) if self.source is not None and self.copy is not None else 0.0

    def as_dict(self) -> dict[str, object]:
        return {"entity": self.entity, "source": self.source, "copy": self.copy, "shift": self.shift,
                "blamed_in_source": self.blamed_in_source, "blamed_in_copy": self.blamed_in_copy}


@dataclass
class Framing:
    entities: list[EntityFrame] = field(default_factory=list)
    loaded_source: float = 0.0
    loaded_copy: float = 0.0
    tone_source: float = 0.0
    tone_copy: float = 0.0
    exclamations_source: float = 0.0
    exclamations_copy: float = 0.0

    @property
    def loaded_added(self) -> float:
        return round(self.loaded_copy - self.loaded_source, 3)

    @property
    def emphasis_added(self) -> float:
        """Loaded words and exclamation marks added, per 100 words."""
        return round(self.loaded_added + self.exclamations_copy - self.exclamations_source, 3)

    @property
    def blame_moved(self) -> list[str]:
        return [e.entity for e in self.entities if e.blamed_in_copy and not e.blamed_in_source]

    @property
    def max_shift(self) -> float:
        return max((abs(e.shift) for e in self.entities), default=0.0)

    @property
    def slant(self) -> float:
        """One number in [0, 1]: how much emotional emphasis the copy adds (loaded words and
        exclamations per 100 words; 0.5 at ``SLANT_LOADED_RATE``). On SheepDog this ranks
        emotional and sensational restylings above objective and neutral ones (AUROC in
        benchmarks/claims.py); per-entity sentiment shifts were too noisy to add to it."""
        return round(min(1.0, max(0.0, self.emphasis_added / (2 * SLANT_LOADED_RATE))), 4)

    @property
    def slanted(self) -> bool:
        return self.emphasis_added >= SLANT_LOADED_RATE or bool(self.blame_moved)

    def as_dict(self) -> dict[str, object]:
        return {"entities": [e.as_dict() for e in self.entities],
                "framing_shift": {e.entity: e.shift for e in self.entities},
                "loaded_words_per_100": {"source": round(self.loaded_source, 3),
                                         "copy": round(self.loaded_copy, 3)},
                "tone": {"source": round(self.tone_source, 3), "copy": round(self.tone_copy, 3)},
                "emphasis_added_per_100": self.emphasis_added,
                "blame_moved_to": self.blame_moved, "slant": self.slant, "slanted": self.slanted}


#: Common nouns that name actors in news (who is praised or blamed), besides named entities.
ACTOR_NOUNS = ("government", "officials", "authorities", "opposition", "police", "union",
               "company", "council", "minister", "president", "army", "military", "leaders")


def _actors(text: str) -> Counter[str]:
    lowered = text.lower()
    return Counter({noun: n for noun in ACTOR_NOUNS if (n := len(re.findall(rf"\b{noun}\b", lowered)))})


def _mentions(text: str, sentences: Sequence[Span], entity: str) -> list[str]:
    pattern = re.compile(r"\b" + re.escape(entity) + r"\b", re.I)
    return [text[s:e] for s, e in sentences if pattern.search(text[s:e])]


def compare_framing(source_text: str, copy_text: str) -> Framing:
    s_sentences, c_sentences = segment(source_text)[1], segment(copy_text)[1]
    counts: Counter[str] = entities(source_text) + entities(copy_text) + \
        _actors(source_text) + _actors(copy_text)
    main = [e for e, _ in counts.most_common(MAIN_ENTITIES * 2) if len(e) > 2][:MAIN_ENTITIES]
    frames = []
    for entity in main:
        in_source = _mentions(source_text, s_sentences, entity)
        in_copy = _mentions(copy_text, c_sentences, entity)
        frames.append(EntityFrame(
            entity,
            round(sum(map(sentiment, in_source)) / len(in_source), 4) if in_source else None,
            round(sum(map(sentiment, in_copy)) / len(in_copy), 4) if in_copy else None,
            any(_BLAME.search(s) for s in in_source), any(_BLAME.search(s) for s in in_copy)))
    tone = lambda text, spans: sum(sentiment(text[s:e]) for s, e in spans) / max(1, len(spans))  # noqa: E731
    return Framing(frames, loaded_rate(source_text), loaded_rate(copy_text),
                   tone(source_text, s_sentences), tone(copy_text, c_sentences),
                   exclamation_rate(source_text), exclamation_rate(copy_text))


def exclamation_rate(text: str) -> float:
    return 100.0 * text.count("!") / max(1, len(_WORD.findall(text)))
