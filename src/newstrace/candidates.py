"""Candidates: which document pairs may share text, without comparing all pairs.

Lexical channel: each sentence unit's set of stemmed content words gets a MinHash
signature (datasketch); signatures are cut into bands and every (band, values) key is
stored in the ``bands`` table. Two documents sharing keys share near-duplicate sentences,
so an excerpt of a long article is found through the sentences it kept (containment at
passage level), and spun or shuffled sentences still collide on their untouched words.
Keys shared by too many documents (boilerplate) are ignored.

Semantic channel: a multilingual embedding of each document's lead, compared by cosine,
finds paraphrases, summaries and translations that share few words.

Candidates are verified by alignment (``align``) before they become links.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from .align import (
    Passage,
    Units,
    _recent_sentence_units,
    _word_spans,
    align_rewrite,
    align_semantic,
    align_texts,
    coverage,
    link_score,
    rewrite_possible,
    units_of,
)
from .model import Document, Span
from .normalize import SPEECH_VERBS, STOPWORDS, opens_sentence, stem
from .options import Options
from .recent import RecentCache
from .store import PASSAGE_ORDER, Store

#: MinHash permutations per sentence and rows per band: 16 bands of 2 rows catch a
#: sentence pair of Jaccard 0.3 (a spun or machine-translated sentence) with p = 0.78,
#: one of 0.5 with p = 0.99; a passage of several sentences is found almost surely.
NUM_PERM = 32
BAND_ROWS = 2
#: A band key in more documents than this is boilerplate, not evidence of copying.
MAX_KEY_DOCUMENTS = 50
#: Document-vector cosine for a semantic candidate, and how many neighbours to check.
#: Same-story articles in different languages score 0.75-0.9 with USE v3 (demo corpus).
SEMANTIC_DOCUMENT_COSINE = 0.7
SEMANTIC_NEIGHBOURS = 10
#: ... and in analyze a document's nearest few whatever that cosine, down to a lower one: a
#: sensational or emotional LLM restyling moves its vector away from its source's, but its
#: source stays among its nearest. On SheepDog, 26 source-restyling pairs were no candidate
#: of either kind; 9 of them link when verified, 8 of those 9 with the source among the
#: restyling's 5 nearest at 0.43-0.66. Verified alone, the pairs this adds (benchmarks/
#: lineage.py stores): BASIL 386, no link; SheepDog 1,517, 8 source-restyling, 7 sibling
#: and 9 cross-article links. Then benchmarks/lineage.py: SheepDog own source as parent
#: 1,220 -> 1,230 of 1,440, five versions in one story 314 -> 313; BASIL unchanged (ARI
#: 0.9296, 41 links between outlets). The cost: more documents' sentences are embedded,
#: BASIL's analysis 43.6 -> 51.0 s. trace keeps to the first kind, for its latency.
SEMANTIC_NEAREST = 5
SEMANTIC_NEAREST_COSINE = 0.5
#: Document-vector cosine at which a lexical candidate that is not a semantic one is also
#: aligned as a whole-text rewrite when its lexical passages cover little: LLM restylings
#: whose vectors sit under ``SEMANTIC_DOCUMENT_COSINE`` share enough shingles to be lexical
#: candidates. Of SheepDog's 136 source-restyling pairs left unlinked without it, 51 link
#: when verified alone and 40 of those align as whole-text rewrites. Gated at 0.45 (3,469
#: of SheepDog's 16,717 lexical-only pairs): own source as parent 0.7979 -> 0.8090, BASIL's
#: links between outlets unchanged at 46; ungated, BASIL's rose 46 -> 49 (benchmarks/lineage.py).
REWRITE_DOCUMENT_COSINE = 0.45

#: Work smaller than this is done in-process: starting workers costs more. It is counted as
#: the groups' lengths: a description group's length is its links, but a verification
#: group is a (tasks, units, vectors) tuple of length 3, so verification stays in-process
#: below about 21 groups (some 700 candidate pairs). Counting those pairs instead made no
#: difference on an incremental analysis of 20 new BASIL articles (322 pairs: 2.5-2.6 s
#: in-process, 2.7-3.0 s with workers), so it was left as it is.
POOL_MIN_TASKS = 64

_MASK = np.uint64(0x7FFF_FFFF_FFFF_FFFF)


def band_keys(units: Units) -> np.ndarray:
    """Unique int64 band keys of a text's sentence units."""
    from datasketch import MinHash

    token_sets = [[t.encode("utf-8") for t in set(tokens)] for tokens in units.tokens if tokens]
    if not token_sets:
        return np.zeros(0, dtype=np.int64)
    signatures = np.vstack([m.hashvalues for m in MinHash.bulk(token_sets, num_perm=NUM_PERM, seed=7)])
    signatures = signatures.astype(np.uint64).reshape(len(token_sets), NUM_PERM // BAND_ROWS, BAND_ROWS)
    bands = np.arange(NUM_PERM // BAND_ROWS, dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        keys = bands * np.uint64(0x9E3779B97F4A7C15)
        for row in range(BAND_ROWS):
            keys = (keys ^ signatures[:, :, row]) * np.uint64(0xBF58476D1CE4E5B9)
    return np.unique((keys & _MASK).astype(np.int64).ravel())


@dataclass
class Link:
    """A verified derivation: ``target`` reuses ``source``."""

    source: str
    target: str
    score: float
    method: str
    passages: list[Passage]
    transformation: list[dict[str, object]] = field(default_factory=list)
    evidence: dict[str, object] = field(default_factory=dict)
    claims: dict[str, object] = field(default_factory=dict)
    framing: dict[str, object] = field(default_factory=dict)
    #: False until transformation, claims and framing are filled in for this direction
    #: (analysis describes links only once their direction is settled).
    described: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "target": self.target, "relation": "derived",
                "score": self.score, "method": self.method,
                "transformation": self.transformation, "evidence": self.evidence,
                "passages": [p.as_dict() for p in self.passages]}


@dataclass
class PairCache:
    """Per-document work shared by the pairs of one verification group."""

    units: dict[str, Units] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def units_of(self, doc: Document) -> Units:
        if doc.id not in self.units:
            self.units[doc.id] = _recent_sentence_units.get_or_make(
                (doc.id, len(doc.text), hash(doc.text)), lambda: units_of(doc.text, doc.sentences))
        return self.units[doc.id]

    def vectors_of(self, doc: Document) -> np.ndarray:
        if doc.id not in self.vectors:
            self.vectors[doc.id] = _recent_vectors.get(doc, self.units_of(doc))
        return self.vectors[doc.id]


#: Sentence vectors a worker process keeps for the documents it met last, up to this many
#: sentences (20 MB): one document's pairs are spread over many verification groups, and
#: embedding is most of a semantic verification's time. On 60 generated articles analyzed
#: with embeddings (one worker), documents were embedded 455 times without it.
RECENT_VECTOR_SENTENCES = 10_000


class _RecentVectors:
    """Sentence vectors of the documents met last, by document id and text, up to
    ``budget`` sentences (``RecentCache``)."""

    def __init__(self, budget: int) -> None:
        self.kept: RecentCache[tuple[str, int], np.ndarray] = RecentCache(budget, len)

    @property
    def budget(self) -> int:
        return self.kept.budget

    @property
    def rows(self) -> int:
        return self.kept.weight

    def get(self, doc: Document, units: Units) -> np.ndarray:
        return self.get_many([(doc, units)])[doc.id]

    def get_many(self, docs: Sequence[tuple[Document, Units]]) -> dict[str, np.ndarray]:
        """Vectors of each document's units, the missing ones embedded in one batch."""
        from .embed import embed

        found: dict[str, np.ndarray] = {}
        missing: dict[str, tuple[Document, Units]] = {}
        for doc, units in docs:
            kept = self.kept.get((doc.id, hash(doc.text)))
            if kept is not None:
                found[doc.id] = kept
            else:
                missing.setdefault(doc.id, (doc, units))
        if not missing:
            return found
        vectors = embed([doc.text[s:e] for doc, units in missing.values() for s, e in units.spans])
        at = 0
        for doc, units in missing.values():
            found[doc.id] = vectors[at:at + len(units.spans)]
            at += len(units.spans)
            self.kept.put((doc.id, hash(doc.text)), found[doc.id])
        return found


_recent_vectors = _RecentVectors(RECENT_VECTOR_SENTENCES)
#: Sentence vectors an analysis keeps in its parent process, up to this many sentences
#: (200 MB), and hands to the workers with each group of pairs: embedded once, not once
#: per worker and group. SheepDog's 1,800 articles have 45,617 sentence units; with the
#: vectors embedded here its analysis took 393 s (445 s before, with workers embedding),
#: BASIL's 51 s (106 s).
ANALYSIS_VECTOR_SENTENCES = 100_000


def _languages_differ(a: Document, b: Document) -> bool:
    return bool(a.language and b.language and a.language != b.language)


#: Passages that cover less than this share of both texts leave room for a whole-text
#: rewrite: a rewrite whose one sentence pair aligned lexically or semantically is aligned
#: as a rewrite too, and the rewrite passage is kept when it covers more of both texts.
#: Held-out MixSet (rewrites and polishes, 1,200): 59 pairs had one passage covering
#: 11-19% of each side, which left their direction to chance.
PARTIAL_COVERAGE = 0.3


def align_pair(a: Document, b: Document, options: Options, cache: PairCache, *,
               semantic: bool = False, rewrite: bool = False) -> tuple[list[Passage], str]:
    """(passages with source spans in ``a``, "lexical" or "semantic"): lexical alignment
    first; with ``semantic``, sentence embeddings when it finds nothing (a translation, a
    heavy rewording) or finds only a sliver of a text rewritten whole; with ``rewrite``,
    only the whole-text rewrite alignment is tried after the lexical one."""
    ua, ub = cache.units_of(a), cache.units_of(b)
    passages = align_texts(a.text, b.text, min_chars=options.min_passage_chars,
                           source_units=ua, target_units=ub)
    method = "lexical"
    cross_lingual = _languages_differ(a, b)

    def settled(found: list[Passage]) -> bool:
        # nothing a rewrite alignment could add: across languages, a text well covered
        # already, or sentence counts no rewrite chain fits
        return bool(found) and (cross_lingual or not _partial(found, a, b) or not rewrite_possible(ua, ub))

    if not (semantic or rewrite) or settled(passages):
        return passages, method
    if not semantic and not rewrite_possible(ua, ub):  # the rewrite alignment finds nothing
        return passages, method
    va, vb = cache.vectors_of(a), cache.vectors_of(b)
    if semantic and not passages:
        passages = align_semantic(a.text, b.text, ua, ub, va, vb, min_chars=options.min_passage_chars,
                                  cross_lingual=cross_lingual)
        method = "semantic"
        if settled(passages):
            return passages, method
    reworded = align_rewrite(a.text, b.text, ua, ub, va, vb, min_chars=options.min_passage_chars)
    if reworded and (not passages or _covers_more(reworded, passages, a, b)):
        return reworded, "semantic"
    return passages, method


def _partial(passages: Sequence[Passage], a: Document, b: Document) -> bool:
    return max(coverage(passages, len(a.text), "source"),
               coverage(passages, len(b.text), "target")) < PARTIAL_COVERAGE


def _covers_more(these: Sequence[Passage], those: Sequence[Passage], a: Document, b: Document) -> bool:
    return (coverage(these, len(a.text), "source") > coverage(those, len(a.text), "source")
            and coverage(these, len(b.text), "target") > coverage(those, len(b.text), "target"))


def verify_pair(a: Document, b: Document, options: Options, *, semantic: bool = False,
                rewrite: bool = False, cache: PairCache | None = None,
                describe: bool = True) -> Link | None:
    """Align two documents; a ``Link`` oriented source -> copy, or None if nothing is reused.

    ``semantic`` and ``rewrite`` choose the alignments tried after the lexical one (see
    ``align_pair``). With ``describe=False`` the link carries its direction evidence only
    (see ``describe_pending``)."""
    found = _verify(a, b, options, semantic=semantic, rewrite=rewrite, cache=cache, describe=describe)
    return found if isinstance(found, Link) else None


@dataclass(frozen=True)
class SharedQuotes:
    """Two documents whose shared text is what both quote: independent reports of one
    statement, related by their story and not by derivation."""

    a: str
    b: str


def _verify(a: Document, b: Document, options: Options, *, semantic: bool = False,
            rewrite: bool = False, cache: PairCache | None = None,
            describe: bool = True) -> Link | SharedQuotes | None:
    from .lineage import orient

    passages, method, score = decide_pair(a, b, options, cache or PairCache(),
                                          semantic=semantic, rewrite=rewrite)
    if not isinstance(score, float):
        return score
    source, target, passages, direction = orient(a, b, passages)
    if not describe:
        return Link(source.id, target.id, score, method, passages,
                    evidence={"direction": direction}, described=False)
    return described_link(source, target, score, method, passages, direction)


def decide_pair(a: Document, b: Document, options: Options, cache: PairCache, *,
                semantic: bool = False, rewrite: bool = False
                ) -> tuple[list[Passage], str, float | SharedQuotes | None]:
    """The passages, their method and the ``reuse_score`` of a pair, as analyze and trace
    decide it: the alignments of ``align_pair``, then, when they show no reuse and
    ``options.lone_sentence_similarity`` is set, the second look of
    ``lone_sentence_passages``."""
    passages, method = align_pair(a, b, options, cache, semantic=semantic, rewrite=rewrite)
    score = reuse_score(a, b, passages, options) if passages else None
    if score is None and options.lone_sentence_similarity is not None:
        passages, method = lone_sentence_passages(a, b, options, cache), "lexical"
        score = reuse_score(a, b, passages, options) if passages else None
    return passages, method, score


def reuse_score(a: Document, b: Document, passages: Sequence[Passage], options: Options
                ) -> float | SharedQuotes | None:
    """The one reuse decision of analyze and trace on aligned passages: the link score
    when they show that one text reused the other; ``SharedQuotes`` when what they share is
    what both quote; None when they are too little, or only meaning two people's texts
    share."""
    if quotes_shared_not_copied(a, b, passages, options):
        return SharedQuotes(*sorted((a.id, b.id)))
    if _story_told_by_human_texts(a, b, passages):
        return None
    score = link_score(passages, len(a.text), len(b.text))
    return score if enough_reuse(passages, score, options, (a.text, b.text)) else None


def _story_told_by_human_texts(a: Document, b: Document, passages: Sequence[Passage]) -> bool:
    """Whether two texts in one language that both read as written by people
    (``transform.reads_human``) share only what two reports of one event share: meaning
    and no wording (``_meaning_only``), loose paraphrase (``_retold_loosely``) or one's lead
    retelling the other (``_retold_in_a_lead``). A
    person's paraphrase cannot be told from such reports, so their story relates them and
    no derivation link does; a translation, or a text read as a language model's rewrite,
    still links."""
    if _languages_differ(a, b) or not (_meaning_only(passages) or _retold_loosely(a, b, passages)
                                       or _retold_in_a_lead(a, b, passages)):
        return False
    from .transform import reads_human

    return reads_human(a) and reads_human(b)


def _meaning_only(passages: Sequence[Passage]) -> bool:
    """No lexical passage: two reports telling the same facts in the same order. On the
    stored analyses of benchmarks/lineage.py (e8b2561), such links between two texts read
    as human were 10 of BASIL's 45, 7 of them the 41 between outlets (outlets reporting one
    event in their own words), and 3 of SheepDog's 3,830; without them, lineage made again:
    BASIL's links between outlets 41 -> 34, SheepDog's own source as parent 1,285 -> 1,284
    of 1,440."""
    return not any(p.method == "lexical" for p in passages)


#: A summary passage whose summarising side opens its text and is less than this share of
#: it is the lead of a report that goes on past it. Chosen before measuring. Replayed on
#: the stored analyses of 14714b7: BASIL's links between outlets 20 -> 18; SheepDog's
#: links unchanged (its 40 such summaries all have a side read as model-written); PAN13
#: discovery, default and thorough, 4 unlisted pairs each dropped, listed pairs and
#: directions unchanged. Without the check that the whole texts tell one story, PAN13
#: default dropped 8 unlisted pairs and 1 of those it lists as sharing nothing, but a
#: summary opening a text about something else went unlinked too.
LEAD_SHARE = 0.8


def _retold_in_a_lead(a: Document, b: Document, passages: Sequence[Passage]) -> bool:
    """Whether all the texts share is one summary passage that opens the summarising text
    (``LEAD_SHARE``): a news report's lead tells its whole story in short, so a lead
    resembling the whole of another report of the event is no sign that it condensed it.
    A condensed copy is all summary, and a summary taken into another text sits inside it
    (none of PAN13 train's 1,185 summary cases starts its suspicious document). The two
    texts must tell one story: their words alike as wholes (``SAME_STORY_OUTSIDE_SIMILARITY``)."""
    if len(passages) != 1 or passages[0].kind != "summary":
        return False
    p = passages[0]
    text, (start, end) = (a.text, p.source) if p.source[1] - p.source[0] < p.target[1] - p.target[0] \
        else (b.text, p.target)
    return not text[:start].strip() and end - start < LEAD_SHARE * len(text.strip()) \
        and _weights_cosine(_word_weights(a.text, []), _word_weights(b.text, [])) \
        >= SAME_STORY_OUTSIDE_SIMILARITY


#: Two texts telling one story share words outside their aligned passages at least this
#: much (``outside_similarity``; texts about different things are under
#: ``UNRELATED_OUTSIDE_SIMILARITY``) ...
SAME_STORY_OUTSIDE_SIMILARITY = 0.3
#: ... and passages all under this similarity are loose paraphrase, the facts and
#: quotations of one event told in other words, not text taken from the other report ...
LOOSE_PASSAGE_SIMILARITY = 0.5
#: ... when not both texts are this much made of them: a rewrite of a whole text, which
#: a person's loose paraphrase can be, covers most of both. One text this much covered was
#: told in short inside the other, and the two tell one story when the rest of the other
#: is alike to it (``SAME_STORY_OUTSIDE_SIMILARITY``); a text summarized inside another
#: about something else (PAN13's summaries) is not.
RETOLD_COVERAGE = 0.5


def _retold_loosely(a: Document, b: Document, passages: Sequence[Passage]) -> bool:
    """Whether the passages are only loose paraphrase (``LOOSE_PASSAGE_SIMILARITY``), not
    of the whole of both texts (``RETOLD_COVERAGE``), and the texts are alike beyond them
    (``SAME_STORY_OUTSIDE_SIMILARITY``): two outlets' reports of one event, telling its
    facts and quoting its speakers each in their own words. Measured, for texts both read
    as human (``_story_told_by_human_texts``), on the links of stored analyses before
    choosing. Passages covering under half of each text (4bd32ac): of BASIL's 35 links
    between outlets, 8 are such pairs; of SheepDog's 1,374 links between an article and its
    restyling, 3 (restylings the wording model reads as human); of PAN13 discovery's 3,094
    links with reuse, none (15 at an outside similarity of 0.25, 14 at a passage
    similarity of 0.6). One text summarized whole (a6d9dfb): of BASIL's 27 links between
    outlets left, 4; of SheepDog's, none; of PAN13's, 3 (none at a similarity of 0.35).
    All three were looked at to choose, so none is held out."""
    if any(p.similarity >= LOOSE_PASSAGE_SIMILARITY for p in passages):
        return False
    covered_a = coverage(passages, len(a.text), "source")
    covered_b = coverage(passages, len(b.text), "target")
    if min(covered_a, covered_b) >= RETOLD_COVERAGE:
        return False
    if max(covered_a, covered_b) >= RETOLD_COVERAGE:
        whole, other, spans = (a, b, [p.target for p in passages]) if covered_a >= covered_b \
            else (b, a, [p.source for p in passages])
        alike = _weights_cosine(_word_weights(whole.text, []), _word_weights(other.text, spans))
    else:
        alike = outside_similarity(a.text, b.text, passages)
    return alike >= SAME_STORY_OUTSIDE_SIMILARITY


#: Similarity-weighted characters of one lexical passage that make a link whatever share
#: of the two texts it is: two sentences copied nearly word for word into a long document.
#: The link score is a share, so a 400-character verbatim paragraph in a 30,000-character
#: document scored under ``min_link_score``; on PAN13 train in discovery mode 177 pairs with
#: reuse were lost that way. Of the 1,000 pairs PAN lists as sharing nothing, none has a
#: lexical passage of this weight that the score did not already pass; on BASIL, 1 of the
#: 300 same-event pairs of outlets reaches it (measured with benchmarks/discovery.py and an alignment of every BASIL pair).
MIN_COPIED_EVIDENCE_CHARS = 200


#: ... or of this weight (a sentence or two) when the texts share nothing else: outside the
#: aligned passages their words are this unalike (``outside_similarity``). Texts telling
#: the same story share words everywhere and a sentence by chance or by quotation; a
#: passage shared by texts about different things was copied. Measured before choosing:
#: PAN13 train pairs with reuse missed in discovery mode with one lexical passage under
#: 200 weighted characters, 88, are 0.075-0.39 alike outside it (56 under 0.25, 50 of them
#: weighing at least 80); BASIL's same-event pairs of outlets with such a passage, 26, are
#: 0.29-0.48 alike; of 400 sampled pairs PAN lists as sharing nothing, the 2 with one are
#: 0.41 and 0.52; of the 26 links between different SheepDog articles that a floor of 120
#: would add (quotes of one speech), 1 is under 0.25. Then benchmarks/discovery.py: pair
#: recall 0.9358 -> 0.9506, listed no-reuse pairs reported 9 -> 9 (of 3,087 judged),
#: direction 0.9554 -> 0.9552; BASIL links between outlets 41 -> 41; SheepDog own source as
#: parent 1,220 -> 1,216 (one new 0.06 link to a long transcript reordered one family;
#: 1,220 again since ``lineage._isolated_passage_links``).
SHORT_COPIED_EVIDENCE_CHARS = 80
UNRELATED_OUTSIDE_SIMILARITY = 0.25


def enough_reuse(passages: Sequence[Passage], score: float, options: Options,
                 texts: tuple[str, str] | None = None) -> bool:
    """Whether aligned passages make a link: a large enough share of the texts, or one
    lexical passage heavy enough on its own, or (given the two ``texts``) a lighter one
    shared by texts that are otherwise unalike."""
    if not stands_on_light_passages(passages, score, options):
        return True
    return (texts is not None and any(_weighted_chars(p) >= SHORT_COPIED_EVIDENCE_CHARS
                                      for p in _lexical_copies(passages))
            and outside_similarity(*texts, passages) < UNRELATED_OUTSIDE_SIMILARITY)


def stands_on_light_passages(passages: Sequence[Passage], score: float, options: Options) -> bool:
    """Whether neither the share of the texts nor a heavy lexical passage makes the link:
    a stored link of which this holds was made by a light passage in otherwise unalike
    texts (``enough_reuse``)."""
    return score < options.min_link_score and not any(
        _weighted_chars(p) >= MIN_COPIED_EVIDENCE_CHARS for p in _lexical_copies(passages))


#: The thorough preset's ``lone_sentence_similarity`` and this shortest passage were chosen on
#: PAN13 train in discovery mode (c101305's store). Of the 53 pairs with reuse that were
#: candidates but not linked, the second look links 22 at 0.35 with 80 characters, 25
#: with 50 (24 as written here: word windows keep their own bar), 28 with 30; 14 at 0.4
#: with 80. Of the 1,000 pairs listed as sharing nothing,
#: verified alone, it adds 5, 14 and 20. None of BASIL's 300 same-event pairs of outlets
#: gains a link at any of these: the texts telling one story are alike outside the
#: passage (0.27-0.49 for those a looser single-sentence threshold links unconditionally).
#: Then benchmarks/discovery.py --preset thorough (7196502): pair recall 3,154 -> 3,178 of
#: 3,238 (0.9815), listed no-reuse pairs reported 17 -> 29 (of 3,207 judged), direction
#: 0.9610 -> 0.9619, links 14,537 -> 16,842, analysis 1,322 -> 1,253 s (the first run
#: partly shared the machine).
LONE_SENTENCE_CHARS = 50


def lone_sentence_passages(a: Document, b: Document, options: Options, cache: PairCache
                           ) -> list[Passage]:
    """Passages aligned with ``options.lone_sentence_similarity`` (none when it is unset) for
    a sentence pair alone,
    kept only when the texts are otherwise unalike (``outside_similarity`` under
    ``UNRELATED_OUTSIDE_SIMILARITY``): a shared sentence in texts about different things
    was copied, in texts telling one story it is what both report."""
    similarity = options.lone_sentence_similarity
    if similarity is None:
        return []
    passages = align_texts(a.text, b.text, min_chars=min(LONE_SENTENCE_CHARS, options.min_passage_chars),
                           source_units=cache.units_of(a), target_units=cache.units_of(b),
                           single_seed_cosine=similarity)
    if passages and outside_similarity(a.text, b.text, passages) < UNRELATED_OUTSIDE_SIMILARITY:
        return passages
    return []


def _lexical_copies(passages: Sequence[Passage]) -> list[Passage]:
    return [p for p in passages if p.kind == "copy" and p.method == "lexical"]


_WORD = re.compile(r"[^\W\d_]{3,}")
#: The weight of a word never seen by wordfreq (and the most any word gets): as rare as
#: one in 10^8 words.
_RAREST_WORD_WEIGHT = 8.0


def outside_similarity(a: str, b: str, passages: Sequence[Passage]) -> float:
    """Cosine of two texts' words outside the aligned passages, each word weighed by how
    rare it is in English (wordfreq, so no corpus statistics are needed) and its count
    damped (1 + log n): how much the texts have in common besides what was aligned."""
    return _weights_cosine(_word_weights(a, [p.source for p in passages]),
                           _word_weights(b, [p.target for p in passages]))


def _weights_cosine(left: dict[str, float], right: dict[str, float]) -> float:
    shared = sum(weight * right[word] for word, weight in left.items() if word in right)
    norm = math.sqrt(sum(w * w for w in left.values()) * sum(w * w for w in right.values()))
    return shared / norm if norm else 0.0


def _word_weights(text: str, spans: Sequence[Span]) -> dict[str, float]:
    outside, start = [], 0
    for span_start, span_end in sorted(spans):
        outside.append(text[start:max(start, span_start)])
        start = max(start, span_end)
    outside.append(text[start:])
    counts: dict[str, int] = {}
    for match in _WORD.finditer(" ".join(outside)):
        word = match.group().lower()
        counts[word] = counts.get(word, 0) + 1
    from .transform import zipf  # cached per word

    return {w: (1 + math.log(n)) * _rarity(zipf(w)) for w, n in counts.items()}


def _rarity(scale: float) -> float:
    """A word's weight from its wordfreq Zipf value ``scale`` (log10 of its frequency per
    10^9 words, so 9 - scale = -log10(f)); unknown words (0) weigh the most."""
    return min(_RAREST_WORD_WEIGHT, 9.0 - scale) if scale else _RAREST_WORD_WEIGHT


def _weighted_chars(passage: Passage) -> float:
    shorter = min(passage.source[1] - passage.source[0], passage.target[1] - passage.target[0])
    return passage.similarity * shorter


def described_link(source: Document, target: Document, score: float, method: str,
                   passages: list[Passage], direction: dict[str, object]) -> Link:
    """A link from ``source`` to ``target`` with its transformation labels, claim changes,
    framing shift and whether the copy credits its source's outlet (everything that depends
    on which side is the source)."""
    from .claims import outlet_names, source_credit
    from .transform import describe_link

    link = Link(source.id, target.id, score, method, passages, evidence={"direction": direction})
    link.transformation = describe_link(source, target, link)
    credit = source_credit(outlet_names(source.source, source.url), outlet_names(target.source, target.url),
                           source.text, target.text, passages)
    if credit is not None:
        link.evidence["credit"] = credit
    if source.language == target.language or not (source.language and target.language):
        from .claims import diff_linked
        from .framing import compare_framing
        from .transform import _label

        link.claims = diff_linked(source.text, target.text, passages).as_dict()
        framing = compare_framing(source.text, target.text)
        link.framing = framing.as_dict()
        if framing.slanted:
            link.transformation.append(_label(
                "slanted", framing.slant, framing_shift=link.framing["framing_shift"],
                loaded_words_per_100=link.framing["loaded_words_per_100"],
                blame_moved_to=framing.blame_moved))
    return link


_QUOTE_MARK = re.compile(r"[\u201c\u201d\"]")
_PARAGRAPH = re.compile(r"[^\n]+")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks. A quote left open runs to the paragraph's end, as news
    style does for a quote continued in the next paragraph; a paragraph whose first mark
    closes a quote (a right quote, or a straight one right after punctuation: ``...anymore,"
    the statement continued``) is quoted from its start, the continuation of such a quote.
    A value of markup left in scraped text (``span style="font-family: Times"``) is no quote."""
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        start, body = paragraph.start(), paragraph.group()
        open_at: int | None = None
        for i, mark in enumerate(_QUOTE_MARK.finditer(body)):
            at, char = mark.start(), mark.group()
            if open_at is None:
                continued = char == "\u201d" or (char == '"' and at > 0 and body[at - 1] in ".,!?")
                if i == 0 and continued:
                    spans.append((start, start + at + 1))
                elif char != "\u201d":
                    open_at = at
            elif char == "\u201c":
                open_at = at
            else:
                spans.append((start + open_at, start + at + 1))
                open_at = None
        if open_at is not None:
            spans.append((start + open_at, start + len(body)))
    return [(start, end) for start, end in spans
            if end - start <= MAX_QUOTE_CHARS and not (start > 0 and text[start - 1] == "=")]


#: A "quotation" longer than this is a stray or unbalanced mark, not a quote: BASIL's news
#: quotations are at most 382 characters in 999 of 1,000 (3,780), while PAN13's source
#: texts have a tail of quote marks left open over whole paragraphs (71 of 4,763 spans
#: over 500 characters). With it, SheepDog source-restyling pairs linked 361 -> 366 of 400
#: (quote-heavy sources whose open quote swallowed the rest of a paragraph).
MAX_QUOTE_CHARS = 400


#: What two texts share is what they quote when at least this share of the content words
#: they share lie inside quotation marks in one of them ...
QUOTED_SHARE_OF_SHARED = 0.3
#: ... and that text's words outside quotation marks are shared at most this fraction as
#: often as its quoted words: two reports quoting one statement share the statement and
#: little of each other's own sentences, while a copy (verbatim or spun) shares its
#: unquoted text about as much as its quotes. Replacing the earlier rule (most of the
#: aligned text quoted), on pairs verified alone: BASIL's 300 same-event pairs of outlets
#: linked 68 -> 44; SheepDog's 400 source-restyling pairs (100 articles) 363 -> 366; PAN13
#: train's listed pairs with reuse 2,998 -> 3,017 (none of the 1,000 without reuse added);
#: spun copies of a quote-heavy article (tests/) 0 -> 5 of 5. Measured alongside: 0.2
#: (BASIL 33, SheepDog 364, PAN 3,009), 0.4 (54, 367, 3,019); a fraction of 0.7 (51, 366,
#: 3,020), 0.9 (42, 366, 3,007). Both were chosen looking at all three, so neither is held out.
QUOTE_CONCENTRATION = 0.8
#: ... unless the other text quotes less than this share of its aligned text: a text that
#: carries the words without quotation marks rephrased the quoting document (an LLM
#: restyling of an article made of quotes), it did not quote the speaker itself.
MIN_OTHER_QUOTED_SHARE = 0.2


def _shared_quotations(a: str, b: str, passages: Sequence[Passage], options: Options) -> bool:
    """Whether what the aligned passages share is what both documents quote (one press
    conference), not one another's writing: in one text the shared words cluster inside
    quotation marks (or the aligned text is all quotation), and the other quotes too."""
    forward = [(p.source, p.target) for p in passages]
    backward = [(p.target, p.source) for p in passages]
    quotes_only_a, quoted_a = _quotes_carry(a, b, forward, options)
    quotes_only_b, quoted_b = _quotes_carry(b, a, backward, options)
    return (quotes_only_a and quoted_b >= MIN_OTHER_QUOTED_SHARE) or \
        (quotes_only_b and quoted_a >= MIN_OTHER_QUOTED_SHARE)


#: Shared quotations are no sign of two reports of one statement when the aligned text is
#: at most this share of one of the texts and the texts are unalike outside it (under
#: ``UNRELATED_OUTSIDE_SIMILARITY``): reports quoting one statement tell the same story,
#: while a quoted paragraph inside an unrelated, longer text was taken into it. Measured
#: on the pairs judged shared quotations in stored analyses: PAN13 discovery (218 pairs),
#: 15 more of its pairs with reuse link, none of those it lists as sharing nothing, 26
#: unlisted source-suspicious and 5 same-kind pairs; BASIL's 127 and SheepDog's 20 stay
#: shared quotations but one SheepDog article-restyling pair. At 0.2 one BASIL pair of
#: outlets would link; at 0.05 the same PAN13 pairs link. Then benchmarks/discovery.py:
#: pair recall 3,079 -> 3,094 of 3,238, listed no-reuse pairs reported 9 -> 9.
QUOTED_SLIVER = 0.1


def quotes_shared_not_copied(a: Document, b: Document, passages: Sequence[Passage],
                             options: Options) -> bool:
    """The one quotation decision of analyze and trace: what the aligned passages share is
    what both documents quote, neither text is a model restyling of the other, and the
    shared text is not a quoted sliver of texts otherwise unalike (``QUOTED_SLIVER``)."""
    return _shared_quotations(a.text, b.text, passages, options) and not _model_rewrite(a, b) \
        and not _quoted_sliver(a.text, b.text, passages)


def _quoted_sliver(a: str, b: str, passages: Sequence[Passage]) -> bool:
    covered = min(coverage(passages, len(a), "source"), coverage(passages, len(b), "target"))
    return covered <= QUOTED_SLIVER and outside_similarity(a, b, passages) < UNRELATED_OUTSIDE_SIMILARITY


def _model_rewrite(a: Document, b: Document) -> bool:
    """Whether one text reads as a language model's and the other not: a model restyling an
    article keeps its quotations in quotation marks, which makes the pair look like two
    reports quoting one statement. On SheepDog (benchmarks/lineage.py store), 13 of the 24
    source-restyling pairs judged shared quotations pass, and none of BASIL's 127 pairs.

    The test is the ``llm_rewrite`` label's (one text scores 0.9, the other under 0.5), not
    lineage's milder one (the later text at even odds and 1.5 log-odds above the other,
    ``lineage.MODEL_WRITTEN_READING`` and ``LLM_WORDING_GAP``), because here it turns two
    reports quoting one statement into a derivation link. Measured on the stored analyses
    of 4bd32ac: lineage's test passes 12 of BASIL's 127 pairs judged shared quotations
    (reports by different outlets) and 9 of SheepDog's 18 (7 of them an article and its
    restyling); the label's test passes none of either, those left after it was applied."""
    from .transform import reads_as_model_rewrite

    return reads_as_model_rewrite(a, b) or reads_as_model_rewrite(b, a)


