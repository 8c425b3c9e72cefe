from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newstrace.align import Passage
from newstrace.claims import diff_claims, extract_claims, outlet_names, source_credit
from newstrace.cli import cli
from newstrace.framing import compare_framing
from newstrace.plant import PLANTERS

from .conftest import DEMO

BRIDGE = (DEMO / "bridge.txt").read_text().split("\n\n", 1)[1]


def test_claims_have_spans_values_units_and_speakers() -> None:
    claims = extract_claims(BRIDGE)
    for claim in claims:
        assert BRIDGE[claim.span[0]:claim.span[1]] == claim.text
    numbers = {(c.value, c.unit) for c in claims if c.kind == "number"}
    assert ("41000", "vehicl") in numbers and ("14200000", "dollar") in numbers
    quotes = [c for c in claims if c.kind == "quote"]
    assert quotes[0].speaker == "Mayor Tomas Reyes"
    assert quotes[1].speaker == "Mayor Tomas Reyes"  # the continuation of his words
    assert any(c.kind == "attribution" and "report" in (c.speaker or "") for c in claims)
    assert not any(c.kind == "number" and c.value == "2025" for c in claims)


def test_a_quote_s_speaker_is_found_by_any_speech_verb() -> None:
    text = 'Asked about the delay, Mayor Tomas Reyes replied: "The steel arrived late."'
    quotes = [c for c in extract_claims(text) if c.kind == "quote"]
    assert [q.speaker for q in quotes] == ["Mayor Tomas Reyes"]


def test_a_capital_after_a_sentence_s_end_opens_a_sentence() -> None:
    from newstrace.normalize import opens_sentence

    text = 'He left. Time passed. "We won." Sun rose over the Times building.'
    assert opens_sentence(text, 0)
    assert opens_sentence(text, text.index("Time"))
    assert opens_sentence(text, text.index("Sun"))  # after a quote that ended its sentence
    assert not opens_sentence(text, text.index("Times"))


def test_claims_read_once_per_text_are_handed_out_as_fresh_lists() -> None:
    from newstrace.normalize import segment

    first = extract_claims(BRIDGE)
    first.clear()  # a caller's list is its own: the text's kept claims are untouched
    again = extract_claims(BRIDGE)
    assert again and again == extract_claims(BRIDGE, segment(BRIDGE)[1])


def test_an_unchanged_copy_keeps_every_claim() -> None:
    diff = diff_claims(BRIDGE, BRIDGE)
    assert diff.counts()["altered"] == diff.counts()["dropped"] == diff.counts()["added"] == 0
    assert diff.distortion() == 0.0


@pytest.mark.parametrize("name", sorted(PLANTERS))
def test_each_planted_change_is_found_and_classified(name: str) -> None:
    planted = PLANTERS[name](BRIDGE)
    assert planted is not None
    changes = [c for c in diff_claims(BRIDGE, planted.text).changes if c.status != "kept"]
    assert changes, name
    if planted.detail == "invented":
        assert any(c.status == "added" and c.kind == "statement" and not c.editorial for c in changes)
    elif planted.detail == "speaker":
        assert any(c.kind == "quote" and c.note == "quote put into another's mouth" for c in changes)
    elif planted.detail == "speaker removed":
        assert any(c.kind == "quote" and c.note == "speaker removed" for c in changes)
    elif planted.detail == "negation":
        assert [c.changed for c in changes] == [["negation"]]
    else:
        (change,) = changes
        assert (change.kind, change.status, change.changed) == ("number", "altered", ["value"])
        assert change.source.value != change.copy.value
    assert diff_claims(BRIDGE, planted.text).distortion() > 0


def test_editorial_additions_are_marked() -> None:
    copy = BRIDGE + " This shameful episode serves as a reminder that we must demand better leaders."
    added = [c for c in diff_claims(BRIDGE, copy).changes if c.status == "added"]
    assert added and all(c.editorial for c in added)


def test_a_long_document_that_took_one_paragraph_is_compared_where_it_took_it() -> None:
    from newstrace.align import align_texts
    from newstrace.claims import diff_linked

    taken = BRIDGE.split("\n\n")[0]
    # a digest four times the bridge report's length, one paragraph of it taken from it
    others = [(DEMO / name).read_text().split("\n\n", 1)[1]
              for name in ("museum.txt", "rail-strike.txt", "veloria-independent.txt", "veloria-llm.txt")]
    host = "\n\n".join([others[0], taken, *others[1:]])
    passages = align_texts(BRIDGE, host, min_chars=100)
    assert passages and all(p.target[0] >= len(others[0]) for p in passages)
    whole = [c for c in diff_claims(BRIDGE, host).changes if c.status == "added"]
    linked = diff_linked(BRIDGE, host, passages).changes
    # the digest's other stories' claims are not "added" to the bridge report
    assert any(c.copy.span[1] <= len(others[0]) for c in whole)
    assert not any(c.status == "added" for c in linked)
    assert any(c.status == "kept" for c in linked)
    # a copy mostly made of the source is compared whole: its added paragraph counts
    copy = BRIDGE + "\n\nThe mayor, who earns 140,000 euros a year, has said nothing since."
    compared = diff_linked(BRIDGE, copy, align_texts(BRIDGE, copy, min_chars=100)).as_dict()
    assert compared == diff_claims(BRIDGE, copy).as_dict()
    assert any(c["status"] == "added" and "140,000" in c["copy"]["text"] for c in compared["changes"])


