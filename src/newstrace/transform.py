"""Transform: how a copy was made from its source, with evidence.

``passage_features`` measures an aligned passage pair; ``pan_obfuscations`` names each
detected passage's obfuscation in PAN's words (none, random, translation, summary).
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from .align import Passage
from .normalize import STOPWORDS, stem, words

if TYPE_CHECKING:
    from .candidates import Link
    from .model import Document
    from .style import TermsModel

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


#: A passage whose word bigrams nearly all occur in the source is a verbatim copy (PAN13
#: train: the 5th percentile of no-obfuscation detections is 1.0; of random 0.31,
#: translation 0.14). Used by the link labels.
VERBATIM_BIGRAM_SHARE = 0.95
#: Rare words (wordfreq Zipf frequency below this: under one per million words): the
#: synonyms a thesaurus-driven spinner picks ("countenance" for "face").
RARE_ZIPF = 3.0

PASSAGE_FEATURES = (
    "char_ratio", "word_jaccard", "bigram_share", "log_length_ratio", "order_kept",
    "surface_kept", "stopword_shift", "new_stems", "summary_kind", "new_word_zipf",
    "new_word_rare", "swap_zipf_shift", "equal_words", "swapped_words", "log_word_ratio",
    "swap_length_shift", "midsentence_capitals_shift", "lowercase_openings_shift",
    "log_sentence_ratio", "punctuation_kept", "unknown_words")
#: PAN's obfuscation names, in the order the models store their classes.
OBFUSCATIONS = ("none", "random", "summary", "translation")
#: What the words a passage changed say of its obfuscation: the probabilities of a model
#: over those words (``data/pan_changed_words.json``), stacked under the obfuscation model.
CHANGED_WORDS_FEATURES = tuple(f"changed_words_{name}" for name in OBFUSCATIONS)
OBFUSCATION_FEATURES = (
    PASSAGE_FEATURES + tuple(f"pair_{n}" for n in PASSAGE_FEATURES)
    + ("pair_log_passages",) + CHANGED_WORDS_FEATURES)
_TITLED = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_MARKS = frozenset(",.;:!?()\"'-")


def _longest_increasing(sequence: list[int]) -> int:
    tails: list[int] = []
    for value in sequence:
        position = bisect.bisect_left(tails, value)
        if position == len(tails):
            tails.append(value)
        else:
            tails[position] = value
    return len(tails)


#: Words whose Zipf value is kept (a few MB): ``lineage.specific_terms`` looks up most words
#: of a text, 3.9 million lookups for the 4,701 documents with several candidate parents in
#: the PAN13 discovery analysis (benchmarks/discovery.py).
ZIPF_CACHE = 1 << 17


@lru_cache(maxsize=ZIPF_CACHE)
def zipf(word: str) -> float:
    """How common an English word is: wordfreq's Zipf scale (log10 per billion words;
    "the" is 7.7, "face" 5.5, "cittern" 1.1; 0 for unknown words)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _midsentence_capitals(text: str) -> float:
    tokens = _TITLED.findall(text)
    hits = sum(1 for a, b in zip(tokens, tokens[1:], strict=False)
               if b[:1].isupper() and not a.endswith((".", "!", "?", ":")))
    return hits / max(1, len(tokens))


def _lowercase_openings(text: str) -> float:
    sentences = _SENTENCE_END.split(text.strip())[1:]
    return sum(1 for x in sentences if x[:1].islower()) / max(1, len(sentences))


def _order_and_vocabulary(s_words: list[str], t_words: list[str]) -> list[float]:
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
    return [order, surface, stop_t - stop_s, new]