def _quotes_carry(text: str, other: str, spans: Sequence[tuple[Span, Span]], options: Options
                  ) -> tuple[bool, float]:
    """(whether the words ``text``'s aligned spans share with ``other``'s cluster in its
    quotations, the share of its aligned text that is quoted)."""
    quotes = quoted_spans(text)
    starts = [start for start, _ in quotes]  # quotations are disjoint and in text order
    counts = {True: [0, 0], False: [0, 0]}  # inside quotes? -> [words, shared words]
    for mine, theirs in spans:
        theirs_stems = {stem(w) for w, _ in _content_words(other, theirs)}
        for word, at in _content_words(text, mine):
            k = bisect_right(starts, at) - 1
            inside = k >= 0 and at < quotes[k][1]
            if not inside and _names_speaker(text, at, quotes, k):
                continue
            counts[inside][0] += 1
            counts[inside][1] += stem(word) in theirs_stems
    (quoted_words, quoted_shared), (plain_words, plain_shared) = counts[True], counts[False]
    unquoted = _unquoted_aligned_chars(text, [mine for mine, _ in spans], quotes)
    aligned = sum(end - start for (start, end), _ in spans)
    clustered = quoted_words > 0 and \
        quoted_shared >= QUOTED_SHARE_OF_SHARED * (quoted_shared + plain_shared) and \
        plain_shared * quoted_words <= QUOTE_CONCENTRATION * quoted_shared * max(1, plain_words)
    return unquoted < options.min_passage_chars or clustered, 1 - unquoted / max(1, aligned)


