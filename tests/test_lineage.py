from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

import newstrace
from newstrace import Options
from newstrace.copies import excerpt, spin
from newstrace.lineage import (
    Edge,
    closest_parents,
    consistent_reversals,
    contradicted_groups,
    human_origins,
    origins,
)
from newstrace.stories import adjusted_rand_index

from .conftest import DEMO, made_up_text


def body(name: str) -> str:
    return (DEMO / name).read_text().split("\n\n", 1)[1]


def test_closest_parent_prefers_the_descendant_that_shares_changes() -> None:
    # C is a close copy of B (copies of copies in the fixtures score above 0.9)
    edges = [Edge("A", "B", 0.90), Edge("A", "C", 0.70), Edge("B", "C", 0.93)]
    assert closest_parents(edges) == {("A", "B"), ("B", "C")}


def test_ancestor_kept_when_descendant_is_not_a_close_copy() -> None:
    # Two restylings of A by one model read more alike (0.87) than either reads like A:
    # that is a shared style, not C copying B.
    edges = [Edge("A", "B", 0.70), Edge("A", "C", 0.70), Edge("B", "C", 0.87)]
    assert closest_parents(edges) == {("A", "B"), ("A", "C")}


def test_ancestor_kept_when_descendant_is_no_closer() -> None:
    # B and C are both verbatim copies of A: nothing says C came through B.
    edges = [Edge("A", "B", 0.99), Edge("A", "C", 0.99), Edge("B", "C", 0.99)]
    assert closest_parents(edges) == {("A", "B"), ("A", "C")}


def test_a_copy_keeps_specifics_only_its_true_parent_has() -> None:
    # R1 and R2 restyle S and read alike, but R2 keeps figures and names R1 dropped
    edges = [Edge("S", "R1", 0.6), Edge("S", "R2", 0.6), Edge("R1", "R2", 0.9, explained=0.6)]
    assert closest_parents(edges) == {("S", "R1"), ("S", "R2")}
    # ... while a copy of a copy keeps its parent's new specifics (shared innovations)
    chain = [Edge("A", "B", 0.9), Edge("A", "C", 0.7, explained=0.5), Edge("B", "C", 0.72)]
    assert closest_parents(chain) == {("A", "B"), ("B", "C")}


def test_language_model_rewrites_share_changes_without_copying_each_other() -> None:
    # R2 shares R1's new terms (an expanded name, an emphatic adverb), but both read far
    # more model-written than S: a model makes those changes again in each rewrite.
    edges = [Edge("S", "R1", 0.6), Edge("S", "R2", 0.6, explained=0.7), Edge("R1", "R2", 0.8)]
    assert closest_parents(edges) == {("S", "R1"), ("R1", "R2")}
    readings = {"S": -2.0, "R1": 1.5, "R2": 2.0}
    assert closest_parents(edges, readings) == {("S", "R1"), ("S", "R2")}
    # Human copies of a human text keep the shared-innovation rule.
    human = {"S": -2.0, "R1": -1.5, "R2": -1.8}
    assert closest_parents(edges, human) == {("S", "R1"), ("R1", "R2")}
    # A close copy of a rewrite still descends from it ...
    close = [Edge("S", "R1", 0.6), Edge("S", "R2", 0.6), Edge("R1", "R2", 0.95)]
    assert closest_parents(close, readings) == {("S", "R1"), ("R1", "R2")}
    # ... but two restylings by one model read this alike without one copying the other,
    # which a human copy this close to its parent would not
    alike = [Edge("S", "R1", 0.8), Edge("S", "R2", 0.8), Edge("R1", "R2", 0.92)]
    assert closest_parents(alike, readings) == {("S", "R1"), ("S", "R2")}
    assert closest_parents(alike, human) == {("S", "R1"), ("R1", "R2")}


def test_an_unlinked_rewrite_is_no_parent_of_its_sibling_rewrite() -> None:
    # R1 and R2 restyle S; R1 could not be aligned with S, so the links do not relate
    # them, and R2 reads more like R1 (0.7) than like S (0.6).
    spans = ((0, 500),)
    edges = [Edge("S", "R2", 0.6, spans), Edge("R1", "R2", 0.7, spans)]
    assert closest_parents(edges) == {("R1", "R2")}
    readings = {"S": -2.0, "R1": 1.5, "R2": 2.0}
    assert closest_parents(edges, readings) == {("S", "R2")}
    # Copies of a human text keep the closer one as the parent ...
    assert closest_parents(edges, {"S": -2.0, "R1": -1.5, "R2": -1.8}) == {("R1", "R2")}
    # ... and so does a rewrite's near-verbatim copy.
    close = [Edge("S", "R2", 0.6, spans), Edge("R1", "R2", 0.97, spans)]
    assert closest_parents(close, readings) == {("R1", "R2")}
    # Sources of different parts of a copy are both its parents (a compilation).
    parts = [Edge("S", "R2", 0.6, ((0, 200),)), Edge("R1", "R2", 0.7, ((300, 500),))]
    assert closest_parents(parts, readings) == {("S", "R2"), ("R1", "R2")}


def test_family_triples_are_chains_of_model_rewrites_of_a_human_article() -> None:
    from newstrace.lineage import family_triples

    parents = {("S", "R1"), ("R1", "R2"), ("H", "S"), ("S", "R3"), ("R3", "R4")}
    readings = {"S": -2.0, "R1": 1.5, "R2": 2.0, "H": -3.0, "R3": 0.5, "R4": -0.2}
    # S -> R1 -> R2: both rewrites read model-written, far above S. H -> S -> R1: S reads
    # human. S -> R3 -> R4: R4 is within the gap of S's reading, and under even odds.
    assert family_triples(parents, readings, set()) == [("S", "R1", "R2")]
    assert family_triples(parents, readings, {frozenset(("S", "R2"))}) == []
    # Above the gap but under even odds: a human article quoting S in a more formal style.
    assert family_triples(parents, {**readings, "R1": -0.4, "R2": 2.0}, set()) == []


def test_a_text_published_twice_is_a_parent_in_both_places() -> None:
    # S1 and S2 carry one text (its verbatim link runs S1 -> S2 by id order); R rewrote it
    edges = [Edge("S1", "S2", 1.0), Edge("S1", "R", 0.6), Edge("S2", "R", 0.6), Edge("X", "R", 0.3)]
    assert closest_parents(edges) == {("S1", "S2"), ("S1", "R")}
    same_text = {"S1": "h", "S2": "h"}
    assert closest_parents(edges, same_text=same_text) == {("S1", "S2"), ("S1", "R"), ("S2", "R")}


def test_specific_terms_are_figures_names_and_rare_words() -> None:
    from newstrace.lineage import specific_terms

    terms = specific_terms("The council met Tuesday. Mayor Lund said 1,200 homes face an "
                           "ineluctable rise. Rain fell.")
    assert {"1,200", "lund", "tuesday", "ineluctable"} <= terms
    assert not {"the", "rain", "said", "homes"} & terms


