"""Machine-translation style model and cross-lingual links (project-written texts)."""

from __future__ import annotations

from newstrace.candidates import verify_pair
from newstrace.ingest import RawRecord, build_document
from newstrace.normalize import content_tokens
from newstrace.options import Options
from newstrace.style import FEATURE_NAMES, SOURCE_FEATURE_NAMES
from newstrace.translation import (
    machine_translation_evidence,
    machine_translation_model,
    machine_translation_score,
    translation_vector,
)

LITERAL = (
    "On the 12th, the city said that it is expected to close the bridge regarding the repair. "
    "We are calling for residents to act carefully, such as avoiding the area etc. "
    "According to the city, there is a crack of about 3 meters. We will announce the schedule "
    "when it is decided. It seems that the work will be done for the first time in 20 years. "
    "In addition, we are asking drivers to use the detour in order to reduce the traffic.")
NATURAL = (
    "City engineers shut the Harbour Bridge on Tuesday after finding a three-metre crack "
    "beneath its eastern span. Drivers face weeks of detours while crews, working through the "
    "night, replace the damaged girder - the first major repair in two decades. Officials "
    "promised a timetable once inspectors finish their survey, but warned that delays were "
    "likely if the cold snap persists.")


def test_translation_vectors_match_the_shipped_models() -> None:
    japanese, other = machine_translation_model("ja"), machine_translation_model("de")
    assert japanese.needs_source and not other.needs_source
    assert len(translation_vector(NATURAL, JAPANESE, japanese)) == len(japanese.weights) == (
        len(FEATURE_NAMES) + len(SOURCE_FEATURE_NAMES))
    assert len(translation_vector(NATURAL, JAPANESE, other)) == len(other.weights) == len(FEATURE_NAMES)


def test_literal_translation_scores_above_natural_prose() -> None:
    for language in ("ja", "de"):
        assert (machine_translation_score(LITERAL, JAPANESE, language)
                > machine_translation_score(NATURAL, JAPANESE, language))
    evidence = machine_translation_evidence(LITERAL, JAPANESE, "ja")
    flagged = evidence["flagged_passages"]
    assert flagged and all(LITERAL[slice(*f["span"])].strip() for f in flagged)
    assert any("regarding" in f["phrases"] for f in flagged)


def test_unspaced_scripts_give_word_sized_tokens() -> None:
    tokens = content_tokens("市は十二日、橋を閉鎖すると発表した。")
    assert 4 <= len(tokens) <= 12 and all(len(t) <= 2 for t in tokens)


JAPANESE = (
    "市は十二日、東橋の東側の下に長さ三メートルのひびが見つかったとして、橋を通行止めにすると発表しました。\n\n"
    "市によりますと、修理には数週間かかる見込みで、運転手には迂回路の利用を呼びかけています。\n\n"
    "大規模な修理は二十年ぶりで、作業員は夜通し作業を続けて損傷した桁を交換する予定です。\n\n"
    "市の担当者は、点検が終わり次第、工事の日程を発表するとしています。")
ENGLISH = (
    "On the 12th, the city announced that it will close the East Bridge because a crack with a "
    "length of three meters was found under the east side of the bridge.\n\n"
    "According to the city, the repair is expected to take several weeks, and we are calling on "
    "drivers to use the detour.\n\n"
    "It is the first large-scale repair in 20 years, and the workers will continue working "
    "through the night to replace the damaged girder.\n\n"
    "The person in charge of the city said that the construction schedule will be announced as "
    "soon as the inspection is finished.")


def test_translation_is_linked_across_languages_and_labelled() -> None:
    options = Options(progress=False, semantic=True, min_passage_chars=60)
    ja = build_document(RawRecord("ja", "t", "ja", {"text": JAPANESE}), options)
    en = build_document(RawRecord("en", "t", "en", {"text": ENGLISH}), options)
    assert (ja.language, en.language) == ("ja", "en")
    # Given English first and no dates, the literal English is still put downstream.
    link = verify_pair(en, ja, options, semantic=True)
    assert link is not None and link.method == "semantic"
    assert (link.source, link.target) == ("ja", "en")
    assert link.evidence["direction"]["by"] == "machine_translation_style"
    labels = {t["label"]: t for t in link.transformation}
    assert {"translation", "machine_translation"} <= set(labels)
    assert labels["machine_translation"]["evidence"]["flagged_passages"]
    for passage in link.passages:
        assert ja.text[slice(*passage.source)].strip()
        assert en.text[slice(*passage.target)].strip()


SOURCE_STORY = (
    "Firefighters in Dunmore spent Sunday night battling a blaze at the old textile mill on "
    "River Street. The fire started shortly after nine in the evening in a storage room on "
    "the ground floor. Nobody was inside the building, which has stood empty since 2011. "
    "Crews from three neighbouring towns helped keep the flames away from nearby homes. "
    "Investigators will examine the site on Tuesday to find out how the fire began.")
REWORDED_STORY = (
    "On Sunday evening, emergency crews in Dunmore fought a large fire that broke out at the "
    "abandoned River Street textile factory. According to officials, the flames first "
    "appeared around 9 p.m. in a ground-level storeroom. The building, vacant for more than a "
    "decade, was unoccupied at the time. Firefighters from three surrounding communities "
    "worked together to protect the houses close by. Experts are set to inspect the ruins on "
    "Tuesday in an effort to determine the cause of the blaze.")
OTHER_STORY = (
    "The Dunmore town council voted on Monday to turn the riverside warehouse district into "
    "a public park. The plan includes a cycling path, a playground and a small concert stage. "
    "Residents who spoke at the meeting mostly welcomed the idea but asked about parking. "
    "Work could begin next spring if the regional government approves the funding. "
    "The mayor said the park would bring families back to the river.")


def test_sentence_by_sentence_rewrite_is_linked_and_unrelated_text_is_not() -> None:
    options = Options(progress=False, semantic=True, min_passage_chars=60)
    source = build_document(RawRecord("s", "t", "s", {"text": SOURCE_STORY}), options)
    rewrite = build_document(RawRecord("r", "t", "r", {"text": REWORDED_STORY}), options)
    other = build_document(RawRecord("o", "t", "o", {"text": OTHER_STORY}), options)
    link = verify_pair(source, rewrite, options, semantic=True)
    assert link is not None and link.method == "semantic"
    assert {p.kind for p in link.passages} <= {"copy", "rewrite"}
    assert "paraphrase" in {t["label"] for t in link.transformation}
    assert verify_pair(source, other, options, semantic=True) is None
    assert verify_pair(rewrite, other, options, semantic=True) is None