def _edits(s_words: list[str], t_words: list[str]) -> list[float]:
    """How the word sequence changed: kept in place, swapped one for one (with how much
    rarer and longer the new word is), and how common the copy's new words are."""
    from rapidfuzz.distance import Levenshtein

    equal = swapped = 0
    zipf_shift: list[float] = []
    length_shift: list[int] = []
    for op in Levenshtein.opcodes(s_words, t_words):
        n = op.dest_end - op.dest_start
        if op.tag == "equal":
            equal += n
        elif op.tag == "replace" and op.src_end - op.src_start == n:
            swapped += n
            for i, j in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True):
                zipf_shift.append(zipf(t_words[j]) - zipf(s_words[i]))
                length_shift.append(len(t_words[j]) - len(s_words[i]))
    source_vocabulary = set(s_words)
    new_zipf = [zipf(w) for w in t_words if w not in source_vocabulary and w.isalpha()]
    n = max(1, len(t_words))
    return [sum(new_zipf) / len(new_zipf) if new_zipf else 5.0,
            sum(z < RARE_ZIPF for z in new_zipf) / len(new_zipf) if new_zipf else 0.0,
            sum(zipf_shift) / len(zipf_shift) if zipf_shift else 0.0,
            equal / n, swapped / n, math.log(n / max(1, len(s_words))),
            sum(length_shift) / len(length_shift) if length_shift else 0.0]


def passage_vector(passage: Passage, source: str, target: str) -> list[float]:
    """``PASSAGE_FEATURES`` of an aligned passage pair (its source and target text)."""
    f = passage_features(source, target)
    s_words, t_words = words(source), words(target)
    return ([f.char_ratio / 100, f.word_jaccard, f.bigram_share,
             math.log(max(0.05, min(f.length_ratio, 20.0)))]
            + _order_and_vocabulary(s_words, t_words) + [float(passage.kind == "summary")]
            + _edits(s_words, t_words)
            + [_midsentence_capitals(target) - _midsentence_capitals(source),
               _lowercase_openings(target) - _lowercase_openings(source)]
            + _sentences_and_punctuation(source, target)
            + [sum(zipf(w) == 0 for w in t_words if w.isalpha()) / max(1, len(t_words))])


def _sentences_and_punctuation(source: str, target: str) -> list[float]:
    """Sentence count ratio and the share of the source's punctuation sequence the copy
    keeps in order: word-level edits keep both, a translation rebuilds sentences."""
    from rapidfuzz.distance import Indel

    s_sentences = len(_SENTENCE_END.split(source.strip()))
    t_sentences = len(_SENTENCE_END.split(target.strip()))
    s_marks = "".join(c for c in source if c in _MARKS)
    t_marks = "".join(c for c in target if c in _MARKS)
    kept = Indel.normalized_similarity(s_marks, t_marks) if s_marks or t_marks else 1.0
    return [math.log(t_sentences / s_sentences), kept]


def changed_terms(source: str, target: str) -> list[str]:
    """What a copy changed, as terms: the words it brought in, its word pairs the source
    lacks (``a_b``) and the source's words it dropped (``-w``). Round-trip translation brings
    in common words and rebuilt phrases; random obfuscation drops and scatters words."""
    s_words, t_words = words(source), words(target)
    s_set, t_set = set(s_words), set(t_words)
    s_pairs = set(zip(s_words, s_words[1:], strict=False))
    return ([w for w in t_words if w not in s_set]
            + [f"{a}_{b}" for a, b in zip(t_words, t_words[1:], strict=False) if (a, b) not in s_pairs]
            + [f"-{w}" for w in s_words if w not in t_set])


def obfuscation_vectors(passages: list[Passage], source_text: str, target_text: str,
                        changed_words: TermsModel | None = None) -> list[list[float]]:
    """``OBFUSCATION_FEATURES`` of each passage: its own, then the pair's (length-weighted
    means over all its passages and their number), because a copier treats a whole
    document one way, then what its changed words say (``changed_words``, by default the
    shipped model)."""
    from .style import load_terms_model

    model = changed_words or load_terms_model("pan_changed_words")
    if model.classes != OBFUSCATIONS:
        raise ValueError("changed-words model has other classes; retrain it with "
                         "scripts/train_pan_obfuscation.py")
    vectors = []
    for v, terms in zip(pair_vectors(passages, source_text, target_text),
                        passage_terms(passages, source_text, target_text), strict=True):
        probabilities = model.probabilities(terms)
        vectors.append(v + [probabilities[name] for name in OBFUSCATIONS])
    return vectors