_SENTENCE_END = re.compile(r"[.!?][\"\u201d]?\s+(?=[\"\u201c]?[A-Z])")
#: Words that attribute a quotation to its speaker.
_ATTRIBUTING = SPEECH_VERBS | {"statement", "according", "spokesman", "spokeswoman", "spokesperson"}


def _names_speaker(text: str, at: int, quotes: Sequence[tuple[int, int]], k: int) -> bool:
    """Whether the unquoted word at ``at`` (after quotation ``k``, -1 for none) is
    capitalised inside the attribution of a quote: the unquoted part of a sentence that
    quotes, with a word of speech (``said``, ``statement``). A name or title there tells
    who spoke, which reports quoting one speaker share whoever wrote them.

    Replayed on the stored analyses of 60f8686 (benchmarks/lineage.py and discovery.py):
    BASIL's links between outlets 23 -> 20: two reports of one written statement, a lead
    that retells the other report, and HuffPost quoting The New York Times by name at
    length (real reuse, now related by their story only); SheepDog's links unchanged; PAN13
    discovery drops 2 unlisted pairs, recall and direction unchanged. Without the word of
    speech (any capitalised word in a sentence that quotes): BASIL 19, SheepDog's own
    source as parent 1,315 -> 1,314, and the thorough preset lost a translation pair whose
    quotation marks hold titles, not speech (pair recall 3,174 -> 3,173)."""
    if not text[at].isupper() or opens_sentence(text, at):
        return False
    after = quotes[k][1] if k >= 0 else None  # the end of the quote before the word
    following = quotes[k + 1][0] if k + 1 < len(quotes) else None
    stop = len(text) if following is None else following
    if after is not None and not _SENTENCE_END.search(text, max(0, after - 2), at):
        end = _SENTENCE_END.search(text, at, stop)
        clause = text[after:end.start() if end else stop]
    elif following is not None and not _SENTENCE_END.search(text, at, following):
        floor = max(after or 0, at - MAX_QUOTE_CHARS)
        openings = [m.end() for m in _SENTENCE_END.finditer(text, floor, at)]
        clause = text[openings[-1] if openings else floor:following]
    else:
        return False
    return any(word.lower() in _ATTRIBUTING for word in _WORD.findall(clause))


