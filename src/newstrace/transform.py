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
