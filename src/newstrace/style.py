"""Style: a text's style as a vector, and linear models over it.

The vector counts what separates a kind of writing from ordinary human prose without
reference to its topic: rates of function words, of phrases literal machine translation
produces (calques, inserted subjects), of phrases language models favour, of punctuation,
of sentence openings, and sentence length and lexical variety. ``StyleModel`` is a
standardised logistic model over it, stored as JSON in ``data/`` and fitted by a script in
``scripts/`` that prints its cross-validated quality (the figure to quote).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline  # training scripts only (a dev dependency)

_FUNCTION_WORDS_TEXT = (
    "the a an of to in on at for with by from as and or but that which who whom whose this "
    "these those it its they them their he she his her we our us i you your is are was were "
    "be been being has have had do does did will would can could may might must should not "
    "no so such than then there here also only just very more most some any all each other "
    "about after before over under into through during while because if when where how "
    "what")
FUNCTION_WORDS = tuple(_FUNCTION_WORDS_TEXT.split())
_FUNCTION_WORD_SET = frozenset(FUNCTION_WORDS)
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
    + ["lexical_variety", "word_length", "double_spaces", "contractions", "llm_markers",
       "sentence_words", "sentence_words_sd", "long_sentences", "numbers", "unknown_words"]
    + [f"opening:{o.strip()}" for o in SENTENCE_OPENINGS])

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CALQUE_PATTERNS = tuple(
    re.compile(r"\b" + c + (r"\b" if re.fullmatch(r"[a-z' ]+", c) else "")) for c in CALQUES)


def style_vector(text: str) -> list[float]:
    """The model's features of ``text``, in ``FEATURE_NAMES`` order (rates per word or
    per sentence, so long and short texts compare)."""
    return list(_style_features(text))


@lru_cache(maxsize=256)  # a document meets many others in one worker's pairs
def _style_features(text: str) -> tuple[float, ...]:
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
    from .transform import llm_marker_hits

    vector += [variety, sum(map(len, words)) / n, text.count("  ") / n,
               sum("'" in w for w in words) / n, len(llm_marker_hits(text)) / n]
    # Specifics a rewrite smooths away: figures, and names and misspellings no word list has.
    from .transform import zipf

    vector += [len(_NUMBER.findall(text)) / n, sum(zipf(w) == 0 for w in words) / n]
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()] or [""]
    lengths = [len(s.split()) for s in sentences]
    mean = sum(lengths) / len(lengths)
    sd = math.sqrt(sum((x - mean) ** 2 for x in lengths) / len(lengths))
    vector += [mean, sd, sum(x > 35 for x in lengths) / len(lengths)]
    opened = [s.lower() for s in sentences]
    vector += [sum(s.startswith(o) for s in opened) / len(opened) for o in SENTENCE_OPENINGS]
    return tuple(vector)


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
        if tuple(self.features) not in (tuple(FEATURE_NAMES),
                                        tuple(FEATURE_NAMES) + SOURCE_FEATURE_NAMES):
            raise ValueError("style model was trained on other features; retrain it with "
                             "its script in scripts/")

    @property
    def needs_source(self) -> bool:
        """Whether the model also reads the text's source (``source_vector``)."""
        return len(self.features) > len(FEATURE_NAMES)

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

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> StyleModel:
        return cls(tuple(raw["features"]), tuple(raw["mean"]), tuple(raw["scale"]),
                   tuple(raw["weights"]), float(raw["bias"]), raw.get("trained_on", ""))

    @classmethod
    def from_fitted(cls, pipeline: Pipeline, trained_on: str,
                    with_source: bool = False) -> StyleModel:
        """From a fitted scikit-learn ``StandardScaler`` + ``LogisticRegression`` pipeline
        (the training scripts'), rounded for a compact JSON file."""
        scaler, logistic = pipeline.steps[0][1], pipeline.steps[1][1]
        return cls(tuple(FEATURE_NAMES) + (SOURCE_FEATURE_NAMES if with_source else ()),
                   tuple(round(float(v), 6) for v in scaler.mean_),
                   tuple(round(float(v), 6) if v > 0 else 1.0 for v in scaler.scale_),
                   tuple(round(float(v), 6) for v in logistic.coef_[0]),
                   round(float(logistic.intercept_[0]), 6), trained_on)