def test_compilation_has_two_parents() -> None:
    edges = [Edge("A", "C", 0.5, ((0, 400),)), Edge("B", "C", 0.5, ((420, 900),))]
    assert closest_parents(edges) == {("A", "C"), ("B", "C")}
    overlapping = [Edge("A", "C", 0.6, ((0, 400),)), Edge("B", "C", 0.5, ((10, 390),))]
    assert closest_parents(overlapping) == {("A", "C")}


def test_origins_are_members_without_parent() -> None:
    assert origins(["A", "B", "C", "D"], [("A", "B"), ("B", "C")]) == ["A", "D"]


def test_weak_directions_are_made_consistent_around_the_source() -> None:
    # The source beat three restylings on style; coverage put the fourth upstream of it.
    votes = [("src", "r1", "llm_style"), ("src", "r3", "llm_style"), ("src", "r4", "llm_style"),
             ("r2", "src", "coverage"), ("r1", "r2", "llm_style"), ("r3", "r4", "cuts")]
    assert consistent_reversals(votes) == {("r2", "src")}


def test_a_lone_pair_and_dated_links_keep_their_direction() -> None:
    assert consistent_reversals([("b", "a", "coverage")]) == set()
    # A date outweighs two style votes, and is never itself reversed.
    votes = [("a", "b", "published"), ("b", "c", "llm_style"), ("c", "a", "llm_style")]
    assert ("a", "b") not in consistent_reversals(votes)
    assert consistent_reversals(votes) <= {("b", "c"), ("c", "a")}


def test_a_text_reading_far_less_model_written_than_all_its_links_is_their_origin() -> None:
    # Wording log-odds: the article reads human, its restylings model-written; r3 is
    # linked to an unreadable (non-English) document, so it is not judged.
    readings = {"src": -2.0, "r1": 1.0, "r2": 0.5, "r3": -3.0, "r4": 2.0, "low": -1.0}
    links = [("src", "r1"), ("r2", "src"), ("r1", "r2"), ("r3", "ja"), ("low", "r4"), ("low", "src")]
    assert human_origins(readings, links) == set()  # src is within the gap of "low"
    links = links[:5]
    assert human_origins(readings, links) == {"src", "low"}
    # Style markers had put r2 upstream of the article; against an origin they give way.
    votes = [("src", "r1", "llm_wording"), ("r2", "src", "style"), ("r1", "r2", "cuts")]
    assert consistent_reversals(votes) == set()
    assert consistent_reversals(votes, origins={"src"}) == {("r2", "src")}
    assert consistent_reversals([("r2", "src", "published")], origins={"src"}) == set()


def test_originality_votes_weigh_as_the_model_that_decided_them() -> None:
    from newstrace.lineage import _vote_kind

    assert _vote_kind({"by": "llm_style", "model": "llm_wording"}) == "llm_wording"
    assert _vote_kind({"by": "llm_style", "model": "llm_style"}) == "llm_style"
    assert _vote_kind({"by": "cuts"}) == "cuts"
    # A cycle: the weakest vote gives way. Style markers outweigh the style model's
    # originality, not the wording model's.
    cycle = [("b", "c", "cuts"), ("c", "a", "style")]
    assert consistent_reversals([("a", "b", "llm_wording"), *cycle]) == set()
    assert consistent_reversals([("a", "b", "llm_style"), *cycle]) == {("a", "b")}


def test_the_wording_model_votes_only_where_the_corpus_shows_it_agrees_with_anchors() -> None:
    from newstrace.lineage import WORDING_VOTE_GAP, wording_vote_accuracy, wording_votes

    def anchors(agree: int, disagree: int, by: str = "style") -> tuple[list, dict]:
        votes, readings = [], {}
        for i in range(agree + disagree):
            source, target = f"s{i}", f"t{i}"
            votes.append((source, target, by))
            readings[source], readings[target] = (-2.0, 1.0) if i < agree else (1.0, -2.0)
        return votes, readings

    assert wording_vote_accuracy(*anchors(0, 0)) is None
    assert wording_vote_accuracy(*anchors(3, 1)) is None  # too few to show it
    assert wording_vote_accuracy(*anchors(30, 30)) is None
    accuracy = wording_vote_accuracy(*anchors(165, 10))
    assert accuracy is not None and 0.85 < accuracy < 165 / 175
    assert wording_vote_accuracy(*anchors(165, 10, by="published")) == accuracy
    # Links the wording model or weak evidence decided are no anchors.
    assert wording_vote_accuracy(*anchors(165, 10, by="llm_wording")) is None
    assert wording_vote_accuracy(*anchors(165, 10, by="coverage")) is None
    # Readings closer than the gap say nothing.
    votes, readings = anchors(165, 10)
    close = {d: value * (WORDING_VOTE_GAP / 3.5) for d, value in readings.items()}
    assert wording_vote_accuracy(votes, close) is None

    readings = {"src": -2.0, "r1": 1.0, "r2": 0.5}  # "ja" is not read: not English
    assert wording_votes([("r1", "src"), ("src", "r2"), ("r1", "r2"), ("r1", "ja")], readings) == [
        ("src", "r1", "wording"), ("src", "r2", "wording")]
    assert wording_votes([("a", "b")], {"a": -5.0, "b": -0.5}) == []  # both read human
    # Trusted, the wording votes turn a restyling put upstream of its article; they are
    # not links, so never reversed themselves.
    votes = [("r2", "src", "coverage"), ("r2", "r1", "cuts"), ("src", "r1", "coverage")]
    extra = wording_votes([(s, t) for s, t, _ in votes], readings)
    assert consistent_reversals(votes) == set()
    assert consistent_reversals(votes, extra=extra, accuracies={"wording": 0.9}) == {("r2", "src")}
    assert consistent_reversals(votes, extra=extra, accuracies={"wording": 0.5}) == set()


def test_votes_that_leave_the_order_open_put_the_less_model_written_text_first() -> None:
    # Nothing decided r -> src (an undecided link weighs nothing); by id r would stay first.
    votes = [("r", "src", "undecided"), ("src", "r2", "coverage")]
    assert consistent_reversals(votes) == set()
    readings = {"src": -3.0, "r": 2.0, "r2": 2.0}
    assert consistent_reversals(votes, readings=readings) == {("r", "src")}
    # ... but a reading never outweighs a vote.
    assert consistent_reversals([("r", "src", "coverage"), ("src", "r2", "coverage")],
                                readings=readings) == set()


