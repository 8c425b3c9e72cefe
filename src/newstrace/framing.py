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
from functools import lru_cache

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


#: Texts whose per-sentence readings are kept per process: a document linked to many
#: others (a source and its copies) is read once, not once per link. Describing 805 links
#: of a SheepDog store scored 197,025 sentences; read once per text, 24,226 (401 texts).
#: Links are described in source order, so a small cache does: describing all 3,764 links
#: of that store read texts 1,943 times (1,800 documents). Small, as a record may be 2M
#: characters.
TEXT_FRAME_CACHE = 128


@dataclass(frozen=True)
class TextFrame:
    """What framing compares, read once per text: its sentences with their sentiment,
    the entities and actor nouns it names (counted), and its emphasis rates."""

    text: str
    sentences: tuple[Span, ...]
    sentiments: tuple[float, ...]
    named: Counter[str]
    actors: Counter[str]
    loaded: float
    exclamations: float

    def mentions(self, entity: str) -> list[int]:
        """Indexes of the sentences that name ``entity``."""
        pattern = re.compile(r"\b" + re.escape(entity) + r"\b", re.I)
        return [i for i, (s, e) in enumerate(self.sentences) if pattern.search(self.text[s:e])]

    @property
    def tone(self) -> float:
        return sum(self.sentiments) / max(1, len(self.sentiments))


@lru_cache(maxsize=TEXT_FRAME_CACHE)
def text_frame(text: str) -> TextFrame:
    sentences = tuple(segment(text)[1])
    return TextFrame(text, sentences, tuple(sentiment(text[s:e]) for s, e in sentences),
                     entities(text), _actors(text), loaded_rate(text), exclamation_rate(text))


def compare_framing(source_text: str, copy_text: str) -> Framing:
    source, copy = text_frame(source_text), text_frame(copy_text)
    counts = source.named + copy.named + source.actors + copy.actors
    main = [e for e, _ in counts.most_common(MAIN_ENTITIES * 2) if len(e) > 2][:MAIN_ENTITIES]
    frames = []
    for entity in main:
        in_source, in_copy = source.mentions(entity), copy.mentions(entity)
        frames.append(EntityFrame(
            entity, _mean_sentiment(source, in_source), _mean_sentiment(copy, in_copy),
            _blamed(source, in_source), _blamed(copy, in_copy)))
    return Framing(frames, source.loaded, copy.loaded, source.tone, copy.tone,
                   source.exclamations, copy.exclamations)


def _mean_sentiment(frame: TextFrame, indexes: Sequence[int]) -> float | None:
    return round(sum(frame.sentiments[i] for i in indexes) / len(indexes), 4) if indexes else None


def _blamed(frame: TextFrame, indexes: Sequence[int]) -> bool:
    return any(_BLAME.search(frame.text[slice(*frame.sentences[i])]) for i in indexes)


def exclamation_rate(text: str) -> float:
    return 100.0 * text.count("!") / max(1, len(_WORD.findall(text)))
