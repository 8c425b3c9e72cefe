from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from newstrace.align import (
    SUMMARY_MAX_UNITS,
    Passage,
    Units,
    _document_summaries,
    _stands_out,
    _vectors,
    align_semantic,
    align_texts,
    coverage,
    merge_neighbours,
    token_count,
    units_of,
    window_units,
)
from newstrace.copies import excerpt, reorder, spin
from newstrace.model import Span
from newstrace.recent import RecentCache

from .conftest import DEMO


def body(name: str) -> str:
    text = (DEMO / name).read_text()
    return text.split("\n\n", 1)[1] if text.startswith("Title:") else text


BRIDGE = body("bridge.txt")
RAIL = body("rail-strike.txt")
MUSEUM = body("museum.txt")
FILLER = ("Weather in the valley stayed mild this week, with light winds from the west. "
          "Gardeners reported an early bloom of apple trees along the southern slopes. ") * 3


def assert_slices(passages, source: str, target: str) -> None:
    for p in passages:
        assert 0 <= p.source[0] < p.source[1] <= len(source)
        assert 0 <= p.target[0] < p.target[1] <= len(target)
        assert source[p.source[0]:p.source[1]].strip() and target[p.target[0]:p.target[1]].strip()


def test_verbatim_copy_inside_other_text_is_aligned_exactly() -> None:
    target = FILLER + "\n\n" + RAIL + "\n\n" + FILLER
    passages = align_texts(RAIL, target)
    assert_slices(passages, RAIL, target)
    assert len(passages) == 1
    p = passages[0]
    assert target[p.target[0]:p.target[1]] == RAIL[p.source[0]:p.source[1]]
    assert p.target[0] == len(FILLER) + 2
    assert p.source[1] - p.source[0] >= len(RAIL) - 5


def test_excerpt_is_aligned_to_the_parts_it_kept() -> None:
    cut = excerpt(BRIDGE, keep=0.5, seed=4)
    passages = align_texts(BRIDGE, cut)
    assert_slices(passages, BRIDGE, cut)
    assert coverage(passages, len(cut), "target") > 0.9
    assert coverage(passages, len(BRIDGE), "source") < 0.95


def test_spun_copy_is_aligned() -> None:
    spun = spin(BRIDGE, rate=0.9, seed=3, debris=0.2)
    assert spun != BRIDGE
    passages = align_texts(BRIDGE, spun)
    assert_slices(passages, BRIDGE, spun)
    assert coverage(passages, len(spun), "target") > 0.8


def test_reordered_copy_is_aligned() -> None:
    shuffled = reorder(MUSEUM, seed=1)
    passages = align_texts(MUSEUM, shuffled)
    assert_slices(passages, MUSEUM, shuffled)
    assert coverage(passages, len(shuffled), "target") > 0.7


@pytest.mark.parametrize("other", [MUSEUM, FILLER, body("veloria-independent.txt")])
def test_unrelated_texts_are_not_aligned(other: str) -> None:
    assert align_texts(RAIL, other) == []
    assert align_texts(other, BRIDGE) == []


def test_independent_report_of_the_same_event_is_not_a_copy() -> None:
    from newstrace.ingest import build_document, read_file
    from newstrace.options import Options

    record = next(iter(read_file(DEMO / "veloria.html", "veloria.html", Options())))
    original = build_document(record, Options()).text
    assert align_texts(original, body("veloria-independent.txt")) == []


def test_translation_is_aligned_by_multilingual_embeddings() -> None:
    from newstrace.embed import embed

    german = body("rail-strike-de.txt")
    assert align_texts(RAIL, german) == []  # no shared words to seed on
    su, tu = units_of(RAIL), units_of(german)
    passages = align_semantic(RAIL, german, su, tu,
                              embed([RAIL[s:e] for s, e in su.spans]),
                              embed([german[s:e] for s, e in tu.spans]))
    assert_slices(passages, RAIL, german)
    assert coverage(passages, len(german), "target") > 0.7
    assert all(p.method == "semantic" for p in passages)