#: Features of a translation against its source text, whatever the source's language:
#: sentences per source sentence, and words per source character (spaces left out, so
#: Japanese and German sources count alike). Human translators restructure and explain
#: more; on WMT21 ja-en these two lift the grouped cross-validated AUROC of style alone.
SOURCE_FEATURE_NAMES = ("source:log_sentence_ratio", "source:log_words_per_source_char")


def source_vector(text: str, source_text: str) -> list[float]:
    """``SOURCE_FEATURE_NAMES`` of ``text`` translated from ``source_text``."""
    from .normalize import segment

    sentences = max(1, len(segment(text)[1]))
    source_sentences = max(1, len(segment(source_text)[1]))
    source_chars = max(1, sum(not c.isspace() for c in source_text))
    n_words = max(1, len(_WORD.findall(text)))
    return [math.log(sentences / source_sentences), math.log(n_words / source_chars)]


@dataclass(frozen=True)
class SoftmaxModel:
    """A standardised multinomial logistic model over named features: one weight row and
    bias per class. Used where a text pair (not a text's style) is classified."""

    features: tuple[str, ...]
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]
    trained_on: str = ""

    def __post_init__(self) -> None:
        sizes = {len(self.features), len(self.mean), len(self.scale), *map(len, self.weights)}
        if len(sizes) != 1 or len({len(self.weights), len(self.classes), len(self.bias)}) != 1:
            raise ValueError("softmax model parts differ in length")

    def require(self, features: tuple[str, ...] | list[str]) -> SoftmaxModel:
        if tuple(features) != self.features:
            raise ValueError("model was trained on other features; retrain it with its "
                             "script in scripts/")
        return self

    def probabilities(self, vector: list[float]) -> dict[str, float]:
        z = [(x - m) / s for x, m, s in zip(vector, self.mean, self.scale, strict=True)]
        logits = [b + sum(w * v for w, v in zip(row, z, strict=True))
                  for row, b in zip(self.weights, self.bias, strict=True)]
        top = max(logits)
        exp = [math.exp(v - top) for v in logits]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def predict(self, vector: list[float]) -> str:
        probabilities = self.probabilities(vector)
        return max(probabilities, key=probabilities.__getitem__)

    def to_json(self) -> dict[str, object]:
        return {"kind": "softmax", "features": list(self.features), "classes": list(self.classes),
                "mean": list(self.mean), "scale": list(self.scale),
                "weights": [list(r) for r in self.weights], "bias": list(self.bias),
                "trained_on": self.trained_on}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> SoftmaxModel:
        return cls(tuple(raw["features"]), tuple(raw["classes"]), tuple(raw["mean"]),
                   tuple(raw["scale"]), tuple(tuple(r) for r in raw["weights"]),
                   tuple(raw["bias"]), raw.get("trained_on", ""))

    @classmethod
    def from_fitted(cls, pipeline: Pipeline, features: list[str], trained_on: str) -> SoftmaxModel:
        """From a fitted ``StandardScaler`` + multinomial ``LogisticRegression`` pipeline."""
        scaler, logistic = pipeline.steps[0][1], pipeline.steps[1][1]
        return cls(tuple(features), tuple(str(c) for c in logistic.classes_),
                   tuple(round(float(v), 6) for v in scaler.mean_),
                   tuple(round(float(v), 6) if v > 0 else 1.0 for v in scaler.scale_),
                   tuple(tuple(round(float(v), 6) for v in row) for row in logistic.coef_),
                   tuple(round(float(v), 6) for v in logistic.intercept_), trained_on)


def _model_json(name: str) -> dict[str, Any]:
    return json.loads(resources.files("newstrace").joinpath(f"data/{name}.json").read_text())


@lru_cache(maxsize=4)
def load_model(name: str) -> StyleModel:
    """A shipped style model, ``data/<name>.json``."""
    return StyleModel.from_json(_model_json(name))