def test_groups_up_to_the_exact_size_get_the_order_the_votes_agree_with_most() -> None:
    import itertools
    import random

    from newstrace.lineage import EXACT_ORDER_SIZE, _exact_order

    assert EXACT_ORDER_SIZE >= 7
    rng = random.Random(3)
    members = [f"d{i}" for i in range(7)]
    for _ in range(5):
        votes = [(a, b, rng.choice([0.4, 1.1, 1.7, 2.2])) if rng.random() < 0.5 else (b, a, 1.0)
                 for a, b in itertools.combinations(members, 2) if rng.random() < 0.5]

        def against(order: Sequence[str], votes: list = votes) -> float:
            rank = {d: i for i, d in enumerate(order)}
            return sum(w for s, t, w in votes if rank[s] > rank[t])

        best = min(against(order) for order in itertools.permutations(members))
        assert against(_exact_order(members, votes, {})) == pytest.approx(best)


def test_large_groups_are_ordered_too() -> None:
    chain = [f"d{i:02d}" for i in range(12)]
    votes = [(a, b, "cuts") for a, b in zip(chain, chain[1:], strict=False)]
    votes.append((chain[-1], chain[0], "coverage"))  # one weak vote closes a cycle
    assert consistent_reversals(votes) == {(chain[-1], chain[0])}


def test_adjusted_rand_index() -> None:
    assert adjusted_rand_index(["a", "a", "b", "b"], ["x", "x", "y", "y"]) == 1.0
    assert adjusted_rand_index(["a", "a", "b", "b"], ["x", "y", "x", "y"]) < 0


@pytest.fixture(scope="module")
def lineage_store(tmp_path_factory: pytest.TempPathFactory):
    """No dates anywhere: direction and parents must come from the content."""
    root = tmp_path_factory.mktemp("lineage")
    corpus = root / "corpus"
    corpus.mkdir()
    bridge = body("bridge.txt").replace("PORT HALDEN, March 4, 2025 \u2014 ", "")
    rail, museum = body("rail-strike.txt"), body("museum.txt")
    spun = spin(bridge, rate=0.8, seed=11, debris=0.2)
    respun = spin(excerpt(spun, keep=0.7, seed=3), rate=0.4, seed=12, debris=0.0)
    compilation = excerpt(rail, keep=0.5, seed=1) + "\n\n" + excerpt(museum, keep=0.6, seed=2)
    records = {"a-original": bridge, "b-spun": spun, "c-respun": respun,
               "rail": rail, "museum": museum, "compiled": compilation,
               "veloria-1": body("veloria-llm.txt"), "veloria-2": body("veloria-independent.txt")}
    (corpus / "docs.jsonl").write_text("".join(
        json.dumps({"id": k, "text": v}) + "\n" for k, v in records.items()))
    with newstrace.open_store(root / "l.duckdb") as store:
        newstrace.ingest([corpus], store)
        for doc in store.documents():
            assert doc.published is None
        newstrace.analyze(store, Options(progress=False))
        yield store


def parents_of(store) -> set[tuple[str, str]]:
    return {(link["source"], link["target"]) for link in newstrace.export_data(store)["links"]
            if link["relation"] == "derived"}


def test_chain_is_a_b_c(lineage_store) -> None:
    parents = parents_of(lineage_store)
    assert ("a-original", "b-spun") in parents
    assert ("b-spun", "c-respun") in parents
    assert ("a-original", "c-respun") not in parents
    ancestors = {(link["source"], link["target"]) for link in newstrace.export_data(lineage_store)["links"]
                 if link["relation"] == "ancestor"}
    assert ("a-original", "c-respun") in ancestors


def test_compilation_gets_both_sources(lineage_store) -> None:
    parents = parents_of(lineage_store)
    assert ("rail", "compiled") in parents and ("museum", "compiled") in parents


def test_independent_reports_share_a_story_not_a_link(lineage_store) -> None:
    data = newstrace.export_data(lineage_store)
    assert not [link for link in data["links"] if {"veloria-1", "veloria-2"} & {link["source"], link["target"]}]
    story_of = {d: s["id"] for s in data["stories"] for d in s["documents"]}
    assert story_of["veloria-1"] == story_of["veloria-2"]
    assert story_of["a-original"] == story_of["b-spun"] == story_of["c-respun"]
    assert story_of["a-original"] != story_of["veloria-1"]
    story = next(s for s in data["stories"] if "a-original" in s["documents"])
    assert story["origins"] == ["a-original"]