def test_units_cover_text_in_order(tmp_path: Path) -> None:
    units = units_of(BRIDGE)
    starts = [s for s, _ in units.spans]
    assert starts == sorted(starts)
    assert all(tokens for tokens in units.tokens)


def _units_of_sentences(n: int, width: int = 80) -> tuple[str, Units]:
    text = " ".join("x" * (width - 1) for _ in range(n))
    spans = [(i * width, i * width + width - 1) for i in range(n)]
    return text, Units(spans, [["w"]] * n, len(text))


def _vectors_with(similarity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Source vectors are the identity; target vector j is column j, so S @ T.T == similarity.
    return np.eye(similarity.shape[0]), similarity.T.copy()


def test_align_rewrite_needs_one_monotone_chain() -> None:
    from newstrace.align import align_rewrite, monotone_chain

    n = 6
    reworded = np.full((n, n), 0.2) + np.eye(n) * 0.42  # every sentence reworded, in order
    text, units = _units_of_sentences(n)
    assert monotone_chain(reworded, 0.5) == [(i, i) for i in range(n)]
    passages = align_rewrite(text, text, units, units, *_vectors_with(reworded), min_chars=60)
    assert len(passages) == 1 and passages[0].kind == "rewrite"
    assert passages[0].source == (0, len(text)) and passages[0].target == (0, len(text))
    # The same matches out of order (a shared topic, not a rewrite) give no chain long enough.
    shuffled = reworded[:, [3, 5, 4, 0, 2, 1]]
    assert len(monotone_chain(shuffled, 0.5)) < 0.4 * n
    assert align_rewrite(text, text, units, units, *_vectors_with(shuffled), min_chars=60) == []
    # Matching in order only loosely (a freer rewrite) counts when the order holds
    # through (nearly) all of both texts...
    loose = np.full((n, n), 0.2) + np.eye(n) * 0.27
    assert len(align_rewrite(text, text, units, units, *_vectors_with(loose), min_chars=60)) == 1
    # ... not when only half of them follows it, nor when sentences barely match, nor when
    # the matches are as weak as unrelated articles of one genre reach by chance.
    half = loose.copy()
    half[[0, 1, 2], [0, 1, 2]] = 0.2
    assert align_rewrite(text, text, units, units, *_vectors_with(half), min_chars=60) == []
    faint = np.full((n, n), 0.2) + np.eye(n) * 0.12
    assert align_rewrite(text, text, units, units, *_vectors_with(faint), min_chars=60) == []
    chance = np.full((n, n), 0.2) + np.eye(n) * 0.2
    assert align_rewrite(text, text, units, units, *_vectors_with(chance), min_chars=60) == []


def test_align_rewrite_counts_sentences_split_in_two() -> None:
    from newstrace.align import align_rewrite, rewrite_chain

    # Three long source sentences, each rewritten as two or three shorter ones, in order.
    owner = [0, 0, 1, 1, 1, 2, 2]
    split = np.full((3, len(owner)), 0.1)
    for j, i in enumerate(owner):
        split[i, j] = 0.6
    source, source_units = _units_of_sentences(3, width=200)
    target, target_units = _units_of_sentences(len(owner))
    assert len(rewrite_chain(split, 0.5)) == len(owner)
    passages = align_rewrite(source, target, source_units, target_units, *_vectors_with(split), min_chars=60)
    assert len(passages) == 1 and passages[0].source == (0, len(source)) and passages[0].target == (0, len(target))
    # The same from the other side: short sentences merged into long ones.
    merged = align_rewrite(target, source, target_units, source_units, *_vectors_with(split.T.copy()), min_chars=60)
    assert len(merged) == 1
    # Two target sentences from one of the three source sentences are not a rewrite of it.
    partial = split.copy()
    partial[1:, 2:] = 0.1
    assert align_rewrite(source, target, source_units, target_units, *_vectors_with(partial), min_chars=60) == []


def test_a_rewrite_of_a_rewrite_is_aligned_loosely_with_the_article() -> None:
    from newstrace.align import align_family_rewrite, align_rewrite

    # Three of four sentences reworded into three of ten (a sensational restyling adds
    # sentences of its own): too sparse a chain for a pair of unknown relation.
    restyled = np.full((4, 10), 0.2)
    for i, j in enumerate([0, 2, 5]):
        restyled[i, j] = 0.55
    article, article_units = _units_of_sentences(4)
    copy, copy_units = _units_of_sentences(10)
    vectors = _vectors_with(restyled)
    assert align_rewrite(article, copy, article_units, copy_units, *vectors, min_chars=60) == []
    found = align_family_rewrite(article, copy, article_units, copy_units, *vectors, min_chars=60)
    assert len(found) == 1 and found[0].kind == "rewrite"
    assert found[0].source == (0, 2 * 80 + 79) and found[0].target == (0, 5 * 80 + 79)
    # Inside a family too, one matched sentence is not a rewrite, nor are faint matches.
    single = np.full((4, 10), 0.2)
    single[1, 3] = 0.8
    assert align_family_rewrite(article, copy, article_units, copy_units, *_vectors_with(single),
                                min_chars=60) == []
    faint = np.where(restyled > 0.5, 0.42, 0.2)
    assert align_family_rewrite(article, copy, article_units, copy_units, *_vectors_with(faint),
                                min_chars=60) == []


def test_one_loosely_similar_sentence_is_not_a_semantic_passage() -> None:
    import numpy as np

    from newstrace.align import align_semantic, units_of

    source = ("The governor of one state said he would seek changes to a religious freedom law "
              "that critics said allowed discrimination against gay and lesbian customers.")
    target = ("Another state's governor urged lawmakers to amend a controversial religious "
              "freedom bill after criticism that it let businesses discriminate.")
    su, tu = units_of(source), units_of(target)
    vectors = np.array([[1.0, 0.0]]), np.array([[0.75, np.sqrt(1 - 0.75 ** 2)]])
    assert align_semantic(source, target, su, tu, *vectors, min_chars=100) == []
    gist = np.array([[0.82, np.sqrt(1 - 0.82 ** 2)]])  # reports of two events can share a gist
    assert align_semantic(source, target, su, tu, vectors[0], gist, min_chars=100) == []
    close = np.array([[0.9, np.sqrt(1 - 0.9 ** 2)]])
    assert align_semantic(source, target, su, tu, vectors[0], close, min_chars=100)
    assert align_semantic(source, target, su, tu, *vectors, min_chars=100, cross_lingual=True)


# A condensed account of a long report, and two texts to place it in: one on another
# subject, one an independent report of the same drought.
DROUGHT = " ".join([
 "The Harwick reservoir dropped to its lowest level in forty years on Monday, water officials in the Dallow valley said.",
 "Engineers measured the water at eleven metres below the spillway, far under the seasonal average for November.",
 "The valley water board blamed a dry summer, a leaking intake tunnel and rising demand from new housing estates.",
 "Board chair Ilse Brannock said households would face a hosepipe ban from the first of December.",
 "Farmers who draw irrigation water from the reservoir will see their allowance cut by a third.",
 "The intake tunnel, built in 1962, loses an estimated four million litres a day through cracked lining.",
 "Repairs were approved last spring but stalled when the contractor went bankrupt in August.",
 "A new contractor, Pellam Civil, is expected to start work in January and finish by the summer.",
 "Local anglers reported dead fish along the exposed northern shore of the reservoir.",
 "Environmental inspectors took water samples on Tuesday and will publish results next week.",
 "The board also asked industrial users in Dallow to report their daily water consumption.",
 "Brannock said rain forecast for the coming weeks would not refill the reservoir before spring.",
 "Neighbouring Corvel district has offered to pump water through an emergency pipeline if needed.",
 "Residents can find advice on saving water on the board's website and at the town library.",
 "The last comparable drought, in 1984, forced the valley to bring in water by tanker for six weeks.",
 "Hydrologists at Corvel University say groundwater under the valley has also fallen sharply since June.",
 "Several boreholes serving hill villages have already run dry, according to the parish councils.",
 "The board will hold a public meeting at the Dallow community centre on Thursday evening.",
 "Opposition councillors accused the board of ignoring warnings about the tunnel for a decade.",
 "Brannock rejected the criticism and said the board had followed its maintenance plan.",
 "Schools in the valley have been told to close outdoor taps and report any leaks at once.",
 "Car washes and garden centres expect lost business once the hosepipe ban comes into force.",
 "The reservoir supplies about sixty thousand homes across the valley and two neighbouring towns.",
 "Water levels are checked daily by staff at the dam and posted on the board's website.",
])
DROUGHT_SUMMARY = (" In Dallow, the Harwick reservoir has fallen eleven metres below its spillway, its lowest in four decades."
 " The water board points to a dry summer, a cracked intake tunnel losing millions of litres daily, and demand from new estates."
 " A hosepipe ban starts in December, farmers lose a third of their irrigation allowance, and repairs by Pellam Civil begin in January."
 " Dead fish were found on the northern shore, and inspectors are testing the water.")
CHESS = " ".join([
 "The regional chess championship opened on Saturday in the old grain hall with ninety players.",
 "Organisers moved the junior section to the upper gallery because of the large entry.",
 "Defending champion Oskar Lind won his first two games with the black pieces.",
 "A blitz tournament on Sunday evening raised money for the school music programme.",
 "Spectators praised the new digital boards that relay every move to screens outside.",
 "The final round will be played next weekend, followed by a prize ceremony at the town hall.",
])
DROUGHT_REPORT = " ".join([
 "Water in the Dallow valley is running short, and the Harwick reservoir shows it: mud flats stretch where boats moored in spring.",
 "Officials at the valley water board warn that a hosepipe ban is coming as the reservoir level keeps dropping.",
 "Farmers on the eastern side of the valley say an irrigation cut would ruin next year's harvest of the reservoir-fed fields.",
 "The intake tunnel has leaked for years, residents say, and the board's repairs were stalled by a bankrupt contractor.",
 "Anglers at the reservoir described dead fish on the shore and asked inspectors to test the water.",
 "Corvel district says its emergency pipeline could carry water to Dallow within weeks if the reservoir fails.",
])


@pytest.mark.parametrize(("padding", "stands_out"), [(CHESS, True), (DROUGHT_REPORT, False)])
def test_a_summary_must_stand_out_from_the_rest_of_its_document(padding: str, stands_out: bool) -> None:
    target = padding + DROUGHT_SUMMARY + " " + padding
    source_units, target_units = units_of(DROUGHT), units_of(target)
    start, end = len(padding), len(padding) + len(DROUGHT_SUMMARY)
    inside = [i for i, (a, b) in enumerate(target_units.spans) if a >= start and b <= end + 1]
    assert len(inside) == 4
    vectors = _vectors(source_units, target_units)
    assert _stands_out(vectors, target_units, (0, len(source_units) - 1), (inside[0], inside[-1]), []) is stands_out


@pytest.mark.parametrize("repeats", [1, 170])
def test_no_whole_document_summary_is_sought_in_a_haystack(repeats: int) -> None:
    """A summary of a whole document is found in a report; in a text of thousands of
    sentences (an archive) it is not sought, since some window there resembles any
    document by chance."""
    target = " ".join([CHESS] * repeats) + DROUGHT_SUMMARY + " " + " ".join([CHESS] * repeats)
    source_units, target_units = units_of(DROUGHT), units_of(target)
    found = _document_summaries([], source_units, target_units, _vectors(source_units, target_units))
    haystack = len(target_units) > SUMMARY_MAX_UNITS
    assert haystack is (repeats > 1)
    assert [p.kind for p in found] == ([] if haystack else ["summary"])


CANAL = [
    "The canal authority in Vennick closed the northern lock on Tuesday after inspectors found a crack in its lower gate.",
    "Barges bound for the grain terminal were sent along the older eastern channel instead.",
    "Repairs are expected to take six weeks and cost about four million crowns.",
    "Shipping firms said the detour adds half a day to every crossing.",
    "The authority promised daily updates on its website until the lock reopens.",
    "Local councillors asked why the last inspection, two years ago, had missed the damage.",
]
CANAL_REWRITE = [
    CANAL[0],
    "Cargo vessels heading toward the silo were diverted through an aging waterway to the east.",
    "Officials estimate that mending it will require a month and a half and roughly four million in local money.",
    "Transport companies complained that going around lengthens each trip by twelve hours.",
    "Progress reports will be posted online every day until traffic resumes, officials pledged.",
    "Members of the town council questioned how a check performed in the past had overlooked the problem.",
]


def test_a_rewrite_with_one_copied_sentence_is_aligned_whole() -> None:
    from newstrace.candidates import PairCache, align_pair
    from newstrace.ingest import RawRecord, build_document
    from newstrace.options import Options

    options = Options(progress=False, min_passage_chars=60)
    source, rewrite = (build_document(RawRecord(name, "test", name, {"text": " ".join(sentences)}), options)
                       for name, sentences in (("source", CANAL), ("rewrite", CANAL_REWRITE)))
    n = len(CANAL)
    in_order = np.full((n, n), 0.2) + np.eye(n) * 0.42  # every sentence reworded, in order
    in_order[0, 0] = 1.0

    def aligned(similarity: np.ndarray, semantic: bool = True, rewrite_only: bool = False
                ) -> list:  # type: ignore[type-arg]
        cache = PairCache()
        assert len(cache.units_of(source)) == len(cache.units_of(rewrite)) == n
        cache.vectors[source.id], cache.vectors[rewrite.id] = _vectors_with(similarity)
        return align_pair(source, rewrite, options, cache, semantic=semantic, rewrite=rewrite_only)[0]

    # Lexically only the copied sentence aligns: a sliver of either text.
    sliver = aligned(in_order, semantic=False)
    assert len(sliver) == 1 and coverage(sliver, len(rewrite.text), "target") < 0.3
    # The sentences that follow the source's order make it one rewrite of the whole text.
    whole = aligned(in_order)
    assert len(whole) == 1 and whole[0].kind == "rewrite"
    assert coverage(whole, len(source.text), "source") > 0.9
    assert coverage(whole, len(rewrite.text), "target") > 0.9
    assert_slices(whole, source.text, rewrite.text)
    # A lexical candidate whose documents are close is aligned as a rewrite too.
    assert aligned(in_order, semantic=False, rewrite_only=True) == whole
    # Without that order the copied sentence stays all there is.
    shuffled = in_order[:, [0, 5, 4, 3, 2, 1]]
    assert aligned(shuffled) == sliver


HARBOUR = ("Harbour officials in Velmora counted forty-two fishing trawlers stranded by the storm on "
           "Tuesday. The coast guard towed nine damaged boats to the northern pier before nightfall. "
           "Insurance assessors from the capital arrived on Wednesday to inspect broken hulls and torn "
           "nets. Mayor Ilse Brandt promised emergency grants for crews who lost a week of catch. "
           "Fish markets across the province reported prices doubling within two days.")
HARBOUR_REWORDED = ("The coast guard pulled nine wrecked boats to the north pier before dark. From the "
                    "capital, insurance assessors came on Wednesday to examine torn nets and broken "
                    "hulls. Emergency grants were promised by Mayor Ilse Brandt for crews who lost a "
                    "week of catch.")


def _one_passage_of(copy: str) -> tuple[Passage, str]:
    """The one passage aligned when ``copy`` of HARBOUR sits between fillers, and the target."""
    target = FILLER + copy + " " + FILLER
    passages = align_texts(HARBOUR, target)
    assert_slices(passages, HARBOUR, target)
    assert len(passages) == 1
    return passages[0], target


def test_a_reworded_passage_keeps_its_opening_function_words_and_closing_stop() -> None:
    p, target = _one_passage_of(HARBOUR_REWORDED)
    assert target[p.target[0]:p.target[1]] == HARBOUR_REWORDED
    assert HARBOUR[p.source[0]:p.source[1]].startswith("The coast guard towed")
    assert HARBOUR[p.source[0]:p.source[1]].endswith("a week of catch.")


HARBOUR_EDGES_REPLACED = ("Rescuers pulled nine wrecked boats to the north pier before dark. From the "
                          "capital, insurance assessors came on Wednesday to examine torn nets and "
                          "broken hulls. Emergency grants were promised by Mayor Ilse Brandt for crews "
                          "who lost seven days of earnings.")


def test_a_copy_whose_edge_words_were_replaced_keeps_them() -> None:
    # "Rescuers pulled" and "seven days of earnings" share no word with the source, but
    # they are the copy's own first and last words: the passage must not start at "nine".
    p, target = _one_passage_of(HARBOUR_EDGES_REPLACED)
    assert target[p.target[0]:p.target[1]] == HARBOUR_EDGES_REPLACED


@pytest.mark.parametrize("echo", [
    "Crews who lost a week of catch will get grants, Mayor Brandt said, once assessors finish with the hulls.",
    "Grants for the crews of the damaged boats were promised by the mayor on Wednesday.",
])
def test_a_next_sentence_that_only_repeats_the_copied_words_is_not_part_of_the_copy(echo: str) -> None:
    # The sentence after the copied ones is on topic (cosine above the growth level) but
    # brings no word of the copy that the copied sentences lack.
    source = HARBOUR.rsplit(" Fish markets", 1)[0] + " " + echo + " " + MUSEUM[:600]
    target = FILLER + HARBOUR_REWORDED + " " + FILLER
    passages = align_texts(source, target)
    assert_slices(passages, source, target)
    assert len(passages) == 1
    assert source[passages[0].source[0]:passages[0].source[1]].endswith("a week of catch.")


def _copy(source: Span, target: Span, similarity: float = 0.8) -> Passage:
    return Passage(source, target, similarity)


def test_neighbouring_passages_merge_when_close_and_in_order_in_both_texts() -> None:
    first, second = _copy((0, 300), (1000, 1300), 0.9), _copy((420, 700), (1380, 1600), 0.6)
    merged = merge_neighbours([first, second])
    assert len(merged) == 1
    assert merged[0].source == (0, 700) and merged[0].target == (1000, 1600)
    assert 0.6 < merged[0].similarity < 0.9
    # equal (or overlapping) passages are one passage
    assert merge_neighbours([first, first]) == [first]
    # far apart in the source, out of order, or far apart in the target: kept apart
    assert len(merge_neighbours([first, _copy((2000, 2300), (1380, 1600))])) == 2
    assert len(merge_neighbours([_copy((420, 700), (1000, 1300)), _copy((0, 300), (1380, 1600))])) == 2
    assert len(merge_neighbours([first, _copy((420, 700), (1700, 1900))])) == 2
    assert len(merge_neighbours([first, Passage((420, 700), (1380, 1600), 0.6, "summary")])) == 2


def _glued_into_a_sentence(text: str, start: int, words: int, seed: int) -> tuple[str, Span]:
    """A spun stretch of ``text`` with its words shuffled a dozen at a time and its sentence
    breaks dropped, set inside another sentence: (target text, the stretch's span)."""
    rng = random.Random(seed)
    stretch = [w.strip(".,;:") for w in spin(text, rate=0.3, seed=seed).split()][start:start + words]
    shuffled: list[str] = []
    for i in range(0, len(stretch), 12):
        chunk = stretch[i:i + 12]
        rng.shuffle(chunk)
        shuffled += chunk
    copied = " ".join(shuffled).lower()
    opening = FILLER + "Weather in the valley stayed mild, with light winds from the west and quiet markets, and "
    closing = " while gardeners in the hills reported an early bloom of apple trees on the southern slopes. "
    return opening + copied + closing + FILLER, (len(opening), len(opening) + len(copied))


@pytest.mark.parametrize(("source", "start", "words"), [(BRIDGE, 35, 40), (BRIDGE, 45, 50), (BRIDGE, 45, 60)])
def test_copy_moved_across_sentence_boundaries_is_aligned_by_word_windows(source: str, start: int,
                                                                          words: int) -> None:
    target, (a, b) = _glued_into_a_sentence(source, start, words, seed=start)
    passages = align_texts(source, target)
    assert_slices(passages, source, target)
    covered = sum(max(0, min(b, p.target[1]) - max(a, p.target[0])) for p in passages)
    # the sentence pass alone aligns none of these (checked when the window pass was added)
    assert covered >= 0.6 * (b - a)
    assert all(p.target[0] >= a - 40 and p.target[1] <= b + 40 for p in passages)


def test_word_windows_cut_text_in_order_without_gaps_in_words() -> None:
    windows = window_units(RAIL, size=10)
    assert [len(t) for t in windows.tokens[:-1]] == [10] * (len(windows) - 1)
    assert all(a[1] <= b[0] for a, b in zip(windows.spans, windows.spans[1:], strict=False))
    assert windows.spans[0][0] == 0 and RAIL[windows.spans[-1][1]:].strip(" .\n") == ""


def test_unit_vectors_are_tf_isf_cosines_and_dice() -> None:
    source, target = units_of(CANAL[0] + " " + CANAL[1]), units_of(CANAL_REWRITE[0] + " " + CANAL_REWRITE[1])
    vectors = _vectors(source, target)
    units = list(source.tokens) + list(target.tokens)
    words = sorted({w for tokens in units for w in tokens})
    counts = np.array([[tokens.count(w) for w in words] for tokens in units], dtype=float)
    isf = np.log(len(units) / (counts > 0).sum(axis=0))
    weighted = counts * isf
    weighted /= np.linalg.norm(weighted, axis=1, keepdims=True)
    n = len(source)
    assert np.allclose(vectors.cosine, weighted[:n] @ weighted[n:].T)
    assert vectors.cosine[0, 0] == pytest.approx(1.0)  # the same first sentence
    shared = (counts[:n, None, :] > 0) & (counts[None, n:, :] > 0)
    distinct = (counts > 0).sum(axis=1)
    assert np.allclose(vectors.dice, 2 * shared.sum(axis=2) / (distinct[:n, None] + distinct[None, n:]))
    assert np.allclose(vectors.source.matrix().toarray() @ vectors.target.matrix().toarray().T, vectors.cosine)


@pytest.mark.parametrize("at_once", [4_000_000, 7])
def test_unit_cosines_are_summed_as_scipy_sums_them(monkeypatch: pytest.MonkeyPatch, at_once: int) -> None:
    # Bitwise, not approximately: alignment's bars were tuned on these sums, and a last-bit
    # change moves a pair across a bar somewhere in a large corpus.
    from newstrace import align

    monkeypatch.setattr(align, "PAIR_PRODUCTS_AT_ONCE", at_once)  # 7: summed in many groups
    source, target = window_units(RAIL, size=6), units_of(" ".join(CANAL + CANAL_REWRITE) + " " + RAIL)
    vectors = align._pair_vectors(source, target)
    s, t = vectors.source.matrix(), vectors.target.matrix()
    assert np.array_equal(vectors.cosine, (s @ t.T).toarray())
    shared = (s > 0).astype(float) @ (t > 0).astype(float).T
    distinct_s, distinct_t = np.diff(s.indptr), np.diff(t.indptr)
    assert np.array_equal(vectors.dice, 2 * shared.toarray() / (distinct_s[:, None] + distinct_t[None, :]))


def test_a_text_embedded_again_is_not_encoded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace import embed

    encoded: list[str] = []
    real = embed._encode

    def counting(texts: list[str], batch: int) -> np.ndarray:
        encoded.extend(texts)
        return real(texts, batch)

    monkeypatch.setattr(embed, "_encode", counting)
    monkeypatch.setattr(embed, "_recent", RecentCache(embed.RECENT_TEXTS))
    first = embed.embed([CANAL[2], CANAL[3], CANAL[2]])
    again = embed.embed([CANAL[4], CANAL[2]])
    assert encoded.count(CANAL[2]) == 1 and encoded.count(CANAL[4]) == 1
    assert np.array_equal(again[1], first[0]) and np.array_equal(first[0], first[2])
    assert float(again[0] @ first[0]) < 0.99


def test_recent_units_are_reused_within_a_token_budget() -> None:
    made: list[str] = []

    def maker(text: str):  # type: ignore[no-untyped-def]
        def make() -> Units:
            made.append(text)
            return units_of(text)
        return make

    texts = CANAL[:3]
    budget = sum(len(t) for t in units_of(texts[0]).tokens) + sum(len(t) for t in units_of(texts[1]).tokens)
    cache: RecentCache[str, Units] = RecentCache(budget, token_count)
    first = cache.get_or_make(texts[0], maker(texts[0]))
    assert cache.get_or_make(texts[0], maker(texts[0])) is first and made == [texts[0]]
    cache.get_or_make(texts[1], maker(texts[1]))
    cache.get_or_make(texts[2], maker(texts[2]))  # over the budget: the least recent goes
    assert cache.weight <= budget and texts[0] not in cache.entries and texts[2] in cache.entries
    cache.get_or_make(texts[0], maker(texts[0]))
    assert made == [texts[0], texts[1], texts[2], texts[0]]


def test_word_keys_are_the_words_own_in_any_process() -> None:
    import pickle

    from newstrace.align import word_key

    units = units_of(CANAL[0])
    rows, keys = units.token_keys()
    assert list(keys) == [word_key(w) for t in units.tokens for w in t] and list(rows) == sorted(rows)
    copy = pickle.loads(pickle.dumps(units))  # as sent to a worker
    assert all(np.array_equal(a, b) for a, b in zip(copy.token_keys(), units.token_keys(), strict=True))
    assert word_key("council") == word_key("council") != word_key("counsel")


def test_a_pairs_vectors_do_not_depend_on_the_texts_met_before(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bitwise: a unit pair's cosine sums its products in column order, and a last-bit
    # change can move a passage across a bar, so a worker's history must not order them.
    from newstrace import align

    source, target = " ".join(CANAL), " ".join(CANAL_REWRITE)
    expected = align._pair_vectors(units_of(source), units_of(target))
    monkeypatch.setattr(align, "_WORDS", align._WordKeys())  # a fresh process ...
    reversed_words = " ".join(reversed((target + " " + RAIL).split()))
    units_of(reversed_words).token_keys()  # ... that met these words first, in another order
    monkeypatch.setattr(align, "MAX_WORD_KEYS", 3)  # and whose cache starts again
    vectors = align._pair_vectors(units_of(source), units_of(target))
    assert np.array_equal(vectors.cosine, expected.cosine) and np.array_equal(vectors.dice, expected.dice)


def test_aligning_the_same_units_again_reuses_their_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace import align

    real, calls = align._pair_vectors, []

    def counting(source, target):  # type: ignore[no-untyped-def]
        calls.append((source, target))
        return real(source, target)

    monkeypatch.setattr(align, "_pair_vectors", counting)
    source, target = units_of(CANAL[1]), units_of(CANAL_REWRITE[1])
    first = align_texts(CANAL[1], CANAL_REWRITE[1], min_chars=60, source_units=source, target_units=target)
    once = len(calls)
    # a second look: the same units, another bar for a lone sentence pair
    align_texts(CANAL[1], CANAL_REWRITE[1], min_chars=60, source_units=source, target_units=target,
                single_seed_cosine=0.35)
    assert once >= 1 and len(calls) == once
    # other units of the same texts are other objects: their vectors are made anew
    assert align_texts(CANAL[1], CANAL_REWRITE[1], min_chars=60, source_units=units_of(CANAL[1]),
                       target_units=units_of(CANAL_REWRITE[1])) == first
    assert len(calls) > once


def test_a_recent_cache_keeps_nothing_heavier_than_its_budget() -> None:
    cache: RecentCache[str, str] = RecentCache(3, len)
    cache.put("a", "xx")
    cache.put("b", "xxxx")  # heavier than the whole budget: not kept, nothing dropped
    assert cache.get("b") is None and cache.get("a") == "xx" and cache.weight == 2
    with pytest.raises(ValueError, match="budget"):
        RecentCache(-1)