def passage_terms(passages: list[Passage], source_text: str, target_text: str) -> list[list[str]]:
    """``changed_terms`` of each passage."""
    return [changed_terms(source_text[slice(*p.source)], target_text[slice(*p.target)]) for p in passages]


def pair_vectors(passages: list[Passage], source_text: str, target_text: str) -> list[list[float]]:
    """``OBFUSCATION_FEATURES`` up to the changed-words ones (see ``obfuscation_vectors``)."""
    own = [passage_vector(p, source_text[slice(*p.source)], target_text[slice(*p.target)])
           for p in passages]
    if not own:
        return []
    weights = [max(1, p.target[1] - p.target[0]) for p in passages]
    total = sum(weights)
    pair = [sum(v[k] * w for v, w in zip(own, weights, strict=True)) / total
            for k in range(len(PASSAGE_FEATURES))]
    pair.append(math.log(len(passages)))
    return [v + pair for v in own]


def pan_obfuscations(passages: list[Passage], source_text: str, target_text: str) -> list[str]:
    """PAN's name (none, random, translation, summary) for how each detected passage was
    obfuscated, from ``data/pan_obfuscation.json`` (scripts/train_pan_obfuscation.py)."""
    from .style import load_softmax_model

    model = load_softmax_model("pan_obfuscation").require(OBFUSCATION_FEATURES)
    return [model.predict(v) for v in obfuscation_vectors(passages, source_text, target_text)]


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
#: ... and its replacement words are rarer than the words they replace by this much on
#: average (Zipf scale), or it corrupts names: a thesaurus picks odd words, a language
#: model polishing sentences picks common ones. The project's spinner at rates that pass
#: the substitution rate: 0.8-1.1 rarer; MixSet polish_sentence outputs that passed it
#: before this rule: -0.6 to +0.6 (12 of 14 under 0.4).
SPIN_RARER_ZIPF = 0.4
#: ... and it keeps the sentence frame: at most this share of the words of both sides sit in
#: edits other than one-for-one swaps (insertions, deletions, phrases rebuilt). The project's
#: spinner at rates 0.2-0.8 on the demo stories: 0-0.023; the MixSet Llama 2 polishes the
#: rules above took for spin (9 of 300): 0.15-0.35. A phrase-swapping spinner sits between.
SPIN_MAX_RESTRUCTURED = 0.1


def _label(name: str, score: float, **evidence: object) -> dict[str, object]:
    return {"label": name, "score": round(max(0.0, min(1.0, score)), 3), "evidence": evidence}


@dataclass(frozen=True)
class WordEdits:
    """How a copy's word sequence differs from its source's (case kept in the words, the
    edit operations computed case-folded)."""

    source_words: list[str]
    copy_words: list[str]
    opcodes: list  # rapidfuzz Opcode

    @classmethod
    def of(cls, source: str, target: str) -> WordEdits:
        from rapidfuzz.distance import Levenshtein

        s_words, t_words = _WORDS_WITH_CASE.findall(source), _WORDS_WITH_CASE.findall(target)
        opcodes = Levenshtein.opcodes([w.lower() for w in s_words], [w.lower() for w in t_words])
        return cls(s_words, t_words, list(opcodes))

    def swaps(self) -> list[dict[str, object]]:
        """One-for-one swaps of one or two words, each with both words' Zipf frequency."""
        s_words, t_words = self.source_words, self.copy_words
        table: list[dict[str, object]] = []
        for op in self.opcodes:
            if op.tag == "replace" and op.src_end - op.src_start == op.dest_end - op.dest_start <= 2:
                for i, j in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True):
                    table.append({"source": s_words[i], "copy": t_words[j],
                                  "kind": "name" if s_words[i][:1].isupper() and i and
                                  not s_words[i - 1].endswith(".") else "word",
                                  "source_zipf": zipf(s_words[i].lower()),
                                  "copy_zipf": zipf(t_words[j].lower())})
        return table

    def restructured_share(self) -> float:
        """Share of both texts' words in edits other than those swaps: what a rewording
        rebuilt, where a spinner only swaps."""
        rebuilt = 0
        for op in self.opcodes:
            n_source, n_target = op.src_end - op.src_start, op.dest_end - op.dest_start
            if op.tag != "equal" and not (op.tag == "replace" and n_source == n_target <= 2):
                rebuilt += n_source + n_target
        return rebuilt / max(1, len(self.source_words) + len(self.copy_words))


