from __future__ import annotations

import pytest

import newstrace
import newstrace.candidates as candidates
from newstrace import Options
from newstrace.copies import excerpt, spin
from newstrace.ingest import RawRecord, build_document
from newstrace.transform import source_blind_signals, substitutions

from .conftest import DEMO


def doc(doc_id: str, text: str):
    return build_document(RawRecord(doc_id, "test", doc_id, {"text": text}), Options())


def body(name: str) -> str:
    return (DEMO / name).read_text().split("\n\n", 1)[1]


def labels_of(link) -> dict[str, dict]:
    return {item["label"]: item for item in link.transformation}


def test_spun_copy_gets_a_substitution_table() -> None:
    original = body("bridge.txt")
    spun = spin(original, rate=0.8, seed=5, debris=0.0)
    link = candidates.verify_pair(doc("a", original), doc("b", spun), Options(semantic=False))
    assert link is not None
    labels = labels_of(link)
    assert "spun" in labels, labels
    table = labels["spun"]["evidence"]["substitutions"]
    assert any(r["source"] == "council" and r["copy"] in ("board", "committee") for r in table)


def test_demonym_corruption_is_flagged_as_a_name() -> None:
    rows, _ = substitutions("Talks between Armenian and Azerbaijani officials resumed.",
                            "Talks between Iranian and Iranian officials resumed.")
    assert [(r["source"], r["copy"], r["kind"]) for r in rows] == [
        ("Armenian", "Iranian", "name"), ("Azerbaijani", "Iranian", "name")]


def test_excerpt_says_what_was_cut() -> None:
    original = body("rail-strike.txt")
    cut = excerpt(original, keep=0.5, seed=2)
    link = candidates.verify_pair(doc("src", original), doc("cut", cut), Options(semantic=False))
    labels = labels_of(link)
    assert "verbatim" in labels and "excerpt" in labels
    cut_spans = labels["excerpt"]["evidence"]["cut"]
    assert cut_spans and all(0 <= s < e <= len(original) for s, e in cut_spans)


@pytest.fixture
def veloria_pair():
    from newstrace.ingest import read_file

    record = next(iter(read_file(DEMO / "veloria.html", "veloria.html", Options())))
    return build_document(record, Options()), doc("llm", body("veloria-llm.txt"))


def test_llm_rewrite_is_labelled_with_style_markers(veloria_pair) -> None:
    source, rewrite = veloria_pair
    link = candidates.verify_pair(source, rewrite, Options(semantic=False))
    labels = labels_of(link)
    assert "llm_rewrite" in labels and "spun" not in labels
    evidence = labels["llm_rewrite"]["evidence"]
    assert "for generations to come" in evidence["style_markers"]
    assert evidence["wording_copy"] >= 0.9 and evidence["wording_source"] < 0.5
    assert evidence["model_wording"]


def test_source_blind_signals() -> None:
    spun = doc("x", spin(body("bridge.txt"), rate=0.8, seed=1, debris=0.6))
    assert [s["label"] for s in source_blind_signals(spun)] == ["spun"]
    assert source_blind_signals(doc("y", body("rail-strike.txt"))) == []
    llm = source_blind_signals(doc("z", body("veloria-llm.txt")))
    assert [s["label"] for s in llm] == ["llm_rewrite"]
    # the wording model's evidence: terms a reader can check, not commas and "the"
    terms = llm[0]["evidence"]["model_wording"]
    assert terms and all(any(c.isalpha() for c in t) for t in terms)
    assert {"moreover", "notably"} & set(terms)


def test_parallel_verification_matches_in_process(tmp_path, monkeypatch) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("bridge.txt", "newsfarm-bridge.txt", "clickmill-bridge.txt", "museum.txt"):
        (corpus / name).write_text((DEMO / name).read_text())
    results = []
    for workers, minimum in ((1, 64), (2, 0)):
        monkeypatch.setattr(candidates, "POOL_MIN_TASKS", minimum)
        with newstrace.open_store(tmp_path / f"w{workers}.duckdb") as store:
            newstrace.ingest([corpus], store)
            newstrace.analyze(store, Options(progress=False, semantic=False, workers=workers))
            results.append(newstrace.export_data(store)["links"])
    assert results[0] == results[1] and len(results[0]) == 3


def test_pan_obfuscation_names_verbatim_and_spun_passages() -> None:
    from newstrace.align import align_texts
    from newstrace.transform import pan_obfuscations

    source = body("bridge.txt")
    filler = "A note on the weekend weather and the allotment gardens pads this page. " * 5
    for copy, expected in ((source[:900], "none"),
                           (spin(source[:900], rate=0.8, seed=5, debris=0.0), "random")):
        target = filler + copy + filler
        passages = align_texts(source, target, min_chars=150)
        assert passages
        assert pan_obfuscations(passages, source, target) == [expected] * len(passages)