def test_lineage_cli_formats(lineage_store, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newstrace.cli import cli

    db = str(lineage_store.path)
    lineage_store.close()
    runner = CliRunner()
    text = runner.invoke(cli, ["lineage", "c-respun", "--db", db])
    assert text.exit_code == 0, text.output
    assert "a-original" in text.stdout and "copy of b-spun" in text.stdout
    assert "direction by " in text.stdout  # what decided each parent's direction is named
    svg = runner.invoke(cli, ["lineage", "a-original", "--db", db, "--format", "svg"])
    assert svg.stdout.startswith("<svg") and 'class="node origin"' in svg.stdout
    graphml = runner.invoke(cli, ["lineage", "a-original", "--db", db, "--format", "graphml"])
    assert "<graphml" in graphml.stdout
    missing = runner.invoke(cli, ["lineage", "nope", "--db", db])
    assert missing.exit_code == 1 and "no story or document" in missing.stderr
    listing = runner.invoke(cli, ["stories", "--db", db, "--json"])
    assert any("a-original" in s["origins"] for s in json.loads(listing.stdout))


def test_a_parent_decides_a_copys_story_only_near_its_dates() -> None:
    from collections import Counter
    from datetime import date

    import numpy as np

    from newstrace.stories import StoryInput, group

    def doc(doc_id: str, axis: int, day: date | None, parent: str | None = None) -> StoryInput:
        vector = np.zeros(8, dtype=np.float32)
        vector[axis] = 1.0  # orthogonal: content alone never groups them
        return StoryInput(doc_id, vector, Counter(), day, parent)

    _, membership = group([doc("a", 0, date(2016, 2, 25)),
                           doc("b", 1, date(2016, 2, 26), parent="a"),
                           doc("c", 2, date(2016, 8, 31), parent="a")])
    assert membership["b"] == membership["a"]
    assert membership["c"] != membership["a"]
    # Undated versions sort by id, and a copy's id may sort before its source's: the
    # source is placed first all the same, so the copies join its story.
    _, membership = group([doc("x/source", 0, None), doc("x/neutral", 1, None, parent="x/source"),
                           doc("x/alarmed", 2, None, parent="x/neutral")])
    assert membership["x/alarmed"] == membership["x/neutral"] == membership["x/source"]


def test_consistency_does_not_depend_on_the_order_of_votes() -> None:
    import random

    votes = [("src", "r1", "llm_style"), ("src", "r3", "llm_style"), ("r4", "src", "coverage"),
             ("r2", "src", "coverage"), ("r1", "r2", "cuts"), ("r3", "r4", "coverage"),
             ("r2", "r3", "coverage"), ("r4", "r1", "cuts")]
    expected = consistent_reversals(votes)
    for seed in range(5):
        shuffled = votes[:]
        random.Random(seed).shuffle(shuffled)
        assert consistent_reversals(shuffled) == expected


def test_links_reversed_for_consistency_are_described_once_in_their_new_direction(tmp_path: Path) -> None:
    from newstrace.align import Passage
    from newstrace.candidates import Link, described_link, insert_links
    from newstrace.lineage import update_lineage

    original = body("bridge.txt")
    versions = {"src": original, **{f"r{i}": spin(original, rate=0.5, seed=i, debris=0.0) for i in range(1, 5)}}
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "docs.jsonl").write_text("".join(
        json.dumps({"id": k, "text": v}) + "\n" for k, v in versions.items()))
    # The votes of test_weak_directions_are_made_consistent_around_the_source, stored as
    # analysis stores them: oriented by each pair's own evidence, not yet described.
    votes = [("src", "r1", "llm_style"), ("src", "r3", "llm_style"), ("src", "r4", "llm_style"),
             ("r2", "src", "coverage"), ("r1", "r2", "llm_style"), ("r3", "r4", "cuts")]
    with newstrace.open_store(tmp_path / "c.duckdb") as store:
        newstrace.ingest([corpus], store)
        texts = {d.id: d.text for d in store.documents()}
        span = {k: (0, len(t) // 2) for k, t in texts.items()}
        with store.transaction():
            insert_links(store, [Link(s, t, 0.7, "lexical", [Passage(span[s], span[t], 0.8)],
                                      evidence={"direction": {"by": by}}, described=False)
                                 for s, t, by in votes])
        update_lineage(store)
        found = {(link["source"], link["target"]): link for link in newstrace.export_data(store)["links"]}
        assert ("r2", "src") not in found
        reversed_link = found["src", "r2"]
        assert reversed_link["evidence"]["direction"] == {"by": "coverage", "reversed_by": "consistency"}
        assert reversed_link["passages"][0]["source"] == list(span["src"])
        assert reversed_link["passages"][0]["target"] == list(span["r2"])
        assert all(link["transformation"] for link in found.values())
        src, r2 = store.document("src"), store.document("r2")
        expected = described_link(src, r2, 0.7, "lexical", [Passage(span["src"], span["r2"], 0.8)],
                                  {"by": "coverage", "reversed_by": "consistency"})
        assert reversed_link["transformation"] == json.loads(json.dumps(expected.transformation))
        assert store.con.execute("SELECT count(*) FROM links WHERE transformation IS NULL").fetchone()[0] == 0
        update_lineage(store)  # settled: nothing moves on a second pass
        again = {(link["source"], link["target"]): link for link in newstrace.export_data(store)["links"]}
        assert again.keys() == found.keys()


def test_analyze_finishes_links_left_undescribed_by_a_stopped_run(tmp_path: Path) -> None:
    original = body("bridge.txt")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "docs.jsonl").write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in {
        "original": original, "spun": spin(original, rate=0.6, seed=5),
        "cut": excerpt(original, keep=0.5, seed=5)}.items()))

    def described(store) -> dict[tuple[str, str], list]:
        return {(link["source"], link["target"]): link["transformation"]
                for link in newstrace.export_data(store)["links"]}

    with newstrace.open_store(tmp_path / "s.duckdb") as store:
        newstrace.ingest([corpus], store)
        newstrace.analyze(store, Options(progress=False))
        before = described(store)
        assert before and all(before.values())
        store.con.execute("UPDATE links SET transformation = NULL")  # as if stopped there
        report = newstrace.analyze(store, Options(progress=False))
        assert report.documents_analyzed == 0
        assert described(store) == before


def test_lineage_says_when_no_evidence_decided_a_direction(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newstrace.cli import cli

    original = body("museum.txt")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # Two undated copies of one text, neither cut nor marked: nothing says which came first.
    (corpus / "docs.jsonl").write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in {
        "copy-1": original, "copy-2": original.replace("museum", "Museum", 1)}.items()))
    db = str(tmp_path / "u.duckdb")
    with newstrace.open_store(db) as store:
        newstrace.ingest([corpus], store)
        newstrace.analyze(store, Options(progress=False))
        graph = newstrace.lineage.story_graph(store, "copy-1")
    assert [data["direction"] for _, _, data in graph.edges(data=True)] == ["undecided"]
    text = CliRunner().invoke(cli, ["lineage", "copy-1", "--db", db])
    assert text.exit_code == 0 and "direction undecided" in text.stdout