def substitutions(source: str, target: str, limit: int = 50) -> tuple[list[dict[str, object]], int]:
    """One-for-one word swaps between aligned texts (``source word -> copy word``), as an
    article spinner makes them, and the number of source words compared. Each swap carries
    both words' Zipf frequency (see ``zipf``): a spinner's choice is often far rarer."""
    edits = WordEdits.of(source, target)
    table = edits.swaps()
    return table[:limit] if limit else table, len(edits.source_words)


def restructured_share(source: str, target: str) -> float:
    """``WordEdits.restructured_share`` of two texts."""
    return WordEdits.of(source, target).restructured_share()


def _replacements_rarer_by(table: list[dict[str, object]]) -> float:
    """Mean Zipf frequency of replaced words minus their replacements' (names left out)."""
    shifts = [float(r["source_zipf"]) - float(r["copy_zipf"])  # type: ignore[arg-type]
              for r in table if r["kind"] == "word"]
    return sum(shifts) / len(shifts) if shifts else 0.0


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


def describe_link(source: Document, target: Document, link: Link) -> list[dict[str, object]]:
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
    edits = [WordEdits.of(a, b) for a, b in pairs]
    table = [row for e in edits for row in e.swaps()]
    substitution_rate = len(table) / max(1, sum(len(e.source_words) for e in edits))
    restructured = sum(e.restructured_share() * w for e, w in zip(edits, weights, strict=True)) / max(1, sum(weights))
    cut = _uncovered(source.text, [p.source for p in passages])
    added = _uncovered(target.text, [p.target for p in passages])
    names = [r for r in table if r["kind"] == "name"]
    rarer = _replacements_rarer_by(table)
    if substitution_rate >= SPIN_SUBSTITUTION_RATE and mean_share >= SPIN_MIN_BIGRAM_SHARE and (
            rarer >= SPIN_RARER_ZIPF or names) and restructured <= SPIN_MAX_RESTRUCTURED:
        labels.append(_label("spun", min(1.0, substitution_rate * 5), substitutions=table[:40],
                             substitution_rate=round(substitution_rate, 3),
                             restructured=round(restructured, 3),
                             replacements_rarer_by=round(rarer, 2), corrupted_names=names[:10]))
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
    by_markers = rate >= LLM_MARKER_RATE or (markers and added and len(markers) >= 3)
    wording_source, wording_target = _llm_wording(source), _llm_wording(target)
    by_wording = _reads_as_rewrite(wording_source, wording_target)
    if by_markers or by_wording:
        evidence: dict[str, object] = {
            "style_markers": markers, "added_passages": added[:10],
            "wording_source": round(wording_source, 3), "wording_copy": round(wording_target, 3)}
        if by_wording:
            from .style import llm_wording_terms

            evidence["model_wording"] = llm_wording_terms(target.text)
        score = max(min(1.0, rate / (2 * LLM_MARKER_RATE)) if by_markers else 0.0,
                    wording_target if by_wording else 0.0)
        labels.append(_label("llm_rewrite", score, **evidence))
    elif added and target_covered < 0.85:
        labels.append(_label("added_text", 1 - target_covered, added_passages=added[:10]))
    return labels