def test_framing_flags_emotional_restyling_not_a_faithful_copy() -> None:
    calm = compare_framing(BRIDGE, BRIDGE)
    assert not calm.slanted and calm.slant == 0.0
    loud = BRIDGE.replace("voted 7 to 2", "shockingly voted 7 to 2 in a chaotic, outrageous session!") + \
        " Furious residents slammed the disastrous decision as a betrayal!"
    framing = compare_framing(BRIDGE, loud)
    assert framing.slanted and framing.emphasis_added > 1.0


def test_diff_cli(tmp_path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    planted = PLANTERS["number"](BRIDGE)
    (corpus / "a.jsonl").write_text(json.dumps({"id": "src", "text": BRIDGE}) + "\n"
                                    + json.dumps({"id": "copy", "text": planted.text}) + "\n")
    db = str(tmp_path / "d.duckdb")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(corpus), "--db", db, "--quiet"]).exit_code == 0
    result = runner.invoke(cli, ["diff", "src", "copy", "--db", db, "--json"])
    data = json.loads(result.stdout)
    assert data["claims"]["counts"]["altered"] == 1
    text = runner.invoke(cli, ["diff", "src", "copy", "--db", db])
    assert "altered" in text.stdout and "38" in text.stdout and "77" in text.stdout


def test_outlet_names_from_the_source_and_its_host() -> None:
    assert outlet_names("halden-herald.example", None) == ["halden herald", "halden-herald"]
    assert outlet_names("The Meridian Times", "https://www.meridian-times.example/a") == \
        ["Meridian Times", "meridian-times"]
    assert outlet_names(None, "http://news.nordpost.co.uk/story") == ["nordpost"]
    assert outlet_names("AP", None) == [] and outlet_names(None, None) == []


def test_a_copy_credits_its_source_only_in_words_of_its_own() -> None:
    names = outlet_names("halden-herald.example", None)
    passage = Passage((0, len(BRIDGE)), (0, len(BRIDGE)), 1.0)
    credited = BRIDGE + " The Halden Herald first reported the closure."
    found = source_credit(names, ["clickmill"], BRIDGE, credited, [passage])
    assert found == {"outlet": "halden herald", "credited": True, "mention": "Halden Herald"}
    assert source_credit(names, ["clickmill"], BRIDGE, BRIDGE, [passage]) == \
        {"outlet": "halden herald", "credited": False}
    # a source naming itself ("Halden Herald reporters") is copied with it, not credited
    naming_itself = "Halden Herald reporters counted the trucks. " + BRIDGE
    copied = Passage((0, len(naming_itself)), (0, len(naming_itself)), 1.0)
    assert source_credit(names, [], naming_itself, naming_itself, [copied])["credited"] is False
    # the outlet republishing its own text, or an outlet nobody named: nothing to say
    assert source_credit(names, ["halden-herald"], BRIDGE, credited, [passage]) is None
    assert source_credit([], ["clickmill"], BRIDGE, credited, [passage]) is None


def test_lineage_says_which_copies_credit_their_source(tmp_path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    records = [{"id": "src", "source": "halden-herald.example", "published": "2025-03-04", "text": BRIDGE},
               {"id": "credited", "source": "clickmill.example", "published": "2025-03-05",
                "text": "As the Halden Herald reported on Tuesday: " + BRIDGE},
               {"id": "lifted", "source": "newsfarm.example", "published": "2025-03-06", "text": BRIDGE}]
    (corpus / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    db = str(tmp_path / "d.duckdb")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(corpus), "--db", db, "--quiet"]).exit_code == 0
    assert runner.invoke(cli, ["analyze", "--db", db, "--quiet"]).exit_code == 0
    data = json.loads(runner.invoke(cli, ["export", "--db", db, "--format", "json"]).stdout)
    credit = {(link["source"], link["target"]): link["evidence"].get("credit") for link in data["links"]}
    assert credit["src", "credited"]["credited"] is True
    assert credit["src", "lifted"]["credited"] is False
    text = runner.invoke(cli, ["lineage", "src", "--db", db]).stdout
    assert "credits halden herald" in text and "does not name halden herald" in text


def test_an_outlet_named_by_a_common_word_is_credited_only_as_a_name() -> None:
    names = outlet_names("time.example", None)
    passage = Passage((0, 40), (0, 40), 1.0)
    plain = BRIDGE + " It is time to act. Time will tell."
    assert source_credit(names, [], BRIDGE, plain, [passage])["credited"] is False
    named = BRIDGE + " The closure was first reported by Time on Monday."
    assert source_credit(names, [], BRIDGE, named, [passage])["mention"] == "Time"