def test_a_copy_of_an_article_published_twice_has_both_as_parents(tmp_path: Path) -> None:
    from newstrace.copies import excerpt

    original = body("museum.txt")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [{"id": "site-a", "text": original, "published": "2024-05-01"},
               {"id": "site-b", "text": original, "published": "2024-05-01"},
               {"id": "copy", "text": excerpt(original, keep=0.6, seed=1), "published": "2024-05-03"}]
    (corpus / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    with newstrace.open_store(tmp_path / "t.duckdb") as store:
        newstrace.ingest([corpus], store)
        newstrace.analyze(store, Options(progress=False))
        parents = {s for s, t in store.con.execute(
            "SELECT source, target FROM links WHERE parent").fetchall() if t == "copy"}
    assert parents == {"site-a", "site-b"}


def test_disjoint_regions_count_distinct_passages() -> None:
    from newstrace.lineage import compilation_direction, disjoint_regions

    assert disjoint_regions([(0, 100), (100, 250), (300, 400)]) == 3
    assert disjoint_regions([(0, 300), (50, 250), (100, 400)]) == 1  # one passage, taken thrice
    assert compilation_direction(1, 3) == 1 and compilation_direction(3, 1) == -1
    assert compilation_direction(2, 3) == 0


def _digest_corpus(tmp_path: Path) -> Path:
    paragraphs = [made_up_text(100 + i, 4) for i in range(3)]
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, paragraph in enumerate(paragraphs):
        (folder / f"report-{i}.txt").write_text(
            f"Report {i}\n\n{made_up_text(i, 40)}\n\n{paragraph}\n\n{made_up_text(10 + i, 40)}")
    # named to sort first: an undecided pair would keep it upstream
    (folder / "a-digest.txt").write_text(
        "Digest\n\n" + "\n\n".join(f"{made_up_text(20 + i, 20)}\n\n{p}" for i, p in enumerate(paragraphs))
        + "\n\n" + made_up_text(30, 24))
    return folder


def test_a_compilation_is_downstream_of_its_sources(tmp_path: Path) -> None:
    """A digest made of one paragraph from each of three long reports, as long as each of
    them: the pairs' own evidence is silent (same lengths, verbatim), the compilation decides."""
    folder = _digest_corpus(tmp_path)
    with newstrace.open_store(tmp_path / "c.duckdb") as store:
        newstrace.ingest([folder], store, Options(progress=False))
        newstrace.analyze(store, Options(progress=False, semantic=False))
        rows = store.con.execute("SELECT source, target, evidence FROM links").fetchall()
    digest_links = {(s, t): json.loads(e)["direction"] for s, t, e in rows if "a-digest.txt" in (s, t)}
    assert set(digest_links) == {(f"report-{i}.txt", "a-digest.txt") for i in range(3)}
    assert all(d["by"] == "compilation" for d in digest_links.values())


def test_compilation_votes_follow_the_documents_drawn_from_now() -> None:
    from newstrace.lineage import compilation_vote

    undecided = {"by": "undecided", "coverage_a": 0.4}
    vote, evidence = compilation_vote(("digest", "report"), undecided, {"digest": 3, "report": 1})
    assert vote == ("report", "digest")  # the side drawing from more documents is downstream
    assert evidence == {"by": "compilation", "coverage_a": 0.4, "regions_source": 1, "regions_target": 3}
    # Judged again when the counts have changed, a compilation vote is undecided, as voted.
    vote, evidence = compilation_vote(vote, evidence, {"digest": 2, "report": 1})
    assert vote == ("report", "digest") and evidence == undecided


def test_one_pass_owns_directions_and_a_second_update_changes_nothing(tmp_path: Path) -> None:
    from newstrace.lineage import _make_consistent, _reverse_links

    folder = _digest_corpus(tmp_path)
    link = ("report-0.txt", "a-digest.txt")
    with newstrace.open_store(tmp_path / "c.duckdb") as store:
        newstrace.ingest([folder], store, Options(progress=False))
        newstrace.analyze(store, Options(progress=False, semantic=False))

        def links() -> dict[tuple[str, str], dict]:
            return {(s, t): json.loads(e)["direction"] for s, t, e in
                    store.con.execute("SELECT source, target, evidence FROM links").fetchall()}

        settled = links()
        assert settled[link]["by"] == "compilation"
        assert _make_consistent(store, {}) == 0  # nothing reversed or relabelled again
        # A link stored against its compilation evidence (as an older run left it) is
        # turned back by the same pass, and only it.
        _reverse_links(store, [(link, settled[link])])
        assert _make_consistent(store, {}) == 1
        assert links() == settled


LIBRARY_REPORT = (
    "The council in Dorrow voted on Tuesday to close the Eastgate library branch in March. "
    "Members said repairs to the roof would cost 410,000 pounds, more than the branch's budget for six years. "
    "About 30 people protested outside the meeting, some holding books above their heads. "
    "Councillor Ada Phelps said the books would move to the main library on Mill Street. "
    "A petition to keep the branch open has 2,300 signatures, organisers said. "
    "The branch opened in 1958 and lends about 40,000 books a year. "
    "Its two staff will be offered posts at the main library, the council said. "
    "A final decision on the building itself is due in June.")
LIBRARY_REWRITE = (
    "In a decision that has sparked considerable debate, the Dorrow council has voted to close the Eastgate "
    "library branch. Officials pointed out that the costly roof repairs would far exceed the branch's "
    "budget, reflecting the financial challenges facing local services. Residents gathered to voice their "
    "concerns, demonstrating the vital role libraries play in fostering community connections. This "
    "difficult choice raises important questions about how we value and invest in our shared public spaces. "
    "As the community navigates this transition, many hope that creative solutions can still be found.")


@pytest.mark.parametrize("rewrite_first", [True, False])
def test_a_rewrite_aligned_by_one_sentence_is_oriented_by_its_wording(rewrite_first: bool) -> None:
    from newstrace.align import Passage
    from newstrace.lineage import orient
    from newstrace.model import Document

    report, rewrite = Document("report", LIBRARY_REPORT), Document("rewrite", LIBRARY_REWRITE)
    # Only the opening sentences aligned: a sixth of either text, too thin for coverage.
    passage = Passage((0, 86), (0, 112), 0.62, "copy", "semantic")
    if rewrite_first:
        passage = Passage(passage.target, passage.source, passage.similarity, passage.kind, passage.method)
    pair = (rewrite, report) if rewrite_first else (report, rewrite)
    source, target, _, evidence = orient(*pair, [passage])
    assert (source.id, target.id) == ("report", "rewrite")
    assert evidence["by"] == "llm_style" and evidence["model"] == "llm_wording"


def test_english_only_models_do_not_orient_pairs_in_another_language() -> None:
    from newstrace.align import Passage
    from newstrace.lineage import orient
    from newstrace.model import Document

    report = Document("report", LIBRARY_REPORT, language="de")
    rewrite = Document("rewrite", LIBRARY_REWRITE, language="de")
    _, _, _, evidence = orient(report, rewrite, [Passage((0, 86), (0, 112), 0.62, "copy", "semantic")])
    assert evidence["by"] != "llm_style"


def test_wording_decides_by_contrast_whatever_the_level() -> None:
    from newstrace.lineage import _reads_model_written

    # A human text the wording model reads as somewhat model-like (a genre it knows less)
    # against its rewrite that reads as plainly model-written: far apart, so it decides.
    assert _reads_model_written(0.6, 0.95, stark=False)
    assert _reads_model_written(0.95, 0.6, stark=False)
    assert not _reads_model_written(0.6, 0.8, stark=False)
    # Scores either side of one half but close together tell nothing.
    assert not _reads_model_written(0.45, 0.55, stark=False)
    # Where the contrast must be stark it must be far starker.
    assert _reads_model_written(0.13, 0.995, stark=True)
    assert not _reads_model_written(0.3, 0.9, stark=True)


def test_style_markers_outside_the_aligned_text_do_not_orient_a_pair() -> None:
    from newstrace.align import Passage
    from newstrace.lineage import orient
    from newstrace.model import Document

    opening = ("The Velmora harbour reopened on Monday after a week of storm repairs. Forty "
               "trawlers left before dawn, and the fish market opened two hours late. ")
    column = ("Furthermore, the council has yet to publish its flood report. Moreover, the pier "
              "repairs ran over budget. Additionally, two crews are still waiting for grants. ")
    article = Document("article", opening + column * 3)
    excerpt = Document("excerpt", opening.strip())
    passage = Passage((0, len(opening.strip())), (0, len(opening.strip())), 1.0)
    for pair, p in (((article, excerpt), passage),
                    ((excerpt, article), Passage(passage.target, passage.source, 1.0))):
        source, target, _, evidence = orient(*pair, [p])
        assert (source.id, target.id) == ("article", "excerpt")
        assert evidence["by"] != "style"


def test_a_name_the_whole_corpus_mentions_does_not_join_stories() -> None:
    from collections import Counter

    import numpy as np

    from newstrace.stories import Story, entity_overlap, entity_weights

    story = Story("story-1", np.zeros(3))
    for members in (("velmora", "brandt", "keller"), ("velmora", "brandt"), ("velmora",)):
        story.add(f"d{len(story.members)}", np.ones(3), Counter(members), None)
    weights = entity_weights({"velmora": 90, "brandt": 2, "keller": 1, "olsen": 1}, documents=100)
    other_event = Counter({"velmora": 2, "olsen": 1})
    assert entity_overlap(other_event, story) == 2 / 3  # by mentions alone it would join
    assert entity_overlap(other_event, story, weights) < 0.15
    # Entities named by one member in three are not yet the story's.
    assert entity_overlap(Counter({"keller": 1}), story, weights) == 0.0
    assert entity_overlap(Counter({"brandt": 1}), story, weights) == 1.0


def test_reports_sharing_only_quotations_share_a_story() -> None:
    from collections import Counter

    import numpy as np

    from newstrace.stories import StoryInput, group

    vector = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    unrelated = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    first = StoryInput("a", vector, Counter({"brandt": 1}))
    quoting = StoryInput("b", unrelated, Counter(), quoting=("a",))
    alone = StoryInput("c", unrelated, Counter())
    _, membership = group([first, quoting, alone])
    assert membership["a"] == membership["b"] != membership["c"]


def test_wording_readings_are_stored_once_and_rescored_when_a_text_changes(tmp_path: Path,
                                                                          monkeypatch) -> None:
    from newstrace import style
    from newstrace.lineage import _log_odds, _wording_readings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {"a": body("bridge.txt"), "b": body("museum.txt")}
    (corpus / "docs.jsonl").write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()))
    scored: list[str] = []

    def counting(text: str) -> float:
        scored.append(text)
        return 0.25 if "Eastgate" in text else 0.75

    monkeypatch.setattr(style, "llm_wording_score", counting)
    with newstrace.open_store(tmp_path / "w.duckdb") as store:
        newstrace.ingest([corpus], store)
        first = _wording_readings(store, {"a", "b"})
        assert first == pytest.approx({"a": _log_odds(0.25), "b": _log_odds(0.75)})
        assert _wording_readings(store, {"a", "b"}) == first
        assert len(scored) == 2  # the second call read the stored readings
        texts["a"] = texts["a"] + " The council will publish its minutes on Friday."
        (corpus / "docs.jsonl").write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()))
        newstrace.ingest([corpus], store)
        assert _wording_readings(store, {"a", "b"}) == first
        assert len(scored) == 3 and "minutes on Friday" in scored[-1]  # only the changed text again