def _content_words(text: str, span: Span) -> list[tuple[str, int]]:
    """(lowercased word, offset) of the words in ``span`` that are not stopwords."""
    words, spans = _word_spans(text, *span)
    return [(w, start) for w, (start, _) in zip(words, spans, strict=True) if w not in STOPWORDS]


def _unquoted_aligned_chars(text: str, spans: Sequence[tuple[int, int]],
                            quotes: Sequence[tuple[int, int]] | None = None) -> int:
    quotes = quoted_spans(text) if quotes is None else quotes
    total = 0
    for start, end in spans:
        inside = sum(max(0, min(end, qe) - max(start, qs)) for qs, qe in quotes)
        total += (end - start) - inside
    return total


# ----------------------------------------------------------------------------- verification
#: How a candidate pair is aligned after the lexical alignment (see ``align_pair``).
LEXICAL, REWRITE, SEMANTIC = "lexical", "rewrite", "semantic"
Task = tuple[Document, Document, str]
#: A group of tasks with the sentence units and vectors of the documents its embedding
#: channels need, computed once per analysis in the parent process.
TaskGroup = tuple[list[Task], dict[str, Units], dict[str, np.ndarray]]


def _verify_group(group: TaskGroup, options: Options) -> list[Link | SharedQuotes | None]:
    tasks, units, vectors = group
    cache = PairCache(dict(units), dict(vectors))  # other documents' units: once per group
    return [_verify(a, b, options, semantic=channel == SEMANTIC, rewrite=channel == REWRITE,
                    cache=cache, describe=False)
            for a, b, channel in tasks]


