from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from newstrace.cli import cli
from newstrace.copies import spin
from newstrace.evaluate import Feature, detection_xml, pan_measures, read_features

from .conftest import DEMO


def case(this: tuple[int, int], source: tuple[int, int], ref: str = "s.txt") -> Feature:
    return Feature("d.txt", this[0], this[1] - this[0], ref, source[0], source[1] - source[0])


def test_measures_perfect_partial_and_fragmented() -> None:
    truth = [case((100, 300), (0, 200))]
    perfect = pan_measures(truth, [case((100, 300), (0, 200))])
    assert (perfect.precision, perfect.recall, perfect.granularity, perfect.plagdet) == (1, 1, 1, 1)
    half = pan_measures(truth, [case((100, 200), (0, 100))])
    assert half.recall == 0.5 and half.precision == 1.0
    split = pan_measures(truth, [case((100, 200), (0, 100)), case((200, 300), (100, 200))])
    assert split.recall == 1.0 and split.granularity == 2.0
    assert math.isclose(split.plagdet, 1 / math.log2(3))
    wrong_source = pan_measures(truth, [case((100, 300), (0, 200), ref="other.txt")])
    assert wrong_source.recall == 0.0 and wrong_source.precision == 0.0
    assert pan_measures([], []).plagdet == 1.0
    assert pan_measures([], [case((0, 10), (0, 10))]).plagdet == 0.0


def test_xml_round_trip() -> None:
    features = [Feature("suspicious-document00001.txt", 5, 10, "source-document00002.txt", 7, 12, "random")]
    xml = detection_xml("suspicious-document00001.txt", "source-document00002.txt", features)
    path = Path(__file__).parent / "_tmp.xml"
    try:
        path.write_text(xml)
        assert read_features(path) == features
    finally:
        path.unlink()


def test_pan_cli_on_a_project_made_corpus(tmp_path: Path) -> None:
    """A tiny PAN-style corpus from the demo stories: a verbatim and a spun case."""
    bridge = (DEMO / "bridge.txt").read_text().split("\n\n", 1)[1]
    rail = (DEMO / "rail-strike.txt").read_text().split("\n\n", 1)[1]
    museum = (DEMO / "museum.txt").read_text().split("\n\n", 1)[1]
    src, susp, truth, out = (tmp_path / n for n in ("src", "susp", "truth", "out"))
    for folder in (src, susp, truth / "02-no-obfuscation", truth / "03-random-obfuscation"):
        folder.mkdir(parents=True)
    (src / "source-document00001.txt").write_text(bridge)
    (src / "source-document00002.txt").write_text(rail)
    spun = spin(rail, rate=0.9, seed=2, debris=0.0)
    (susp / "suspicious-document00001.txt").write_text(museum + "\n\n" + bridge + "\n\n" + museum)
    (susp / "suspicious-document00002.txt").write_text(museum + "\n\n" + spun)
    start1 = len(museum) + 2
    start2 = len(museum) + 2
    cases = {
        ("02-no-obfuscation", "suspicious-document00001.txt", "source-document00001.txt"):
            (start1, len(bridge), 0, len(bridge), "none"),
        ("03-random-obfuscation", "suspicious-document00002.txt", "source-document00002.txt"):
            (start2, len(spun), 0, len(rail), "random"),
    }
    lines = []
    for (category, s, r), (to, tl, so, sl, obf) in cases.items():
        name = f"{Path(s).stem}-{Path(r).stem}.xml"
        (truth / category / name).write_text(
            f'<document reference="{s}"><feature name="plagiarism" obfuscation="{obf}" '
            f'this_offset="{to}" this_length="{tl}" source_reference="{r}" '
            f'source_offset="{so}" source_length="{sl}"/></document>')
        lines.append(f"{s} {r}")
    (tmp_path / "pairs").write_text("\n".join(lines) + "\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["pan", "detect", "--pairs", str(tmp_path / "pairs"), "--src", str(src),
                                 "--susp", str(susp), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "suspicious-document00001-source-document00001.xml",
        "suspicious-document00002-source-document00002.xml"]
    detected = read_features(out / "suspicious-document00001-source-document00001.xml")
    assert detected and detected[0].obfuscation == "none"
    result = runner.invoke(cli, ["pan", "eval", "--truth", str(truth), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    import json

    scores = json.loads(result.stdout)
    assert scores["02-no-obfuscation"]["plagdet"] > 0.95
    assert scores["03-random-obfuscation"]["recall"] > 0.8
    assert scores["entire"]["precision"] > 0.9


def test_a_pair_reports_its_own_kind_of_passage_and_no_faint_summary_alignment() -> None:
    from newstrace.align import Passage
    from newstrace.evaluate import pair_detections

    main = Passage((0, 900), (0, 880), 0.8)
    faint_summary = Passage((1000, 1600), (2000, 2300), 0.3, "summary")
    firm_summary = Passage((3000, 3600), (4000, 4300), 0.5, "summary")
    weak_odd_one = Passage((5000, 5300), (6000, 6300), 0.5)
    strong_odd_one = Passage((7000, 7300), (8000, 8300), 0.7)
    passages = [main, faint_summary, firm_summary, weak_odd_one, strong_odd_one]
    names = ["random", "random", "random", "none", "none"]
    kept = pair_detections(passages, names)
    assert [p for p, _ in kept] == [main, firm_summary, strong_odd_one]
    assert [n for _, n in kept] == ["random", "random", "none"]


def test_the_evaluation_gate_fails_a_run_whose_figure_crosses_its_pin(capsys: pytest.CaptureFixture[str]) -> None:
    """``make eval`` fails when a benchmark's figure falls under its floor or over its
    ceiling (benchmarks/_common.py GATE), and judges nothing under non-default options."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "_common.py"
    spec = importlib.util.spec_from_file_location("bench_common", path)
    assert spec is not None and spec.loader is not None
    common = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(common)
    floor, ceiling = common.GATE["basil.stories_ari"][1], common.GATE["basil.links_between_outlets"][1]
    common.measured("basil.stories_ari", floor)
    common.measured("basil.links_between_outlets", ceiling)
    assert common.gate() == 0
    common.measured("basil.links_between_outlets", ceiling + 1)
    assert common.gate(applies=False) == 0
    assert common.gate() == 1
    assert "FAILED" in capsys.readouterr().out
    with pytest.raises(KeyError):
        common.measured("basil.no_such_figure", 1.0)