def test_a_link_on_one_light_passage_does_not_decide_origins() -> None:
    # The article reads far less model-written than its restylings, but it also shares a
    # quoted sentence with a long transcript (an isolated passage): that link neither takes
    # the article's origin status away nor is forced to run out of it.
    votes = [("src", "r1", "llm_style"), ("r2", "src", "style"), ("r1", "r2", "cuts"),
             ("talk", "src", "style")]
    assert consistent_reversals(votes, origins={"src"}) == {("r2", "src"), ("talk", "src")}
    assert consistent_reversals(votes, origins={"src"}, weak=[("src", "talk")]) == {("r2", "src")}


def test_isolated_passage_links_are_the_light_ones(tmp_path: Path) -> None:
    from newstrace.lineage import _isolated_passage_links

    with newstrace.open_store(tmp_path / "s.duckdb") as store:
        for source, target, score, length, similarity in [
                ("a", "b", 0.05, 150, 0.9),   # one sentence: 135 weighted characters
                ("c", "d", 0.05, 400, 0.9),   # a paragraph: a link on its own
                ("e", "f", 0.5, 150, 0.9)]:   # a large share of two short texts
            store.con.execute("INSERT INTO links (source, target, relation, score) VALUES (?, ?, 'derived', ?)",
                              [source, target, score])
            store.con.execute("INSERT INTO passages (source, target, source_start, source_end, target_start, "
                              "target_end, similarity, method, kind) VALUES (?, ?, 0, ?, 0, ?, ?, 'lexical', 'copy')",
                              [source, target, length, length, similarity])
        assert _isolated_passage_links(store, newstrace.Options(progress=False)) == [("a", "b")]


ARTICLE = (
    "The Harwick county council voted on Tuesday to close the old ferry landing at Milbrook. "
    "Engineers told councillors that the wooden pier had rotted beyond repair after two wet winters. "
    "The ferry will move to a temporary dock two miles north until a new landing is built. "
    "Local traders said the move would cut the number of visitors to the harbour market. "
    "The council expects the new landing to open in the spring of next year.")
SIBLING = (
    "On Tuesday, the Harwick county council voted to shut the old Milbrook ferry landing. "
    "According to engineers, two wet winters had left the wooden pier rotted past repair. "
    "Until a new landing is built, the ferry will operate from a temporary dock two miles north. "
    "Traders in the area said that fewer visitors would reach the harbour market as a result. "
    "The new landing is expected to open next spring, according to the council.")
SENSATIONAL = (
    "Shock in Milbrook! The Harwick council has slammed the door on the beloved old ferry landing. "
    "Engineers warned that the rotten wooden pier had been ruined by two brutal, soaking winters. "
    "It is a blow nobody saw coming. "
    "The ferry is being banished to a makeshift dock two miles up the coast while a new landing waits to be built. "
    "Furious traders fear the harbour market will lose its crowds of visitors. "
    "Can the town survive this? "
    "Officials insist the new landing will be ready by next spring.")


@contextmanager
def _store_read_as(tmp_path: Path, monkeypatch, texts: dict[str, str],  # type: ignore[no-untyped-def]
                   scores: dict[str, float]) -> Iterator:
    """A store of ``texts`` (id -> text) whose wording model scores are ``scores`` (text ->
    score; the test may change them)."""
    from newstrace import style

    monkeypatch.setattr(style, "llm_wording_score", lambda text: scores[text])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "docs.jsonl").write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()))
    with newstrace.open_store(tmp_path / "s.duckdb") as store:
        newstrace.ingest([corpus], store)
        yield store