def _grouped(tasks: list[Task], vectors: _RecentVectors, size: int = 32) -> list[TaskGroup]:
    """Task groups of ``size`` pairs, each with its documents' units and sentence vectors.

    All of a batch's groups are embedded before the workers start. Handing each group to
    the workers as soon as it was made (embedding the next while they verify) was slower
    on 2 cores: 500 SheepDog documents 42.2 s -> 47.7 and 49.4 s (same links), the model's
    threads and the workers contending for the cores."""
    ordered = sorted(tasks, key=lambda t: (t[0].id, t[1].id))
    units: dict[str, Units] = {}

    def units_for(doc: Document) -> Units:
        if doc.id not in units:
            units[doc.id] = units_of(doc.text, doc.sentences)
        return units[doc.id]

    groups = []
    for start in range(0, len(ordered), size):
        chunk = ordered[start:start + size]
        # a rewrite-only pair whose sentence counts fit no rewrite chain is never embedded
        embedded = {d.id: d for a, b, channel in chunk
                    if channel == SEMANTIC or (channel == REWRITE and rewrite_possible(units_for(a), units_for(b)))
                    for d in (a, b)}
        group_units = {d: units_for(doc) for d, doc in embedded.items()}
        groups.append((chunk, group_units,
                       vectors.get_many([(doc, group_units[d]) for d, doc in embedded.items()])))
    return groups


