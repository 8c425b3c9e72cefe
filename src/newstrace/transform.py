"""Transform: how a copy was made from its source, with evidence.

``passage_features`` measures an aligned passage pair; ``pan_obfuscation`` names its
obfuscation in PAN's words (none, random, translation, summary).
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from .align import Passage
from .normalize import STOPWORDS, stem, words

#: Character similarity (rapidfuzz ratio, 0-100, whitespace and case folded) above which a
#: passage is a verbatim copy. Calibrated on PAN13 train no-obfuscation vs random cases.
VERBATIM_RATIO = 90.0


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


#: A passage whose word bigrams all occur in the source is unobfuscated (PAN13 train: the
#: 5th percentile of no-obfuscation detections is 1.0; of random 0.31, translation 0.14).
VERBATIM_BIGRAM_SHARE = 0.95
#: Logistic model telling PAN's "random" obfuscation (word shuffles, insertions, deletions,
#: synonym swaps) from round-trip "translation", over ``_obfuscation_vector`` features
#: standardised by the means and deviations below. Fitted on 460 detected cases of a
#: PAN13 train sample; 5-fold cross-validated accuracy 0.77 (benchmarks/pan.py reports the
#: full-corpus agreement). Random edits keep surface word forms and break word order;
#: translations re-inflect words and keep order.
_RANDOM_MODEL_BIAS = -0.118
_RANDOM_MODEL_WEIGHTS = (-1.183, 0.88, 0.459, 0.203, 0.021, 0.768, 0.017, 0.176)
_RANDOM_MODEL_MEAN = (0.6513, 0.5859, 0.4665, 1.3528, 0.6482, 0.9825, -0.0047, 0.2081)
_RANDOM_MODEL_SCALE = (0.1656, 0.1815, 0.1621, 0.6741, 0.1883, 0.0706, 0.0491, 0.1381)


def _longest_increasing(sequence: list[int]) -> int:
    tails: list[int] = []
    for value in sequence:
        position = bisect.bisect_left(tails, value)
        if position == len(tails):
            tails.append(value)
        else:
            tails[position] = value
    return len(tails)


def _obfuscation_vector(source: str, target: str, features: PassageFeatures) -> list[float]:
    s_words, t_words = words(source), words(target)
    first: dict[str, int] = {}
    for i, w in enumerate(s_words):
        first.setdefault(w, i)
    positions = [first[w] for w in t_words if w in first and w not in STOPWORDS]
    order = _longest_increasing(positions) / len(positions) if positions else 0.0
    s_content = {w for w in s_words if w not in STOPWORDS}
    t_content = {w for w in t_words if w not in STOPWORDS}
    s_stems, t_stems = {stem(w) for w in s_content}, {stem(w) for w in t_content}
    surface = len(s_content & t_content) / max(1, len(s_stems & t_stems))
    stop_t = sum(w in STOPWORDS for w in t_words) / max(1, len(t_words))
    stop_s = sum(w in STOPWORDS for w in s_words) / max(1, len(s_words))
    new = len(t_stems - s_stems) / max(1, len(t_stems))
    return [features.char_ratio / 100, features.word_jaccard, features.bigram_share,
            min(features.length_ratio, 4.0), order, surface, stop_t - stop_s, new]


def random_edit_probability(source: str, target: str) -> float:
    """Probability that ``target`` is ``source`` after random word edits rather than a
    round-trip translation (PAN's two reworded obfuscations)."""
    features = passage_features(source, target)
    vector = _obfuscation_vector(source, target, features)
    z = _RANDOM_MODEL_BIAS + sum(
        w * (x - m) / s for w, x, m, s in
        zip(_RANDOM_MODEL_WEIGHTS, vector, _RANDOM_MODEL_MEAN, _RANDOM_MODEL_SCALE, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def pan_obfuscation(passage: Passage, source_text: str, target_text: str) -> str:
    """PAN's name for how a detected passage was obfuscated."""
    if passage.kind == "summary":
        return "summary"
    source = source_text[slice(*passage.source)]
    target = target_text[slice(*passage.target)]
    if passage_features(source, target).bigram_share >= VERBATIM_BIGRAM_SHARE:
        return "none"
    return "random" if random_edit_probability(source, target) >= 0.5 else "translation"


# ----------------------------------------------------------------------------- link labels
#: Phrases language models favour in news rewrites (transitions, hedged emphasis,
#: moralising closers). Counted in the copy beyond what the source already has.
LLM_MARKERS = (
    "it is important to note", "it's important to note", "it is worth noting", "furthermore",
    "moreover", "additionally", "ultimately", "in conclusion", "serves as a reminder",
    "serves as a powerful reminder", "serves as a stark reminder", "a testament to",
    "sent shockwaves", "in a move that", "underscores", "highlights the need", "navigate",
    "plays a crucial role", "in today's", "landscape", "it remains to be seen",
    "we must all", "only by", "for generations to come", "working together", "a wake-up call",
    "more resilient", "sustainable future", "notably", "emphasized",
)
#: Markers per 100 words of added text above which a rewrite is labelled ``llm_rewrite``.
#: Human news copy in the demo and fixtures scores 0-0.3; LLM restylings 1 or more.
LLM_MARKER_RATE = 0.8
#: One-for-one word substitutions (order kept) per aligned word above which a copy is spun.
SPIN_SUBSTITUTION_RATE = 0.06
#: ... while the rest of the wording stays the source's: a spinner swaps words in place;
#: a person or a model rephrases (lower share of the source's word bigrams kept).
SPIN_MIN_BIGRAM_SHARE = 0.55


def _label(name: str, score: float, **evidence: object) -> dict[str, object]:
    return {"label": name, "score": round(max(0.0, min(1.0, score)), 3), "evidence": evidence}


def substitutions(source: str, target: str, limit: int = 50) -> tuple[list[dict[str, str]], int]:
    """One-for-one word swaps between aligned texts (``source word -> copy word``), as an
    article spinner makes them, and the number of source words compared."""
    from rapidfuzz.distance import Levenshtein

    s_words, t_words = _WORDS_WITH_CASE.findall(source), _WORDS_WITH_CASE.findall(target)
    table: list[dict[str, str]] = []
    for op in Levenshtein.opcodes([w.lower() for w in s_words], [w.lower() for w in t_words]):
        if op.tag == "replace" and op.src_end - op.src_start == op.dest_end - op.dest_start <= 2:
            for i, j in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True):
                table.append({"source": s_words[i], "copy": t_words[j],
                              "kind": "name" if s_words[i][:1].isupper() and i and
                              not s_words[i - 1].endswith(".") else "word"})
    return table[:limit] if limit else table, len(s_words)


_WORDS_WITH_CASE = re.compile(r"[A-Za-z\u00C0-\u024F][\w'-]*")


def llm_marker_hits(text: str) -> list[str]:
    lowered = text.lower()
    return [m for m in LLM_MARKERS if m in lowered]


def _uncovered(text: str, spans: list[tuple[int, int]], min_chars: int = 40) -> list[list[int]]:
    """Spans of ``text`` outside ``spans`` (what a copy cut, or what it added)."""
    out, cursor = [], 0
    for start, end in sorted(spans):
        if start - cursor >= min_chars and text[cursor:start].strip():
            out.append([cursor, start])
        cursor = max(cursor, end)
    if len(text) - cursor >= min_chars and text[cursor:].strip():
        out.append([cursor, len(text)])
    return out


def describe_link(source, target, link) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Transformation labels of a verified link (multi-label), each with a score and
    evidence a person can check."""
    from .align import coverage

    passages = link.passages
    if source.language and target.language and source.language != target.language:
        return translation_labels(source, target)
    pairs = [(source.text[slice(*p.source)], target.text[slice(*p.target)]) for p in passages]
    features = [passage_features(a, b) for a, b in pairs]
    weights = [len(b) for _, b in pairs]
    mean_share = sum(f.bigram_share * w for f, w in zip(features, weights, strict=True)) / max(1, sum(weights))
    source_covered = coverage(passages, len(source.text), "source")
    target_covered = coverage(passages, len(target.text), "target")
    labels: list[dict[str, object]] = []
    table: list[dict[str, str]] = []
    compared = 0
    for a, b in pairs:
        rows, n = substitutions(a, b, limit=0)
        table.extend(rows)
        compared += n
    substitution_rate = len(table) / max(1, compared)
    cut = _uncovered(source.text, [p.source for p in passages])
    added = _uncovered(target.text, [p.target for p in passages])
    if substitution_rate >= SPIN_SUBSTITUTION_RATE and mean_share >= SPIN_MIN_BIGRAM_SHARE:
        names = [r for r in table if r["kind"] == "name"]
        labels.append(_label("spun", min(1.0, substitution_rate * 5), substitutions=table[:40],
                             substitution_rate=round(substitution_rate, 3),
                             corrupted_names=names[:10]))
    elif mean_share >= VERBATIM_BIGRAM_SHARE - 0.05:
        labels.append(_label("verbatim", mean_share, source_covered=round(source_covered, 3)))
    else:
        labels.append(_label("paraphrase", 1 - mean_share, bigram_share=round(mean_share, 3)))
    if source_covered < 0.85 and cut:
        labels.append(_label("excerpt", 1 - source_covered, source_covered=round(source_covered, 3),
                             cut=cut[:20]))
    added_text = " ".join(target.text[s:e] for s, e in added)
    markers = [m for m in llm_marker_hits(added_text + " " + " ".join(b for _, b in pairs))
               if m not in source.text.lower()]
    n_words = max(1, len(target.text.split()))
    rate = 100 * len(markers) / n_words
    if rate >= LLM_MARKER_RATE or (markers and added and len(markers) >= 3):
        labels.append(_label("llm_rewrite", min(1.0, rate / (2 * LLM_MARKER_RATE)),
                             style_markers=markers, added_passages=added[:10]))
    elif added and target_covered < 0.85:
        labels.append(_label("added_text", 1 - target_covered, added_passages=added[:10]))
    return labels


def translation_labels(source, target) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """A copy in another language than its source: ``translation``, and
    ``machine_translation`` when an English copy reads like a system's output."""
    from .translation import MACHINE_TRANSLATION_THRESHOLD, machine_translation_evidence

    labels = [_label("translation", 0.9, source_language=source.language,
                     target_language=target.language)]
    if target.language != "en":
        return labels  # the style model knows English only
    evidence = machine_translation_evidence(target.text)
    labels[0]["evidence"]["machine_translation_score"] = evidence["score"]
    if evidence["score"] >= MACHINE_TRANSLATION_THRESHOLD:
        labels.append(_label("machine_translation", float(evidence["score"]),  # type: ignore[arg-type]
                             features=evidence["features"],
                             flagged_passages=evidence["flagged_passages"]))
    return labels


def source_blind_signals(doc) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """What the text alone says of a document with no source in the corpus."""
    signals = []
    debris = [e for e in doc.evidence if e.get("kind") == "markup_debris"]
    if len(debris) >= 2:
        signals.append(_label("spun", min(1.0, 0.3 * len(debris)), markup_debris=debris[:10]))
    markers = llm_marker_hits(doc.text)
    rate = 100 * len(markers) / max(1, len(doc.text.split()))
    if rate >= LLM_MARKER_RATE and len(markers) >= 3:
        signals.append(_label("llm_rewrite", min(1.0, rate / (2 * LLM_MARKER_RATE)), style_markers=markers))
    return signals