def _fails(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise AssertionError("called")


def _insert_sibling_chain(store) -> None:  # type: ignore[no-untyped-def]
    """Links as analysis leaves a heavy restyling: aligned with its sibling, not with the article."""
    from newstrace.align import Passage
    from newstrace.candidates import Link, insert_links

    whole = {k: (0, len(store.document(k).text)) for k in ("article", "sibling", "sensational")}
    with store.transaction():
        insert_links(store, [Link(s, t, 0.7, "semantic", [Passage(whole[s], whole[t], 0.7, "rewrite", "semantic")],
                                  evidence={"direction": {"by": "llm_style"}}, described=False)
                             for s, t in [("article", "sibling"), ("sibling", "sensational")]])


def test_lineage_updates_reuse_terms_and_family_alignments_that_found_nothing(
        tmp_path: Path, monkeypatch) -> None:
    from newstrace import lineage

    texts = {"article": ARTICLE, "sibling": SIBLING, "sensational": SENSATIONAL}
    reading = {ARTICLE: 0.1, SIBLING: 0.8, SENSATIONAL: 0.85}
    with _store_read_as(tmp_path, monkeypatch, texts, reading) as store:
        _insert_sibling_chain(store)
        store.con.execute("INSERT INTO links SELECT 'article', 'sensational', * EXCLUDE (source, target) "
                          "FROM links WHERE source = 'sibling'")  # a second candidate parent
        monkeypatch.setattr(newstrace.align, "align_family_rewrite", lambda *a, **k: [])
        first = lineage.update_lineage(store, Options(progress=False))
        assert store.con.execute("SELECT count(*) FROM doc_terms").fetchone()[0] == 3
        store.con.execute("DELETE FROM links WHERE source = 'article' AND target = 'sensational'")
        assert lineage.update_lineage(store, Options(progress=False)).family_links == 0
        assert store.con.execute("SELECT * FROM family_tried").fetchall() == [("article", "sensational")]
        # neither the terms nor the family pair is worked out again
        monkeypatch.setattr(newstrace.align, "align_family_rewrite", _fails)
        monkeypatch.setattr(lineage, "specific_terms", _fails)
        store.con.execute("INSERT INTO links SELECT 'article', 'sensational', * EXCLUDE (source, target) "
                          "FROM links WHERE source = 'sibling'")
        assert lineage.update_lineage(store, Options(progress=False)) == first
        store.con.execute("DELETE FROM links WHERE source = 'article' AND target = 'sensational'")
        assert lineage.update_lineage(store, Options(progress=False)).family_links == 0
        # A document read anew has its terms found again, and its family pairs tried again.
        store.con.execute("UPDATE documents SET content_hash = 'changed' WHERE id = 'sensational'")
        with pytest.raises(AssertionError, match="called"):
            lineage._stored_terms(store, ["article", "sensational"])
        monkeypatch.setattr(lineage, "specific_terms", lambda text: frozenset())
        newstrace.analyze(store, Options(progress=False))
        assert store.con.execute("SELECT count(*) FROM family_tried WHERE target = 'sensational'").fetchone()[0] == 0


@pytest.mark.parametrize("sibling_reading, linked", [(0.8, True), (0.3, False)])
def test_a_rewrite_linked_only_to_its_sibling_is_aligned_with_the_article(
        tmp_path: Path, monkeypatch, sibling_reading: float, linked: bool) -> None:
    from newstrace.lineage import update_lineage

    texts = {"article": ARTICLE, "sibling": SIBLING, "sensational": SENSATIONAL}
    reading = {ARTICLE: 0.1, SIBLING: sibling_reading, SENSATIONAL: 0.85}  # wording model scores
    with _store_read_as(tmp_path, monkeypatch, texts, reading) as store:
        _insert_sibling_chain(store)
        update = update_lineage(store, Options(progress=False))
        assert update.family_links == int(linked)
        found = {(link["source"], link["target"]): link for link in newstrace.export_data(store)["links"]}
        parents = parents_of(store)
        if linked:
            # made again from the links kept aside, not aligned again, and not counted as new
            monkeypatch.setattr(newstrace.align, "align_family_rewrite", _fails)
            assert update_lineage(store, Options(progress=False)).family_links == 0
            assert found["article", "sensational"] == next(
                link for link in newstrace.export_data(store)["links"]
                if (link["source"], link["target"]) == ("article", "sensational"))
            assert parents_of(store) == parents
            # The sibling now reads human (its text rescored): the family link goes.
            reading[SIBLING] = 0.3
            store.con.execute("DELETE FROM doc_wording")
            assert update_lineage(store, Options(progress=False)).family_links == 0
            assert parents_of(store) == {("article", "sibling"), ("sibling", "sensational")}
            assert ("article", "sensational") not in {
                (link["source"], link["target"]) for link in newstrace.export_data(store)["links"]}
    if linked:
        family = found["article", "sensational"]
        assert family["evidence"]["direction"] == {"by": "family", "through": "sibling"}
        assert family["passages"][0]["similarity"] >= 0.5 and family["transformation"]
        assert parents == {("article", "sibling"), ("article", "sensational")}
    else:  # the sibling reads human: its changes may be its own, shared by its copy
        assert ("article", "sensational") not in found
        assert parents == {("article", "sibling"), ("sibling", "sensational")}


@pytest.mark.parametrize("at_opening", [True, False])
def test_a_short_text_all_found_in_a_long_one_is_its_excerpt_only_from_its_opening(at_opening: bool) -> None:
    from newstrace.align import Passage
    from newstrace.lineage import orient
    from newstrace.model import Document

    lead = body("bridge.txt")[:600]
    rest = body("museum.txt") + "\n\n" + body("rail-strike.txt")
    long_text = lead + "\n\n" + rest if at_opening else rest + "\n\n" + lead
    start = long_text.index(lead)
    short, long = Document("short", lead), Document("long", long_text)
    passage = Passage((0, len(lead)), (start, start + len(lead)), 1.0)
    for pair, passages in [((short, long), [passage]), ((long, short), [passage.reversed()])]:
        source, target, _, evidence = orient(*pair, passages)
        assert evidence["by"] == "coverage"
        # its lead taken: an excerpt of the long text; from inside it: put into the long text
        assert (source.id, target.id) == (("long", "short") if at_opening else ("short", "long"))


@pytest.mark.parametrize("copy_reading, together", [(0.85, True), (0.3, False)])
def test_a_model_rewrite_joins_its_parents_story_whatever_text_it_adds(
        tmp_path: Path, monkeypatch, copy_reading: float, together: bool) -> None:
    from newstrace.align import Passage
    from newstrace.candidates import Link, insert_links
    from newstrace.lineage import update_lineage
    from newstrace.stories import update_stories

    texts = {"article": ARTICLE, "sensational": SENSATIONAL}
    reading = {ARTICLE: 0.1, SENSATIONAL: copy_reading}  # wording model scores
    with _store_read_as(tmp_path, monkeypatch, texts, reading) as store:
        # one sentence of the copy aligned: far under a share that decides a story by itself
        with store.transaction():
            insert_links(store, [Link("article", "sensational", 0.3, "semantic",
                                      [Passage((0, 60), (0, 60), 0.7, "rewrite", "semantic")],
                                      evidence={"direction": {"by": "llm_style"}}, described=False)])
        update_lineage(store, Options(progress=False))
        assert parents_of(store) == {("article", "sensational")}
        update_stories(store, list(texts))  # no vectors stored: nothing else brings them together
        stories = dict(store.con.execute("SELECT doc_id, story_id FROM story_members").fetchall())
    assert (stories["article"] == stories["sensational"]) is together


def test_human_origins_count_only_where_the_corpus_shows_the_wording_model_agrees() -> None:
    from newstrace.lineage import wording_evidence

    # Dated pairs anchor the check. In an LLM-rewrite corpus the earlier text reads human;
    # where people rewrote the texts (PAN13's obfuscations) the copy may read the more human.
    def corpus(copies_read_model_written: bool) -> tuple[list, dict]:
        votes, readings = [], {}
        for i in range(40):
            votes.append((f"s{i}", f"t{i}", "published"))
            human, model = -2.0, 1.0
            readings[f"s{i}"], readings[f"t{i}"] = (human, model) if copies_read_model_written else (model, human)
        # an undated pair whose coverage put the article downstream of its rewrite
        votes.append(("rewrite", "article", "coverage"))
        readings.update(article=-3.0, rewrite=1.0)
        return votes, readings

    votes, readings = corpus(copies_read_model_written=True)
    counted = [(s, t) for s, t, _ in votes]
    accuracy, extra, origins = wording_evidence(votes, readings, counted)
    assert accuracy is not None and "article" in origins
    assert ("rewrite", "article") in consistent_reversals(votes, origins=origins, readings=readings)
    votes, readings = corpus(copies_read_model_written=False)
    assert wording_evidence(votes, readings, counted) == (None, [], set())
    assert consistent_reversals(votes, readings=readings) == set()


def test_a_rewrite_keeping_a_strict_part_of_its_sources_figures_comes_second() -> None:
    from newstrace.lineage import figure_votes
    from newstrace.style import figures

    assert figures("In 2019 it cost $1,200, or 3.5 times the 1200 of 2010.") == {"2019", "1200", "35", "2010"}
    figures_of = {"article": frozenset({"2019", "1200", "35"}), "summary": frozenset({"2019"}),
                  "same": frozenset({"2019", "1200", "35"}), "other": frozenset({"2019", "7"})}
    # (a, b, share of a aligned, share of b aligned)
    pairs = [("summary", "article", 0.95, 0.3),  # the summary is all the article's text
             ("article", "same", 1.0, 1.0),  # the same figures: no vote
             ("article", "other", 0.9, 0.9),  # figures on both sides the other lacks
             ("summary", "other", 0.5, 0.9)]  # a strict part, but not mostly aligned
    assert figure_votes(pairs, figures_of) == [("article", "summary", "figures")]
    # Weighed, the vote turns a summary that coverage put upstream of its article.
    votes = [("summary", "article", "coverage"), ("article", "r", "cuts"), ("summary", "r", "coverage")]
    extra = figure_votes(pairs[:1], figures_of)
    assert consistent_reversals(votes) == set()
    assert consistent_reversals(votes, extra=extra) == {("summary", "article")}


def test_figure_votes_come_from_the_stored_links_mostly_aligned_on_one_side(tmp_path: Path) -> None:
    from newstrace.align import Passage
    from newstrace.candidates import Link, insert_links
    from newstrace.lineage import _figure_votes

    article = "The council spent 4,500 dollars in 2021 on 12 new benches. " * 3
    texts = {"article": article, "summary": "The council spent 4,500 dollars on benches.",
             "aside": "Benches cost 4,500 dollars, the council said, in a long text about parks. " * 4}
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "docs.jsonl").write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()))
    with newstrace.open_store(tmp_path / "c.duckdb") as store:
        newstrace.ingest([corpus], store)
        length = {d.id: len(d.text) for d in store.documents()}
        with store.transaction():
            insert_links(store, [
                Link("summary", "article", 0.5, "lexical",
                     [Passage((0, length["summary"]), (0, 60), 0.7)], evidence={"direction": {"by": "coverage"}}),
                # "aside" has fewer figures but only a sentence of it is aligned: no vote
                Link("article", "aside", 0.2, "lexical",
                     [Passage((0, 60), (0, 40), 0.5)], evidence={"direction": {"by": "coverage"}})])
        assert _figure_votes(store) == [("article", "summary", "figures")]