GroupMap = Callable[[Callable[[Any], list[Any]], list[Any]], list[Any]]


@contextmanager
def _worker_map(options: Options) -> Iterator[GroupMap]:
    """``run(fn, groups)``: ``fn`` over groups of tasks, flattened, in worker processes
    when there are cores (``fn`` must be picklable: a module function or a partial)."""
    workers = options.workers or os.cpu_count() or 1

    def inline(fn: Callable[[Any], list[Any]], groups: list[Any]) -> list[Any]:
        return [item for group in groups for item in fn(group)]

    if workers <= 1:
        yield inline
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        def run(fn: Callable[[Any], list[Any]], groups: list[Any]) -> list[Any]:
            if sum(len(g) for g in groups) < POOL_MIN_TASKS:  # not worth shipping to the pool
                return inline(fn, groups)
            return [item for result in pool.map(fn, groups) for item in result]

        yield run


# ----------------------------------------------------------------------------- store work
@dataclass
class AnalyzeReport:
    documents_analyzed: int = 0
    documents_skipped: int = 0
    candidate_pairs: int = 0
    links: int = 0
    parent_links: int = 0
    stories: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def record_lineage(self, update: tuple[int, int]) -> None:
        """Count a ``lineage.LineageUpdate``: its parent edges, and its family links as links."""
        self.parent_links, family_links = update
        self.links += family_links


def _index_documents(store: Store, docs: Sequence[Document], options: Options) -> None:
    import pyarrow as pa

    ids, keys = [], []
    for doc in docs:
        doc_keys = band_keys(units_of(doc.text, doc.sentences))
        ids.extend([doc.id] * len(doc_keys))
        keys.extend(doc_keys.tolist())
    doc_ids = [d.id for d in docs]
    with store.transaction():
        store.con.execute("DELETE FROM bands WHERE list_contains(?, doc_id)", [doc_ids])
        store.insert_arrow("bands", "key, doc_id", pa.table({"key": pa.array(keys, pa.int64()),
                                                            "doc_id": ids}))
    if options.semantic:
        from .embed import document_vector

        vectors = [document_vector(d.sentence_texts()) for d in docs]
        with store.transaction():
            store.con.execute("DELETE FROM doc_vectors WHERE list_contains(?, doc_id)", [doc_ids])
            table = pa.table({"doc_id": doc_ids,
                              "vector": pa.array([v.tolist() for v in vectors],
                                                 pa.list_(pa.float32()))})
            store.insert_arrow("doc_vectors", "doc_id, vector", table)
            store.restamp(VECTORS_STAMP)


def lexical_candidates(store: Store, doc_ids: Sequence[str], options: Options | None = None
                       ) -> dict[tuple[str, str], int]:
    """Pairs (a, b), a < b, with at least one of them in ``doc_ids``, and their band hits:
    those sharing ``options.min_band_hits`` band keys, each document's
    ``options.candidates_per_document`` best."""
    options = options or Options()
    rows = store.con.execute(
        """
        WITH common AS (
            SELECT key, count(DISTINCT doc_id) AS df FROM bands GROUP BY key
            HAVING count(DISTINCT doc_id) <= ?
        ), mine AS (
            SELECT DISTINCT b.key, b.doc_id, c.df FROM bands b JOIN common c USING (key)
            WHERE list_contains(?, b.doc_id)
        ), hits AS (
            -- A key two documents alone share is strong evidence; one shared by many, weak.
            SELECT m.doc_id AS a, o.doc_id AS b, count(*) AS n,
                   -- exact sums: float sums in parallel come out in any order, and ties then
                   -- fall either way from run to run
                   sum(CAST(1.0 / (m.df - 1) AS DECIMAL(18, 12))) AS w
            FROM mine m JOIN bands o ON o.key = m.key AND o.doc_id <> m.doc_id
            GROUP BY ALL HAVING count(*) >= ?
        ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY a ORDER BY w DESC, b) AS r FROM hits
        )
        SELECT least(a, b), greatest(a, b), max(n) FROM ranked WHERE r <= ? GROUP BY ALL
        """,
        [MAX_KEY_DOCUMENTS, list(doc_ids), options.min_band_hits, options.candidates_per_document],
    ).fetchall()
    return {(a, b): int(n) for a, b, n in rows}


#: The ``meta`` stamp that changes with every write of ``doc_vectors``.
VECTORS_STAMP = "doc_vectors_stamp"


def _vector_matrix(store: Store) -> tuple[list[str], np.ndarray]:
    """(ids, matrix) of the stored document vectors, read once while they are unchanged:
    a web app or script tracing article after article does not read them again."""
    stamp = store.stamp(VECTORS_STAMP)
    cached = store.cache.get(VECTORS_STAMP)
    if cached is None or cached[0] != stamp or stamp is None:
        store.cache[VECTORS_STAMP] = (stamp, _read_vector_matrix(store))
    return store.cache[VECTORS_STAMP][1]


def _read_vector_matrix(store: Store) -> tuple[list[str], np.ndarray]:
    # Read as Arrow, not as Python rows: for 10k 512-d vectors 0.16 s instead of 1.0-1.5 s.
    with warnings.catch_warnings():  # duckdb's hint to use con.sql, which an unfinished
        # earlier result on the connection (a fetchone) makes fail
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        table = store.con.execute("SELECT doc_id, vector FROM doc_vectors ORDER BY doc_id").to_arrow_table()
    if table is None or not table.num_rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    values = table.column("vector").combine_chunks().flatten().to_numpy()
    return table.column("doc_id").to_pylist(), values.astype(np.float32, copy=False).reshape(table.num_rows, -1)


def semantic_neighbours(ids: list[str], matrix: np.ndarray, queries: np.ndarray,
                        k: int = SEMANTIC_NEIGHBOURS, threshold: float = SEMANTIC_DOCUMENT_COSINE,
                        nearest: int = 0, nearest_threshold: float = 1.0) -> list[list[tuple[str, float]]]:
    """For each query vector, up to ``k`` stored documents with cosine >= ``threshold``,
    and of its ``nearest`` closest those with cosine >= ``nearest_threshold``."""
    if not len(ids) or not len(queries):
        return [[] for _ in range(len(queries))]
    out = []
    for start in range(0, len(queries), 1024):
        scores = queries[start:start + 1024] @ matrix.T
        top = np.argsort(-scores, axis=1)[:, :max(k, nearest)]
        for row, columns in zip(scores, top, strict=True):
            out.append([(ids[c], float(row[c])) for rank, c in enumerate(columns)
                        if (rank < k and row[c] >= threshold)
                        or (rank < nearest and row[c] >= nearest_threshold)])
    return out


