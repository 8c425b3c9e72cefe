"""Transform: how a copy was made from its source, with evidence.

``passage_features`` measures an aligned passage pair; ``pan_obfuscation`` names its
obfuscation in PAN's words (none, random, translation, summary).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from .align import Passage
from .normalize import words

#: Character similarity (rapidfuzz ratio, 0-100, whitespace and case folded) above which a
#: passage is a verbatim copy. Calibrated on PAN13 train no-obfuscation vs random cases.
VERBATIM_RATIO = 90.0
#: Share of the target's word bigrams found in the source above which a reworded passage
#: keeps the source's own phrasing (random edits) rather than re-phrasing it (translation).
RANDOM_BIGRAM_SHARE = 0.30


@dataclass(frozen=True)
class PassageFeatures:
    char_ratio: float  # rapidfuzz ratio of folded texts, 0-100
    word_jaccard: float  # of word sets, stopwords included
    bigram_share: float  # target word bigrams also in the source
    length_ratio: float  # source chars / target chars

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.__dict__.items()}


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def passage_features(source_text: str, target_text: str) -> PassageFeatures:
    s_words, t_words = words(source_text), words(target_text)
    s_set, t_set = set(s_words), set(t_words)
    jaccard = len(s_set & t_set) / len(s_set | t_set) if s_set | t_set else 0.0
    s_bigrams = set(zip(s_words, s_words[1:], strict=False))
    t_bigrams = list(zip(t_words, t_words[1:], strict=False))
    share = sum(1 for b in t_bigrams if b in s_bigrams) / len(t_bigrams) if t_bigrams else 0.0
    ratio = fuzz.ratio(_fold(source_text), _fold(target_text))
    return PassageFeatures(ratio, jaccard, share, len(source_text) / max(1, len(target_text)))


def pan_obfuscation(passage: Passage, source_text: str, target_text: str) -> str:
    if passage.kind == "summary":
        return "summary"
    features = passage_features(source_text[slice(*passage.source)],
                                target_text[slice(*passage.target)])
    if features.char_ratio >= VERBATIM_RATIO:
        return "none"
    return "random" if features.bigram_share >= RANDOM_BIGRAM_SHARE else "translation"


# ----------------------------------------------------------------------------- link labels
def _label(name: str, score: float, **evidence: object) -> dict[str, object]:
    return {"label": name, "score": round(max(0.0, min(1.0, score)), 3), "evidence": evidence}


def describe_link(source, target, link) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Transformation labels of a verified link, each with a score and evidence."""
    from .align import coverage

    passages = link.passages
    labels: list[dict[str, object]] = []
    if source.language and target.language and source.language != target.language:
        return [_label("translation", 0.9, source_language=source.language,
                       target_language=target.language)]
    features = [passage_features(source.text[slice(*p.source)], target.text[slice(*p.target)])
                for p in passages]
    mean_ratio = sum(f.char_ratio for f in features) / len(features)
    source_covered = coverage(passages, len(source.text), "source")
    target_covered = coverage(passages, len(target.text), "target")
    if any(p.kind == "summary" for p in passages):
        labels.append(_label("paraphrase", 0.7, condensed=True))
    elif mean_ratio >= VERBATIM_RATIO:
        if source_covered >= 0.8:
            labels.append(_label("verbatim", mean_ratio / 100, source_covered=round(source_covered, 3)))
        else:
            labels.append(_label("excerpt", 1 - source_covered, source_covered=round(source_covered, 3)))
    else:
        labels.append(_label("paraphrase", 1 - mean_ratio / 100, char_ratio=round(mean_ratio, 1)))
    if target_covered < 0.6:
        labels.append(_label("added_text", 1 - target_covered, target_covered=round(target_covered, 3)))
    return labels