def test_wording_trust_is_withheld_where_the_group_contradicts_it() -> None:
    """A group whose copies people reworked (the pairs' coverage puts the text that reads
    more model-written upstream, eight times of eight) gets no wording votes, whatever
    trust the corpus's language-model rewrites earned elsewhere; a group where the two
    disagree once or twice is not judged on so little; a weak link does not join them."""
    readings = {f"web{i}": 1.0 for i in range(8)} | {f"essay{i}": -1.0 for i in range(8)}
    readings |= {"article": -2.0, "calm": 1.5, "loud": 3.0, "plain": -0.5}
    people = [(f"web{i}", f"essay{i}", "coverage") for i in range(8)]
    people += [(f"web{i}", f"web{i + 1}", "cuts") for i in range(7)]  # one group
    models = [("article", "calm", "coverage"), ("loud", "article", "coverage"), ("calm", "plain", "cuts")]
    doubted = contradicted_groups(people + models, readings, weak=[("web0", "article")])
    assert doubted == {d for s, t, _ in people for d in (s, t)}
    joined = contradicted_groups([*people, *models, ("web0", "article", "coverage")], readings)
    assert {"article", "calm", "loud", "plain"} <= joined
    # the same pairs decided by the wording model itself are not checked against it
    assert contradicted_groups([(s, t, "llm_wording") for s, t, _ in people], readings) == set()


def test_the_wording_model_brings_nothing_to_a_group_that_contradicts_it() -> None:
    """``wording_evidence`` gathers all the wording model brings (its votes, the figure
    votes that share its trust, human origins) and withholds all of it from a contradicted
    group, while a group of language-model rewrites keeps it."""
    from newstrace.lineage import wording_evidence

    readings = {f"s{i}": -2.0 for i in range(40)} | {f"t{i}": 1.0 for i in range(40)}
    anchors = [(f"s{i}", f"t{i}", "published") for i in range(40)]
    readings |= {f"web{i}": 1.0 for i in range(8)} | {f"essay{i}": -1.0 for i in range(8)}
    people = [(f"web{i}", f"essay{i}", "coverage") for i in range(8)]
    people += [(f"web{i}", f"web{i + 1}", "cuts") for i in range(7)]
    readings |= {"article": -3.0, "rewrite": 1.0}
    models = [("rewrite", "article", "coverage")]
    votes = anchors + people + models
    counted = [(s, t) for s, t, _ in votes]
    accuracy, extra, origins = wording_evidence(
        votes, readings, counted, figures=lambda: [("essay0", "web0", "figures"), ("article", "rewrite", "figures")])
    inside = {d for s, t, _ in people for d in (s, t)}
    assert accuracy is not None
    assert ("article", "rewrite", "wording") in extra and ("article", "rewrite", "figures") in extra
    assert not [vote for vote in extra if inside & set(vote[:2])]
    assert "article" in origins and not origins & inside