@lru_cache(maxsize=4)
def load_softmax_model(name: str) -> SoftmaxModel:
    """A shipped multinomial model, ``data/<name>.json``."""
    return SoftmaxModel.from_json(_model_json(name))


def calque_hits(sentence: str) -> list[str]:
    lowered = sentence.lower()
    return [c for c, p in zip(CALQUES, _CALQUE_PATTERNS, strict=True) if p.search(lowered)]


def sentences_with_offsets(text: str) -> list[tuple[int, str]]:
    out, cursor = [], 0
    for part in _SENTENCE_END.split(text):
        start = text.find(part, cursor)
        if part.strip():
            out.append((start, part))
        cursor = start + len(part)
    return out


_SPECIFIC_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*|\d+(?:[.,]\d+)*")


def figures(text: str) -> frozenset[str]:
    """The figures of a text by their digits: ``1,200`` and ``1200`` are one figure."""
    return frozenset(re.sub(r"[.,]", "", figure) for figure in _NUMBER.findall(text))


@lru_cache(maxsize=256)
def specifics_rate(text: str) -> float:
    """Figures, words no word list knows (names, misspellings), quotation marks and
    brackets, per token: the specifics a rewrite smooths away."""
    from .transform import zipf

    tokens = _SPECIFIC_TOKEN.findall(text)
    figures = sum(t[0].isdigit() for t in tokens)
    unknown = sum(1 for t in tokens if t[0].isalpha() and zipf(t.lower()) == 0)
    marks = text.count("(") + text.count('"') + text.count("“")
    return (figures + unknown + marks) / max(1, len(tokens))


def llm_style_score(text: str) -> float:
    """Probability-like score in [0, 1] that ``text`` was written (or rewritten) by a
    language model, from ``data/llm_style.json`` (scripts/train_llm_style.py)."""
    return load_model("llm_style").score(style_vector(text))


# ----------------------------------------------------------------------------- wording
#: Tokens of the wording model: words and single punctuation marks, lower-cased.
WORDING_TOKEN = re.compile(r"(?u)\b\w+\b|[^\w\s]")


def tfidf(terms: list[str], vocabulary: dict[str, int], idf: tuple[float, ...]) -> dict[int, float]:
    """The L2-normalised tf-idf vector (sublinear counts) of ``terms`` over a fitted
    vocabulary, as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` makes it."""
    counts: dict[int, int] = {}
    for term in terms:
        index = vocabulary.get(term)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    values = {i: (1.0 + math.log(n)) * idf[i] for i, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
    return {i: v / norm for i, v in values.items()}


@dataclass(frozen=True)
class TermsModel:
    """A multinomial logistic model over the tf-idf vector of a list of terms the caller
    makes (say, the words a copy changed). Stored as ``data/<name>.json``."""

    vocabulary: dict[str, int]
    idf: tuple[float, ...]
    classes: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]  # one row per class, one column per term
    bias: tuple[float, ...]
    trained_on: str = ""

    def __post_init__(self) -> None:
        if len(self.vocabulary) != len(self.idf) or any(len(r) != len(self.idf) for r in self.weights) \
                or not len(self.classes) == len(self.weights) == len(self.bias):
            raise ValueError("terms model parts differ in length")

    def probabilities(self, terms: list[str]) -> dict[str, float]:
        vector = tfidf(terms, self.vocabulary, self.idf)
        logits = [b + sum(row[i] * v for i, v in vector.items())
                  for row, b in zip(self.weights, self.bias, strict=True)]
        top = max(logits)
        exp = [math.exp(z - top) for z in logits]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def to_json(self) -> dict[str, object]:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {"kind": "terms", "terms": terms, "idf": [round(x, 5) for x in self.idf],
                "classes": list(self.classes),
                "weights": [[round(x, 5) for x in row] for row in self.weights],
                "bias": [round(x, 5) for x in self.bias], "trained_on": self.trained_on}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TermsModel:
        return cls({t: i for i, t in enumerate(raw["terms"])}, tuple(raw["idf"]),
                   tuple(raw["classes"]), tuple(tuple(r) for r in raw["weights"]),
                   tuple(raw["bias"]), raw.get("trained_on", ""))

    @classmethod
    def from_fitted(cls, pipeline: Pipeline, trained_on: str) -> TermsModel:
        """From a fitted ``TfidfVectorizer`` + multinomial ``LogisticRegression`` pipeline."""
        vectorizer, logistic = pipeline.steps[0][1], pipeline.steps[1][1]
        return cls({str(t): int(i) for t, i in vectorizer.vocabulary_.items()},
                   tuple(float(v) for v in vectorizer.idf_), tuple(str(c) for c in logistic.classes_),
                   tuple(tuple(float(v) for v in row) for row in logistic.coef_),
                   tuple(float(v) for v in logistic.intercept_), trained_on)