def semantic_candidates(store: Store, doc_ids: Sequence[str],
                        vectors: tuple[list[str], np.ndarray] | None = None) -> set[tuple[str, str]]:
    ids, matrix = vectors or _vector_matrix(store)
    if not ids:
        return set()
    position = {doc_id: i for i, doc_id in enumerate(ids)}
    wanted = [d for d in doc_ids if d in position]
    queries = matrix[[position[d] for d in wanted]] if wanted else np.zeros((0, matrix.shape[1]))
    pairs = set()
    # a stored document is its own nearest neighbour, hence one more
    neighbours_of = semantic_neighbours(ids, matrix, queries, nearest=SEMANTIC_NEAREST + 1,
                                        nearest_threshold=SEMANTIC_NEAREST_COSINE)
    for doc_id, neighbours in zip(wanted, neighbours_of, strict=True):
        for other, _ in neighbours:
            if other != doc_id:
                pairs.add((min(doc_id, other), max(doc_id, other)))
    return pairs


def close_documents(pairs: Iterable[tuple[str, str]], ids: list[str], matrix: np.ndarray,
                    threshold: float = REWRITE_DOCUMENT_COSINE) -> set[tuple[str, str]]:
    """The pairs whose document vectors have a cosine of at least ``threshold``."""
    position = {doc_id: i for i, doc_id in enumerate(ids)}
    known = [(a, b) for a, b in pairs if a in position and b in position]
    if not known:
        return set()
    left = matrix[[position[a] for a, _ in known]]
    right = matrix[[position[b] for _, b in known]]
    cosines = np.einsum("ij,ij->i", left, right)
    return {pair for pair, cosine in zip(known, cosines, strict=True) if cosine >= threshold}


def analyze_store(store: Store, options: Options) -> AnalyzeReport:
    """Candidates and alignment for every document not analyzed in its current form.

    Resumable: documents are indexed and their pairs verified in batches, each committed
    with the documents it finishes, so a rerun does only what is left.
    """
    from .lineage import update_lineage
    from .progress import track
    from .stories import update_stories

    report = AnalyzeReport()
    pending = [r[0] for r in store.con.execute(
        "SELECT d.id FROM documents d LEFT JOIN analyzed_documents a "
        "ON a.doc_id = d.id AND a.content_hash = d.content_hash "
        "WHERE a.doc_id IS NULL ORDER BY d.id").fetchall()]
    report.documents_skipped = store.count_documents() - len(pending)
    unsettled = _unsettled(store)
    if not pending:
        if unsettled or store.scalar("SELECT count(*) FROM links WHERE transformation IS NULL"):
            # the last run stopped after aligning: settle lineage and stories
            report.record_lineage(update_lineage(store, options))
            report.stories = update_stories(store, unsettled)
            _set_unsettled(store, [])
        return report
    # Documents are marked analyzed batch by batch, before lineage and stories see them:
    # a run stopped after that leaves them here for the next run to settle.
    settling = sorted(set(unsettled) | set(pending))
    _set_unsettled(store, settling)
    with track("index", total=len(pending), enabled=options.progress) as bar:
        for start in range(0, len(pending), options.batch_size):
            batch = store.documents(pending[start:start + options.batch_size])
            _index_documents(store, batch, options)
            bar.advance(len(batch))
    pending_set = set(pending)
    lexical = lexical_candidates(store, pending, options)
    semantic: set[tuple[str, str]] = set()
    rewrite: set[tuple[str, str]] = set()
    if options.semantic:
        vectors = _vector_matrix(store)
        semantic = semantic_candidates(store, pending, vectors)
        rewrite = close_documents(set(lexical) - semantic, *vectors)
    channel = {**dict.fromkeys(rewrite, REWRITE), **dict.fromkeys(semantic, SEMANTIC)}
    pairs = sorted(set(lexical) | semantic)
    report.candidate_pairs = len(pairs)
    by_doc: dict[str, list[tuple[str, str]]] = {}
    for pair in pairs:
        owner = pair[0] if pair[0] in pending_set else pair[1]
        by_doc.setdefault(owner, []).append(pair)
    # Links of the documents analyzed now are rebuilt: drop their old ones first, once, so
    # a pair verified in an early batch is not dropped by a later batch holding the other side.
    with store.transaction():
        for table in ("links", "passages"):
            store.con.execute(f"DELETE FROM {table} WHERE list_contains(?, source) OR "
                              "list_contains(?, target)", [pending, pending])
        store.con.execute("DELETE FROM shared_quotes WHERE list_contains(?, a) OR list_contains(?, b)",
                          [pending, pending])
        store.con.execute("DELETE FROM family_tried WHERE list_contains(?, source) OR list_contains(?, target)",
                          [pending, pending])
    verify_group = partial(_verify_group, options=options)
    sentence_vectors = _RecentVectors(ANALYSIS_VECTOR_SENTENCES)
    with track("align", total=len(pending), enabled=options.progress) as bar, \
            _worker_map(options) as run:
        for start in range(0, len(pending), options.batch_size):
            chunk = pending[start:start + options.batch_size]
            chunk_pairs = [p for d in chunk for p in by_doc.get(d, [])]
            needed = sorted({d for p in chunk_pairs for d in p})
            docs = {d.id: d for d in store.documents(needed)}
            tasks = [(docs[a], docs[b], channel.get((a, b), LEXICAL)) for a, b in chunk_pairs
                     if a in docs and b in docs]
            found = run(verify_group, _grouped(tasks, sentence_vectors))
            links = [link for link in found if isinstance(link, Link)]
            _write_links(store, chunk, links, docs, [q for q in found if isinstance(q, SharedQuotes)])
            report.links += len(links)
            report.documents_analyzed += len(chunk)
            bar.advance(len(chunk))
    report.record_lineage(update_lineage(store, options))
    report.stories = update_stories(store, settling)
    _set_unsettled(store, [])
    return report


#: The ``meta`` key holding the documents analyzed whose lineage and stories are not settled.
UNSETTLED = "unsettled_documents"


def _unsettled(store: Store) -> list[str]:
    return json.loads(store.get_meta(UNSETTLED) or "[]")


def _set_unsettled(store: Store, doc_ids: list[str]) -> None:
    store.set_meta(UNSETTLED, json.dumps(doc_ids))


#: Links described per committed batch by ``describe_pending``.
DESCRIBE_BATCH = 256


#: Keys of a link's evidence that its description writes (``described_link``): they hold
#: for one direction only.
DESCRIBED_EVIDENCE = frozenset({"credit"})


def undescribed_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    """A link's evidence without what its description wrote."""
    return {k: v for k, v in evidence.items() if k not in DESCRIBED_EVIDENCE}


def _describe_group(group: list[tuple[Document, Document, Link]]) -> list[Link]:
    described = []
    for source, target, link in group:
        direction = link.evidence.get("direction")
        done = described_link(source, target, link.score, link.method, link.passages,
                              dict(direction) if isinstance(direction, dict) else {})
        done.evidence = {**undescribed_evidence(link.evidence), **done.evidence}
        described.append(done)
    return described


def stored_passages(store: Store, pairs: Sequence[tuple[str, str]]
                    ) -> dict[tuple[str, str], list[Passage]]:
    """The stored passages of each (source, target) link, in target order."""
    found: dict[tuple[str, str], list[Passage]] = {pair: [] for pair in pairs}
    for s, t, ss, se, ts, te, sim, method, kind in store.con.execute(
            "SELECT source, target, source_start, source_end, target_start, target_end, similarity, "
            "method, kind FROM passages WHERE list_contains(?, source || chr(31) || target) "
            f"ORDER BY source, target, {PASSAGE_ORDER}", [[f"{s}\x1f{t}" for s, t in pairs]]).fetchall():
        found[s, t].append(Passage((ss, se), (ts, te), sim, kind or "copy", method))
    return found


def passages_between(store: Store, source: str, copy: str) -> list[Passage]:
    """The stored passages of the link between two documents, with source spans in
    ``source`` whichever way the link runs; none when they are not linked."""
    stored = stored_passages(store, [(source, copy), (copy, source)])
    return stored[source, copy] or [p.reversed() for p in stored[copy, source]]