def test_softmax_model_checks_its_features() -> None:
    from newstrace.style import load_softmax_model
    from newstrace.transform import OBFUSCATION_FEATURES

    model = load_softmax_model("pan_obfuscation")
    assert set(model.classes) == {"none", "random", "translation", "summary"}
    probabilities = model.require(OBFUSCATION_FEATURES).probabilities(list(model.mean))
    assert abs(sum(probabilities.values()) - 1) < 1e-9
    with pytest.raises(ValueError, match="other features"):
        model.require(OBFUSCATION_FEATURES[:-1])


def test_substitutions_say_how_rare_the_new_word_is() -> None:
    rows, _ = substitutions("He did not want to face the press.",
                            "He did not want to countenance the press.")
    assert [(r["source"], r["copy"]) for r in rows] == [("face", "countenance")]
    assert rows[0]["copy_zipf"] < rows[0]["source_zipf"] - 1


def test_common_word_swaps_are_a_polish_not_spin() -> None:
    original = body("bridge.txt")
    # Replacements about as common as the words they replace, as a model polishing picks.
    swaps = {" city ": " town ", " found ": " saw ", " paid ": " covered ", " kept ": " left ",
             " lose ": " miss ", " add ": " offer ", " follow ": " track ", " approve ": " confirm ",
             " final ": " last ", " report ": " study ", " cross ": " use ", " urgent ": " serious ",
             " every ": " each ", " plan ": " idea ", " free ": " open "}
    polished = original
    for old, new in swaps.items():
        polished = polished.replace(old, new)
    link = candidates.verify_pair(doc("a", original), doc("b", polished), Options(semantic=False))
    labels = labels_of(link)
    rows, compared = substitutions(original, polished, limit=0)
    assert len(rows) / compared >= 0.06  # as many swaps as a spinner makes
    assert "spun" not in labels, labels
    spun = spin(original, rate=0.8, seed=5, debris=0.0)
    spun_link = candidates.verify_pair(doc("a", original), doc("c", spun), Options(semantic=False))
    assert labels_of(spun_link)["spun"]["evidence"]["replacements_rarer_by"] >= 0.4


def test_wording_model_reads_the_llm_rewrite_as_model_written(veloria_pair) -> None:
    from newstrace.style import llm_wording_score, load_wording_model

    source, rewrite = veloria_pair
    assert llm_wording_score(rewrite.text) > 0.5 > llm_wording_score(source.text)
    model = load_wording_model("llm_wording")
    again = type(model).from_json(model.to_json())
    assert abs(again.score(rewrite.text) - model.score(rewrite.text)) < 1e-4
    with pytest.raises(ValueError, match="differ in length"):
        type(model)({"a": 0}, (1.0,), (), 0.0)



def test_changed_terms_name_new_words_new_pairs_and_dropped_words() -> None:
    from newstrace.transform import changed_terms

    terms = changed_terms("The council approved the new bridge on Monday.",
                          "The council backed the new bridge Monday.")
    assert "backed" in terms and "-approved" in terms and "-on" in terms
    assert "council_backed" in terms and "bridge_monday" in terms
    assert "council" not in terms and "new_bridge" not in terms


def test_terms_model_reproduces_scikit_learn_and_survives_json() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from newstrace.style import TermsModel

    docs = [["a", "b", "b"], ["b", "c"], ["c", "d", "d", "a"], ["d", "e"], ["a", "e", "e"], ["b", "d"]]
    labels = ["x", "y", "z", "x", "y", "z"]
    pipeline = make_pipeline(TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True),
                             LogisticRegression(C=10.0, max_iter=1000)).fit(docs, labels)
    model = TermsModel.from_json(TermsModel.from_fitted(pipeline, "test").to_json())
    for doc, expected in zip(docs, pipeline.predict_proba(docs), strict=True):
        got = model.probabilities(doc)
        assert max(abs(got[c] - float(v)) for c, v in zip(("x", "y", "z"), expected, strict=True)) < 1e-3


def test_shipped_changed_words_model_knows_pan_obfuscations() -> None:
    from newstrace.style import load_terms_model
    from newstrace.transform import OBFUSCATIONS

    model = load_terms_model("pan_changed_words")
    assert model.classes == OBFUSCATIONS
    assert len(model.vocabulary) > 1000


def test_a_spinner_swaps_words_in_place_where_a_polish_rebuilds_phrases() -> None:
    from newstrace.transform import SPIN_MAX_RESTRUCTURED, restructured_share

    source = body("bridge.txt")
    assert restructured_share(source, spin(source, rate=0.6, seed=3, debris=0.0)) < SPIN_MAX_RESTRUCTURED / 2
    polished = ("In a remarkable development, engineers have demonstrated that routing control of "
                "autonomous vehicles can substantially mitigate the adverse effects of selfish routing.")
    original = "Routing control of autonomous vehicles has been shown to reduce the impact of selfish routing."
    assert restructured_share(original, polished) > SPIN_MAX_RESTRUCTURED
