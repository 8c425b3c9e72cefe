"""Machine translation: does an English text read like a machine translation?

A linear model over the text's style: rates of function words, of phrases that machine
translation from languages without articles or subjects favours ("regarding", "such as",
"we are calling"), of punctuation, of sentence openings, and sentence length and lexical
variety. The weights live in ``data/machine_translation.json``, written by
``scripts/train_machine_translation.py`` from WMT21 ja-en (the human reference against 16
systems' outputs of the same documents); that script prints the model's AUROC under 5-fold
cross-validation grouped by source document, the figure to quote.

The model learned human translators' style against systems' style; on native English
news it is not calibrated (it was never shown any), so newstrace applies it only where a
text is known to be a translation: on links whose source is in another language.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_FUNCTION_WORDS_TEXT = (
    "the a an of to in on at for with by from as and or but that which who whom whose this "
    "these those it its they them their he she his her we our us i you your is are was were "
    "be been being has have had do does did will would can could may might must should not "
    "no so such than then there here also only just very more most some any all each other "
    "about after before over under into through during while because if when where how "
    "what")
FUNCTION_WORDS = tuple(_FUNCTION_WORDS_TEXT.split())
#: Phrases literal machine translation produces (calques and inserted subjects).
CALQUES = (
    "regarding", "such as", "etc.", "it is said", "it seems", "we will", "i think",
    "in order to", r"on the \d+(?:st|nd|rd|th)", "said that", "there is", "there are", "it is",
    "we are", "i am", "the fact that", "a lot of", "in addition", "according to", "the said",
    "as for", r"about \d", "was done", "will be", "going to", "is expected to", "so that",
    "we have", "has been", "for the first time")
PUNCTUATION = ",.;:\"'()-!?"
SENTENCE_OPENINGS = (
    "in addition", "also", "on the other hand", "this is", "it is", "however", "according to",
    "in the", "on the", "the ", "we ", "i ", "there ", "as a result", "at the", "for ", "and ",
    "but ", "in ")
FEATURE_NAMES = (
    [f"word:{w}" for w in FUNCTION_WORDS] + [f"phrase:{c}" for c in CALQUES]
    + [f"punctuation:{c}" for c in PUNCTUATION]
    + ["lexical_variety", "word_length", "double_spaces", "contractions",
       "sentence_words", "sentence_words_sd", "long_sentences"]
    + [f"opening:{o.strip()}" for o in SENTENCE_OPENINGS])
#: Score above which a translation is labelled ``machine_translation``. At 0.5 the balanced
#: model splits WMT21's classes; see the training script's output for rates at this cut.
MACHINE_TRANSLATION_THRESHOLD = 0.5

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CALQUE_PATTERNS = tuple(
    re.compile(r"\b" + c + (r"\b" if re.fullmatch(r"[a-z' ]+", c) else "")) for c in CALQUES)


def style_vector(text: str) -> list[float]:
    """The model's features of ``text``, in ``FEATURE_NAMES`` order (rates per word or
    per sentence, so long and short texts compare)."""
    words = [w.lower() for w in _WORD.findall(text)]
    n = max(1, len(words))
    lowered = text.lower()
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    vector = [counts.get(w, 0) / n for w in FUNCTION_WORDS]
    vector += [len(p.findall(lowered)) / n for p in _CALQUE_PATTERNS]
    vector += [text.count(c) / n for c in PUNCTUATION]
    if len(words) >= 100:
        windows = [len(set(words[i:i + 100])) / 100 for i in range(0, len(words) - 99, 50)]
        variety = sum(windows) / len(windows)
    else:
        variety = len(set(words)) / n
    vector += [variety, sum(map(len, words)) / n, text.count("  ") / n,
               sum("'" in w for w in words) / n]
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()] or [""]
    lengths = [len(s.split()) for s in sentences]
    mean = sum(lengths) / len(lengths)
    sd = math.sqrt(sum((x - mean) ** 2 for x in lengths) / len(lengths))
    vector += [mean, sd, sum(x > 35 for x in lengths) / len(lengths)]
    opened = [s.lower() for s in sentences]
    vector += [sum(s.startswith(o) for s in opened) / len(opened) for o in SENTENCE_OPENINGS]
    return vector


@dataclass(frozen=True)
class StyleModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    trained_on: str = ""

    def __post_init__(self) -> None:
        sizes = {len(self.features), len(self.mean), len(self.scale), len(self.weights)}
        if len(sizes) != 1:
            raise ValueError(f"style model parts differ in length: {sorted(sizes)}")
        if tuple(self.features) != tuple(FEATURE_NAMES):
            raise ValueError("style model was trained on other features; retrain it with "
                             "scripts/train_machine_translation.py")

    def contributions(self, vector: list[float]) -> list[float]:
        return [w * (x - m) / s for w, x, m, s in
                zip(self.weights, vector, self.mean, self.scale, strict=True)]

    def score(self, vector: list[float]) -> float:
        z = self.bias + sum(self.contributions(vector))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self) -> dict[str, object]:
        return {"features": list(self.features), "mean": list(self.mean),
                "scale": list(self.scale), "weights": list(self.weights), "bias": self.bias,
                "trained_on": self.trained_on}


@lru_cache(maxsize=1)
def machine_translation_model() -> StyleModel:
    raw = json.loads(resources.files("newstrace").joinpath("data/machine_translation.json").read_text())
    return StyleModel(tuple(raw["features"]), tuple(raw["mean"]), tuple(raw["scale"]),
                      tuple(raw["weights"]), float(raw["bias"]), raw.get("trained_on", ""))


def machine_translation_score(text: str) -> float:
    """Probability-like score in [0, 1] that an English translation is machine-made."""
    model = machine_translation_model()
    return model.score(style_vector(text))


def machine_translation_evidence(text: str, top: int = 6) -> dict[str, object]:
    """Why the model leans to machine translation: the features that push the score up
    most, and the sentences carrying the literal-translation phrases it counts."""
    model = machine_translation_model()
    vector = style_vector(text)
    contributions = model.contributions(vector)
    ranked = sorted(zip(model.features, contributions, strict=True), key=lambda fc: -fc[1])
    flagged = []
    for start, sentence in _sentences_with_offsets(text):
        lowered = sentence.lower()
        hits = [c for c, p in zip(CALQUES, _CALQUE_PATTERNS, strict=True) if p.search(lowered)]
        if hits:
            flagged.append({"span": [start, start + len(sentence)], "phrases": hits})
    return {"score": round(model.score(vector), 3),
            "features": [{"feature": f, "push": round(c, 3)} for f, c in ranked[:top] if c > 0],
            "flagged_passages": flagged[:20]}


def _sentences_with_offsets(text: str) -> list[tuple[int, str]]:
    out, cursor = [], 0
    for part in _SENTENCE_END.split(text):
        start = text.find(part, cursor)
        if part.strip():
            out.append((start, part))
        cursor = start + len(part)
    return out