@lru_cache(maxsize=2)
def load_terms_model(name: str) -> TermsModel:
    """A shipped terms model, ``data/<name>.json``."""
    return TermsModel.from_json(_model_json(name))


@dataclass(frozen=True)
class WordingModel:
    """A logistic model over a text's tf-idf word and word-pair vector (sublinear counts,
    L2-normalised, as scikit-learn's ``TfidfVectorizer`` makes it): which words and word
    pairs a kind of writing favours. Stored as ``data/<name>.json``."""

    vocabulary: dict[str, int]
    idf: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    trained_on: str = ""

    def __post_init__(self) -> None:
        if not len(self.vocabulary) == len(self.idf) == len(self.weights):
            raise ValueError("wording model parts differ in length")

    def contributions(self, text: str) -> dict[int, float]:
        """Each known term's share of the logit: weight times its normalised tf-idf."""
        tokens = WORDING_TOKEN.findall(text.lower())
        terms = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
        return {i: self.weights[i] * v for i, v in tfidf(terms, self.vocabulary, self.idf).items()}

    def score(self, text: str) -> float:
        z = self.bias + sum(self.contributions(text).values())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def telling_terms(self, text: str, limit: int = 10) -> list[str]:
        """The words and word pairs of ``text`` that raise its score most, leaving out those
        made only of function words and punctuation (they weigh, but tell a reader little)."""
        terms = self.terms
        ranked = sorted(((c, i) for i, c in self.contributions(text).items() if c > 0), reverse=True)
        telling = [terms[i] for _, i in ranked if any(
            w.isalpha() and w not in _FUNCTION_WORD_SET for w in terms[i].split())]
        return telling[:limit]

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """The vocabulary in index order."""
        return tuple(sorted(self.vocabulary, key=self.vocabulary.__getitem__))

    def to_json(self) -> dict[str, object]:
        return {"terms": list(self.terms), "idf": [round(x, 5) for x in self.idf],
                "weights": [round(x, 5) for x in self.weights], "bias": self.bias,
                "trained_on": self.trained_on}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> WordingModel:
        terms = list(data["terms"])  # type: ignore[call-overload]
        return cls({t: i for i, t in enumerate(terms)}, tuple(data["idf"]),  # type: ignore[arg-type]
                   tuple(data["weights"]), float(data["bias"]),  # type: ignore[arg-type]
                   str(data.get("trained_on", "")))


@lru_cache(maxsize=2)
def load_wording_model(name: str) -> WordingModel:
    """A shipped wording model, ``data/<name>.json``."""
    return WordingModel.from_json(_model_json(name))


@lru_cache(maxsize=256)
def llm_wording_score(text: str) -> float:
    """Probability-like score in [0, 1] that ``text`` was written (or rewritten) by a
    language model, from the words and word pairs it uses (``data/llm_wording.json``,
    scripts/train_llm_wording.py)."""
    return load_wording_model("llm_wording").score(text)


@lru_cache(maxsize=1)
def llm_wording_model_tag() -> str:
    """A short digest of the shipped wording model: stored readings of another model are stale."""
    import hashlib

    text = resources.files("newstrace").joinpath("data/llm_wording.json").read_bytes()
    return hashlib.sha1(text).hexdigest()[:12]


def llm_wording_terms(text: str) -> list[str]:
    """The words and word pairs of ``text`` that make it read most as model-written."""
    return load_wording_model("llm_wording").telling_terms(text)