def translation_labels(source: Document, target: Document) -> list[dict[str, object]]:
    """A copy in another language than its source: ``translation``, and
    ``machine_translation`` when an English copy reads like a system's output."""
    from .translation import MACHINE_TRANSLATION_THRESHOLD, machine_translation_evidence

    languages = {"source_language": source.language, "target_language": target.language}
    if target.language != "en":
        return [_label("translation", 0.9, **languages)]  # the style model knows English only
    evidence = machine_translation_evidence(target.text, source.text, source.language)
    labels = [_label("translation", 0.9, **languages, machine_translation_score=evidence["score"])]
    if evidence["score"] >= MACHINE_TRANSLATION_THRESHOLD:
        labels.append(_label("machine_translation", evidence["score"],
                             features=evidence["features"],
                             flagged_passages=evidence["flagged_passages"]))
    return labels


def source_blind_signals(doc: Document) -> list[dict[str, object]]:
    """What the text alone says of a document with no source in the corpus."""
    signals = []
    debris = [e for e in doc.evidence if e.get("kind") == "markup_debris"]
    if len(debris) >= 2:
        signals.append(_label("spun", min(1.0, 0.3 * len(debris)), markup_debris=debris[:10]))
    markers = llm_marker_hits(doc.text)
    rate = 100 * len(markers) / max(1, len(doc.text.split()))
    by_markers = rate >= LLM_MARKER_RATE and len(markers) >= 3
    wording = _llm_wording(doc)
    if by_markers or wording >= SOURCE_BLIND_WORDING:
        score = max(min(1.0, rate / (2 * LLM_MARKER_RATE)) if by_markers else 0.0, wording)
        evidence: dict[str, object] = {"style_markers": markers, "wording_score": round(wording, 3)}
        if wording >= SOURCE_BLIND_WORDING:
            from .style import llm_wording_terms

            evidence["model_wording"] = llm_wording_terms(doc.text)
        signals.append(_label("llm_rewrite", score, **evidence))
    return signals


#: Wording-model score (``style.llm_wording_score``) from which a text alone is flagged as
#: model-written. BASIL's 300 human news articles: none reach it (highest 0.865; 4 of 300
#: from 0.8). SheepDog: 71% of the 1,200 LLM restylings of the first 300 articles reach
#: it (1.4% by style markers alone), and 2.8% of the 360 PolitiFact articles themselves
#: (the model of 5abcb36, without MixSet's humanized texts: 0.887, 1; 62%; 2.2%).
SOURCE_BLIND_WORDING = 0.9
#: A copy that reaches ``SOURCE_BLIND_WORDING`` is labelled ``llm_rewrite`` of a source
#: whose wording score stays under this (the source does not read as model-written).
REWRITE_SOURCE_WORDING = 0.5


def reads_as_model_rewrite(source: Document, copy: Document) -> bool:
    """Whether the wording model reads ``copy`` as model-written and ``source`` not: the
    test the ``llm_rewrite`` label applies (BASIL's human articles never pass it)."""
    return _reads_as_rewrite(_llm_wording(source), _llm_wording(copy))


def reads_human(doc: Document) -> bool:
    """Whether the wording model reads an English text as written by a person (a wording
    score under ``REWRITE_SOURCE_WORDING``); False for a text it cannot read."""
    return doc.language in (None, "", "en") and _llm_wording(doc) < REWRITE_SOURCE_WORDING


def _reads_as_rewrite(wording_source: float, wording_copy: float) -> bool:
    """The copy reads as model-written and its source does not."""
    return wording_copy >= SOURCE_BLIND_WORDING and wording_source < REWRITE_SOURCE_WORDING


def _llm_wording(doc: Document) -> float:
    """The wording score of an English (or undetected-language) text; 0 for others: the
    model read English only."""
    if doc.language not in (None, "", "en"):
        return 0.0
    from .style import llm_wording_score

    return llm_wording_score(doc.text)