def delete_links(store: Store, pairs: Sequence[tuple[str, str]]) -> None:
    """Remove links and their passages (inside the caller's transaction)."""
    keys = [f"{s}\x1f{t}" for s, t in pairs]
    for table in ("links", "passages"):
        store.con.execute(f"DELETE FROM {table} WHERE list_contains(?, source || chr(31) || target)", [keys])


def describe_pending(store: Store, options: Options) -> int:
    """Fill in transformation labels, claim changes and framing for every stored link not
    yet described; returns how many. Analysis settles directions first (each pair's own
    evidence, then the consistency pass), so a link is described once, for the direction
    it keeps. Resumable: each batch is committed."""
    from .progress import track

    pending = [(s, t, score, method, json.loads(evidence or "{}")) for s, t, score, method, evidence in
               store.con.execute("SELECT source, target, score, method, evidence FROM links "
                                 "WHERE transformation IS NULL ORDER BY source, target").fetchall()]
    if not pending:
        return 0
    with track("describe", total=len(pending), enabled=options.progress) as bar, \
            _worker_map(options) as run:
        for start in range(0, len(pending), DESCRIBE_BATCH):
            batch = pending[start:start + DESCRIBE_BATCH]
            pairs = [(s, t) for s, t, *_ in batch]
            passages = stored_passages(store, pairs)
            docs = {d.id: d for d in store.documents(sorted({d for pair in pairs for d in pair}))}
            tasks = [(docs[s], docs[t], Link(s, t, score, method, passages[s, t], evidence=evidence,
                                             described=False))
                     for s, t, score, method, evidence in batch if s in docs and t in docs]
            links = run(_describe_group, [tasks[i:i + 16] for i in range(0, len(tasks), 16)])
            with store.transaction():
                _store_descriptions(store, links)
            bar.advance(len(batch))
    return len(pending)


def _store_descriptions(store: Store, links: list[Link]) -> None:
    """Fill in the description columns of stored links, and their evidence, which gains
    the description's (their passages stay as they are)."""
    import pyarrow as pa

    if not links:
        return
    columns = {**_description_columns(links), "evidence": [json.dumps(link.evidence) for link in links]}
    table = pa.table({"source": [link.source for link in links],
                      "target": [link.target for link in links], **columns})
    assignments = ", ".join(f"{name} = d.{name}" for name in columns)
    store.con.register("_descriptions", table)
    try:
        store.con.execute(f"UPDATE links SET {assignments} FROM _descriptions d "
                          "WHERE links.source = d.source AND links.target = d.target")
    finally:
        store.con.unregister("_descriptions")


def _write_links(store: Store, finished: Sequence[str], links: Iterable[Link],
                 docs: dict[str, Document], quotes: Sequence[SharedQuotes] = ()) -> None:
    import pyarrow as pa

    links = list(links)
    hashes = [docs[d].content_hash if d in docs else
              store.scalar("SELECT content_hash FROM documents WHERE id = ?", [d])
              for d in finished]
    with store.transaction():
        insert_links(store, links)
        if quotes:
            store.insert_arrow("shared_quotes", "a, b", pa.table({"a": [q.a for q in quotes],
                                                                  "b": [q.b for q in quotes]}))
        store.con.execute("DELETE FROM analyzed_documents WHERE list_contains(?, doc_id)", [list(finished)])
        store.insert_arrow("analyzed_documents", "doc_id, content_hash",
                            pa.table({"doc_id": list(finished), "content_hash": hashes}))


def _description_columns(links: list[Link]) -> dict[str, Any]:
    """The ``links`` columns that depend on the direction (NULL for a link still to be
    described, see ``describe_pending``)."""
    import pyarrow as pa

    def described(value: Callable[[Link], object]) -> list[str | None]:
        return [json.dumps(value(link)) if link.described else None for link in links]

    return {
        "transformation": described(lambda link: link.transformation),
        "claims": described(lambda link: link.claims),
        "framing": described(lambda link: link.framing),
        "claim_counts": described(lambda link: link.claims.get("counts", {})),
        "distortion": pa.array([link.claims.get("distortion") for link in links], pa.float64()),
        "framing_shift": described(lambda link: link.framing.get("framing_shift", {})),
    }


def insert_links(store: Store, links: list[Link]) -> None:
    """Write links and their passages (inside the caller's transaction)."""
    import pyarrow as pa

    if not links:
        return

    columns = _description_columns(links)
    store.insert_arrow("links", "source, target, relation, score, method, evidence, " + ", ".join(columns),
                        pa.table({
                            "source": [link.source for link in links],
                            "target": [link.target for link in links],
                            "relation": ["derived"] * len(links),
                            "score": [link.score for link in links],
                            "method": [link.method for link in links],
                            "evidence": [json.dumps(link.evidence) for link in links],
                            **columns,
                        }))
    rows = [(link.source, link.target, p) for link in links for p in link.passages]
    store.insert_arrow(
        "passages", "source, target, source_start, source_end, target_start, target_end, similarity, method, "
        "kind",
        pa.table({
            "source": [r[0] for r in rows], "target": [r[1] for r in rows],
            "source_start": [r[2].source[0] for r in rows], "source_end": [r[2].source[1] for r in rows],
            "target_start": [r[2].target[0] for r in rows], "target_end": [r[2].target[1] for r in rows],
            "similarity": [r[2].similarity for r in rows], "method": [r[2].method for r in rows],
            "kind": [r[2].kind for r in rows],
        }))


# ----------------------------------------------------------------------------- trace
@dataclass
class TraceResult:
    """A likely source of a traced article."""

    source: str
    score: float
    method: str
    passages: list[Passage]
    title: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "title": self.title, "score": self.score,
                "method": self.method, "passages": [p.as_dict() for p in self.passages]}


def trace_document(store: Store, doc: Document, options: Options, limit: int = 10) -> list[TraceResult]:
    """Likely sources of one document (not necessarily in the store) among stored ones."""
    cache = PairCache()
    units = cache.units_of(doc)
    keys = band_keys(units).tolist()
    hits: dict[str, int] = {}
    if keys:
        rows = store.con.execute(
            """SELECT b.doc_id, count(*) AS n FROM bands b
               WHERE list_contains(?, b.key) AND b.doc_id <> ?
               AND b.key NOT IN (SELECT key FROM bands WHERE list_contains(?, key)
                                 GROUP BY key HAVING count(DISTINCT doc_id) > ?)
               GROUP BY b.doc_id HAVING count(*) >= ? ORDER BY n DESC LIMIT ?""",
            [keys, doc.id, keys, MAX_KEY_DOCUMENTS, options.min_band_hits, options.candidates_per_document],
        ).fetchall()
        hits = {r[0]: r[1] for r in rows}
    semantic: set[str] = set()
    if options.semantic:
        from .embed import document_vector

        ids, matrix = _vector_matrix(store)
        query = document_vector(doc.sentence_texts())[None, :]
        semantic = {d for d, _ in semantic_neighbours(ids, matrix, query)[0] if d != doc.id}
    # Close lexical candidates are not tried as rewrites here, unlike in analyze: embedding
    # their sentences took trace's median on 300 generated articles from 850 to 1,483 ms.
    candidates = sorted(set(hits) | semantic)
    results = []
    stored = {d.id: d for d in store.documents(candidates)}
    for candidate in candidates:
        source = stored.get(candidate)
        if source is None:
            continue
        # as in analyze: e.g. a stored report quoting what the article quotes is not its source
        passages, method, score = decide_pair(source, doc, options, cache, semantic=candidate in semantic)
        if isinstance(score, float):
            results.append(TraceResult(source.id, score, method, passages, source.title))
    results.sort(key=lambda r: -r.score)
    return results[:limit]


def trace_text(store: Store, text: str, options: Options, title: str | None = None,
               doc_id: str = "(traced)", url: str | None = None) -> list[TraceResult]:
    """Trace raw article text (plain text, or HTML when it looks like a page) read from
    ``url`` if given."""
    from .ingest import RawRecord, build_document, text_with_header

    fields: dict[str, object] = {"title": title, "url": url}
    if text.lstrip()[:1] == "<" and "</" in text:
        fields["html"] = text
    else:
        fields.update(text_with_header(text))
        if title:
            fields["title"] = title
    doc = build_document(RawRecord(doc_id, "trace", doc_id, fields), options)
    return trace_document(store, doc, options)
