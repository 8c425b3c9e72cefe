from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import newstrace
import newstrace.copies
from newstrace import Options

from .conftest import ARTICLE, DEMO, made_up_text


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with newstrace.open_store(path) as store:
        report = newstrace.ingest([DEMO], store)
        assert report.rejected == 0
        newstrace.analyze(store, Options(progress=False))
        yield store


def links(store) -> dict[tuple[str, str], dict]:
    return {(link["source"], link["target"]): link for link in newstrace.export_data(store)["links"]}


def test_copies_are_linked_to_their_source(demo_store) -> None:
    found = links(demo_store)
    for copy in ("wire-digest/eastgate-bridge", "quicknews-bridge.html", "newsfarm-bridge.txt"):
        assert ("bridge.txt", copy) in found, copy
    assert ("veloria.html", "metro-brief/veloria") in found
    assert ("museum.txt", "culture-feed/askvik-museum") in found


def test_translation_is_linked_semantically(demo_store) -> None:
    found = links(demo_store)
    pair = {("rail-strike.txt", "rail-strike-de.txt"), ("rail-strike-de.txt", "rail-strike.txt")}
    matches = [found[p] for p in pair if p in found]
    assert matches and matches[0]["method"] == "semantic"
    assert matches[0]["transformation"][0]["label"] == "translation"
    # The English style alone does not say which side was translated; the wire digest cut
    # from the English article places it upstream of the German version.
    assert ("rail-strike.txt", "rail-strike-de.txt") in found


def test_independent_reports_and_unrelated_stories_are_not_linked(demo_store) -> None:
    found = links(demo_store)
    for a, b in found:
        assert "veloria-independent.txt" not in (a, b)
        assert {a, b} != {"museum.txt", "bridge.txt"}


def test_passage_offsets_slice_both_documents(demo_store) -> None:
    for link in newstrace.export_data(demo_store)["links"]:
        source = demo_store.document(link["source"])
        target = demo_store.document(link["target"])
        assert link["passages"]
        for p in link["passages"]:
            assert 0 <= p["source"][0] < p["source"][1] <= len(source.text)
            assert 0 <= p["target"][0] < p["target"][1] <= len(target.text)


def test_rerun_is_resumable_and_does_nothing_new(demo_store) -> None:
    before = links(demo_store)
    report = newstrace.analyze(demo_store, Options(progress=False))
    assert report.documents_analyzed == 0 and report.documents_skipped == demo_store.count_documents()
    assert links(demo_store) == before


@pytest.mark.parametrize("stage", ["update_lineage", "update_stories"])
def test_a_rerun_after_a_stop_in_lineage_or_stories_finishes_them(
        tmp_path: Path, monkeypatch, demo_store, stage: str) -> None:
    """Documents are marked analyzed batch by batch, before lineage and stories: a run
    stopped there leaves nothing pending, and the rerun must still settle them."""
    import newstrace.lineage
    import newstrace.stories

    module = newstrace.lineage if stage == "update_lineage" else newstrace.stories
    real = getattr(module, stage)

    def stop(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    with newstrace.open_store(tmp_path / "s.duckdb") as store:
        newstrace.ingest([DEMO], store)
        monkeypatch.setattr(module, stage, stop)
        with pytest.raises(KeyboardInterrupt):
            newstrace.analyze(store, Options(progress=False))
        monkeypatch.setattr(module, stage, real)
        report = newstrace.analyze(store, Options(progress=False))
        assert report.documents_analyzed == 0
        assert links(store) == links(demo_store)
        assert newstrace.export_data(store)["stories"] == newstrace.export_data(demo_store)["stories"]
        # and once settled, a rerun has nothing left to do
        monkeypatch.setattr(module, stage, stop)
        newstrace.analyze(store, Options(progress=False))


def test_trace_finds_the_sources_of_a_new_article(demo_store) -> None:
    article = newstrace.copies.excerpt(demo_store.document("bridge.txt").text, keep=0.6, seed=9)
    results = newstrace.trace(article, demo_store, Options(progress=False))
    assert results
    assert results[0].source in {"bridge.txt", "wire-digest/eastgate-bridge", "newsfarm-bridge.txt"}
    unrelated = "A recipe for lemon cake: mix flour, sugar and butter, then bake for forty minutes at a moderate heat until golden."
    assert newstrace.trace(unrelated, demo_store, Options(progress=False)) == []


def test_analyze_and_trace_cli(tmp_path: Path) -> None:
    import json
    import shutil

    from click.testing import CliRunner

    from newstrace.cli import cli

    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("bridge.txt", "museum.txt", "rail-strike.txt"):
        shutil.copy(DEMO / name, corpus / name)
    db = str(tmp_path / "t.duckdb")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(corpus), "--db", db, "--quiet"]).exit_code == 0
    result = runner.invoke(cli, ["analyze", "--db", db, "--no-semantic"])
    assert result.exit_code == 0 and "analyzed 3 documents" in result.stderr
    result = runner.invoke(cli, ["trace", str(DEMO / "clickmill-bridge.txt"), "--db", db,
                                 "--json", "--no-semantic"])
    assert result.exit_code == 0, result.output
    sources = json.loads(result.stdout)["sources"]
    assert [s["source"] for s in sources] == ["bridge.txt"]
    assert sources[0]["passages"][0]["target"][0] == 0  # header parsed, body offsets
    with _served_page(_as_html_page(DEMO / "clickmill-bridge.txt")) as url:
        result = runner.invoke(cli, ["trace", f"{url}/bridge-story", "--db", db, "--json",
                                     "--no-semantic"])
        assert result.exit_code == 0, result.output
        assert [s["source"] for s in json.loads(result.stdout)["sources"]] == ["bridge.txt"]
        result = runner.invoke(cli, ["trace", f"{url}/gone", "--db", db])
        assert result.exit_code == 1 and "HTTP 404" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(cli, ["trace", f"{url}/bridge-story", "--db", db])  # server gone
    assert result.exit_code == 1 and "Connection refused" in result.stderr


def _as_html_page(path: Path) -> bytes:
    """An article file as a news page: header fields in the head, paragraphs in the body."""
    from html import escape

    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    title = head.splitlines()[0].removeprefix("Title: ")
    paragraphs = "".join(f"<p>{escape(p)}</p>\n" for p in body.split("\n\n") if p.strip())
    return (f"<html><head><title>{escape(title)}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>{escape(title)}</h1>\n{paragraphs}</article>"
            "<footer>(c) clickmill</footer></body></html>").encode()


@contextlib.contextmanager
def _served_page(page: bytes) -> Iterator[str]:
    """A loopback HTTP server answering /bridge-story with ``page`` and anything else 404."""
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            found = self.path == "/bridge-story"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page if found else b"not here")

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_small_batches_give_the_same_links(demo_store, tmp_path: Path) -> None:
    """Pairs whose two sides fall in different batches must survive both batches."""
    with newstrace.open_store(tmp_path / "small.duckdb") as store:
        newstrace.ingest([DEMO], store)
        newstrace.analyze(store, Options(progress=False, batch_size=3))
        assert links(store).keys() == links(demo_store).keys()


def test_quoted_spans_follow_quotes_across_paragraphs() -> None:
    from newstrace.candidates import quoted_spans

    text = ('The mayor said "we will rebuild" and left.\n'
            'rebuild the bridge by spring. We owe the town that," the statement continued.\n'
            '\u201cThe work starts now\n'
            'The council met on Tuesday.')
    quoted = [text[a:b] for a, b in quoted_spans(text)]
    assert quoted == ['"we will rebuild"', 'rebuild the bridge by spring. We owe the town that,"',
                      '\u201cThe work starts now']


HARBOUR_STATEMENTS = """Mayor Ilse Brandt announced on Tuesday that the Velmora harbour will close for six weeks of repairs.
"The storm left the northern pier unsafe, and we will not reopen it until every beam has been replaced," Brandt told reporters at the town hall. "Fishing crews will receive emergency grants for each week they cannot sail, starting this Friday."
The repairs will cost about 4.2 million euros, according to the council's budget office.
"This is the largest repair the harbour has needed since 1987," said harbour master Tomas Keller. "We expect the first boats back in the water by the middle of March, if the weather holds."
Keller said the southern quay would stay open for ferries during the works.
"Nobody loses their income because of this storm," Brandt added. "The grants will be paid directly to the crews, not to the boat owners."
The fishermen's union welcomed the grants but asked the council to publish the engineers' report."""
HARBOUR_REPORT = """Velmora's fishing fleet faces six idle weeks after the town council decided to shut the storm-damaged harbour for reconstruction, a move that has split local opinion.
At a packed meeting in the town hall, Mayor Ilse Brandt defended the closure. "The storm left the northern pier unsafe, and we will not reopen it until every beam has been replaced," she said.
Several skippers interviewed on the quay said they had not been consulted. Marta Olsen, who has fished out of Velmora for thirty years, called the timetable unrealistic and said spring herring would be lost.
Brandt promised support for the crews. "Fishing crews will receive emergency grants for each week they cannot sail," the mayor said, without giving a figure.
Opposition councillors questioned why the repairs had not begun after the autumn inspections, which had already flagged corrosion in the pier's supports.
The harbour master, Tomas Keller, told the meeting he expected the first boats back by mid-March."""


def _document(doc_id: str, text: str, field: str = "text"):
    from newstrace.ingest import RawRecord, build_document

    return build_document(RawRecord(doc_id, "test", doc_id, {field: text}), Options(progress=False))


@pytest.mark.parametrize("seed", range(3))
def test_a_spun_copy_of_a_quote_heavy_article_is_a_copy(seed: int) -> None:
    from newstrace.candidates import verify_pair

    # Most of the article is quotation; a spinner rewords inside and outside the quotes
    # alike, so its unquoted text is shared as much as its quotes.
    spun = newstrace.copies.spin(HARBOUR_STATEMENTS, rate=0.5, seed=seed, debris=0.0)
    link = verify_pair(_document("article", HARBOUR_STATEMENTS), _document("spun", spun),
                       Options(progress=False), describe=False)
    assert link is not None and (link.source, link.target) == ("article", "spun")


def test_a_report_quoting_the_same_statements_is_not_a_copy() -> None:
    from newstrace.candidates import align_pair, verify_pair

    article, report = _document("article", HARBOUR_STATEMENTS), _document("report", HARBOUR_REPORT)
    options = Options(progress=False)
    passages, _ = align_pair(article, report, options, newstrace.candidates.PairCache())
    assert passages  # the shared quotations align ...
    assert verify_pair(article, report, options, describe=False) is None  # ... but make no link


def test_a_quoted_paragraph_inside_an_unrelated_longer_text_is_a_copy() -> None:
    from newstrace.candidates import QUOTED_SLIVER, verify_pair

    # A digest of unrelated stories carries one quoted paragraph of the harbour article:
    # both quote it, but the texts tell different stories, so it was taken, not heard.
    paragraph = HARBOUR_STATEMENTS.split("\n")[3]
    others = [(DEMO / name).read_text().split("\n\n", 1)[1]
              for name in ("museum.txt", "rail-strike.txt", "bridge.txt", "veloria-independent.txt")]
    digest = "\n\n".join([*others[:2], paragraph, *others[2:]])
    assert len(paragraph) <= QUOTED_SLIVER * len(digest)
    article = _document("article", HARBOUR_STATEMENTS)
    link = verify_pair(article, _document("digest", digest), Options(progress=False), describe=False)
    assert link is not None and (link.source, link.target) == ("article", "digest")
    # The same paragraph in a short text: no sliver of it, so still shared quotations.
    short = "\n\n".join([others[0], paragraph])
    assert verify_pair(article, _document("short", short), Options(progress=False), describe=False) is None


POOL_REPORT = """The council of Harwick voted on Monday to close the town's only public swimming pool at the end of August.
Councillors said the building needs a new roof and heating system that would cost about 3 million pounds.
Around 40,000 visits were recorded at the pool last year, most of them by schoolchildren and older residents.
Swimming clubs have started a petition and say more than 2,500 people have signed it so far.
The council leader, Ruth Okafor, said the authority could not borrow more money this year.
A final decision on whether the site will be sold is expected in the autumn."""
POOL_RETOLD = """Harwick's only council-run swimming baths will shut their doors when August ends, after a vote by local politicians at the start of this week.
Replacing the roof and the boilers would, according to members of the authority, come to roughly three million pounds.
Last year the baths welcomed about forty thousand swimmers, chiefly pupils and pensioners.
A petition organised by local clubs has already gathered upwards of two and a half thousand names.
Ruth Okafor, who leads the authority, told members there was no room for further loans in the current budget.
Whether the land is put up for sale should be settled later in the year."""


def test_two_human_texts_sharing_meaning_but_no_wording_are_not_linked(monkeypatch) -> None:
    from newstrace import transform
    from newstrace.candidates import PairCache, align_pair, verify_pair

    # The same facts in the same order, in other words: the sentence-embedding channel
    # aligns them, but two people's reports of one event look just like this.
    report, retold = _document("report", POOL_REPORT), _document("retold", POOL_RETOLD)
    options = Options(progress=False)
    passages, method = align_pair(report, retold, options, PairCache(), semantic=True)
    assert passages and method == "semantic"
    assert verify_pair(report, retold, options, semantic=True, describe=False) is None
    # Read as a language model's rewrite, the same alignment is a link.
    model_written = {POOL_REPORT: 0.05, POOL_RETOLD: 0.95}
    monkeypatch.setattr(transform, "_llm_wording", lambda doc: model_written[doc.text])
    link = verify_pair(report, retold, options, semantic=True, describe=False)
    assert link is not None and {link.source, link.target} == {"report", "retold"}


def test_a_model_restyling_that_keeps_the_quotations_is_a_copy(monkeypatch) -> None:
    from newstrace import transform
    from newstrace.candidates import verify_pair

    # The same two texts as above, but the wording model reads the report as a language
    # model's and the article not: a model restyling keeps an article's quotations.
    article, report = _document("article", HARBOUR_STATEMENTS), _document("report", HARBOUR_REPORT)
    model_written = {HARBOUR_STATEMENTS: 0.1, HARBOUR_REPORT: 0.95}
    monkeypatch.setattr(transform, "_llm_wording", lambda doc: model_written[doc.text])
    link = verify_pair(article, report, Options(progress=False), describe=False)
    assert link is not None and {link.source, link.target} == {"article", "report"}
    model_written[HARBOUR_STATEMENTS] = 0.6  # both read model-like: no telling
    assert verify_pair(article, report, Options(progress=False), describe=False) is None


def test_the_wording_test_tells_a_model_rewrite_from_a_human_report() -> None:
    from newstrace.transform import reads_as_model_rewrite

    human = _document("human", (DEMO / "veloria-independent.txt").read_text())
    rewrite = _document("llm", (DEMO / "veloria-llm.txt").read_text())
    assert reads_as_model_rewrite(human, rewrite) and not reads_as_model_rewrite(rewrite, human)


def test_a_quote_left_open_over_a_long_paragraph_is_not_a_quotation() -> None:
    from newstrace.candidates import MAX_QUOTE_CHARS, quoted_spans

    stray = 'He wrote "about the town. ' + "The harbour reopened after the storm. " * 20
    assert len(stray) > MAX_QUOTE_CHARS and quoted_spans(stray) == []
    assert quoted_spans('She said "we will rebuild" today.') == [(9, 26)]


def test_markup_left_in_scraped_text_is_not_a_quotation() -> None:
    from newstrace.candidates import quoted_spans

    text = 'span style="font-weight: normal; font-family: Times New Roman"> Ice it, "every hour" she said.'
    assert [text[a:b] for a, b in quoted_spans(text)] == ['"every hour"']


def test_quotes_shared_only_when_both_sides_quote() -> None:
    from newstrace.align import Passage
    from newstrace.candidates import _shared_quotations
    from newstrace.options import Options

    words = "we will rebuild the bridge before the first snow and keep one lane open for buses"
    quoting = f'The mayor spoke on Monday. "{words.capitalize()}," she said.'
    also_quoting = f'"{words.capitalize()}," the mayor told reporters on Monday.'
    restyled = f"The mayor promised that {words}."

    def passage(a: str, b: str) -> list[Passage]:
        return [Passage((a.index(words[3:]), a.index(words[3:]) + len(words) - 3),
                        (b.index(words[3:]), b.index(words[3:]) + len(words) - 3), 0.9)]

    options = Options(min_passage_chars=40)
    assert _shared_quotations(quoting, also_quoting, passage(quoting, also_quoting), options)
    assert not _shared_quotations(quoting, restyled, passage(quoting, restyled), options)


def test_the_speakers_name_and_title_shared_outside_the_quotes_is_no_copying() -> None:
    from newstrace.align import Passage
    from newstrace.candidates import _shared_quotations

    # Two reports of one written statement: both must name the speaker to attribute it, and
    # the name and title are the only unquoted words they share.
    opening = "Today's decision gives every family the same housing rights wherever they settle"
    closing = "No family will ever need to apply twice for the same permit"
    first = f'"{opening}," Housing Minister Elena Varga said. "{closing}."'
    second = f'\u201c{opening},\u201d said Housing Minister Elena Varga. \u201c{closing}.\u201d'
    options = Options(min_passage_chars=20)
    assert _shared_quotations(first, second, [Passage((0, len(first)), (0, len(second)), 0.8)],
                              options)
    # Narrative words shared outside the quotes besides the name are still a copy's.
    narrated = first.replace("said.", "said after the cabinet approved the housing permits.")
    copied = second.replace("Varga.", "Varga after the cabinet approved the housing permits.")
    assert not _shared_quotations(narrated, copied,
                                  [Passage((0, len(narrated)), (0, len(copied)), 0.8)], options)


def test_a_name_attributes_a_quote_only_in_a_sentence_that_says_who_spoke() -> None:
    from newstrace.candidates import _names_speaker, quoted_spans

    def attributes(text: str, word: str) -> bool:
        quotes, at = quoted_spans(text), text.index(word)
        return _names_speaker(text, at, quotes, sum(start < at for start, _ in quotes) - 1)

    assert attributes('"We will rebuild," Mayor Elena Varga said.', "Elena")
    assert attributes('Mayor Elena Varga told reporters: "We will rebuild."', "Elena")
    # quotation marks around a title, no speech: the name is the text's own writing
    assert not attributes('The award went to Elena Varga of the "Harbour Gazette".', "Elena")
    # the quote ended its sentence: the next sentence is not its attribution
    assert not attributes('"We will rebuild." Later Elena Varga said nothing.', "Elena")
    # one list of speech verbs serves here and in claims (``normalize.SPEECH_VERBS``)
    assert attributes('Mayor Elena Varga warned that "the bridge will not hold."', "Elena")


def test_a_copied_paragraph_links_long_documents() -> None:
    """One paragraph copied into a long document is a link even though it is a small share
    of both texts."""
    from newstrace.candidates import verify_pair
    from newstrace.model import Document

    paragraph = ("The ferry operator confirmed on Thursday that the night crossing to Skarholm "
                 "will stop in January, after fuel costs doubled and passenger numbers fell by a "
                 "third. Islanders have until the end of the month to comment on a replacement "
                 "timetable, which keeps two morning sailings and one in the evening.")
    source = Document("long-a", made_up_text(1, 200) + " " + paragraph + " " + made_up_text(2, 200))
    copy = Document("long-b", made_up_text(3, 150) + " " + paragraph + " " + made_up_text(4, 150))
    options = Options(progress=False)
    link = verify_pair(source, copy, options)
    assert link is not None and link.score < options.min_link_score
    copied = copy.text.index(paragraph)
    assert any(p.target[0] <= copied + 10 and p.target[1] >= copied + len(paragraph) - 10
               for p in link.passages)


def test_a_shared_sentence_links_only_texts_that_share_nothing_else() -> None:
    """A sentence shared by two reports of one story may be a quote or a coincidence; one
    shared by texts about different things was copied. (``min_link_score`` is raised so
    that the short demo texts stand for long ones, where one sentence is a small share.)"""
    from newstrace.candidates import verify_pair

    options = Options(progress=False, min_link_score=0.9)
    sentence = ("The ferry operator confirmed on Thursday that the night crossing to Skarholm "
                "will stop in January, after fuel costs doubled and passenger numbers fell by a third.")

    def with_sentence(name: str) -> str:
        if name.endswith(".html"):
            return _document(name, (DEMO / name).read_text(), "html").text + "\n\n" + sentence
        return (DEMO / name).read_text().split("\n\n", 1)[1] + "\n\n" + sentence

    museum = _document("museum", with_sentence("museum.txt"))
    strike = _document("strike", with_sentence("rail-strike.txt"))
    link = verify_pair(museum, strike, options, describe=False)
    assert link is not None and len(link.passages) == 1
    # two independent reports of the Veloria water story, the sentence added to both
    independent = _document("independent", with_sentence("veloria-independent.txt"))
    original = _document("original", with_sentence("veloria.html"))
    assert verify_pair(independent, original, options, describe=False) is None


def test_a_second_look_links_a_reworded_sentence_only_in_otherwise_unalike_texts() -> None:
    """``lone_sentence_similarity``: a sentence reworded past the alignment's bar for a lone
    sentence links texts about different things, not two reports of one story."""
    from newstrace.align import align_texts
    from newstrace.candidates import outside_similarity, verify_pair

    sentence = ("The ferry operator confirmed on Thursday that the night crossing to Skarholm "
                "will stop in January, after fuel costs doubled and passenger numbers fell by a third.")
    reworded = ("The ship company confirmed Thursday that the evening crossing to Skarholm stops "
                "come January after fuel bills doubled and riders fell.")

    def with_text(name: str, added: str) -> str:
        if name.endswith(".html"):
            return _document(name, (DEMO / name).read_text(), "html").text + "\n\n" + added
        return (DEMO / name).read_text().split("\n\n", 1)[1] + "\n\n" + added

    thorough = Options.preset("thorough", progress=False)
    assert thorough.lone_sentence_similarity is not None
    without = thorough.replace(lone_sentence_similarity=None)
    museum = _document("museum", with_text("museum.txt", sentence))
    strike = _document("strike", with_text("rail-strike.txt", reworded))
    assert verify_pair(museum, strike, without, describe=False) is None
    link = verify_pair(museum, strike, thorough, describe=False)
    assert link is not None and len(link.passages) == 1
    assert strike.text[slice(*link.passages[0].target if link.target == "strike" else
                             link.passages[0].source)].startswith("The ship company")
    independent = _document("independent", with_text("veloria-independent.txt", sentence))
    original = _document("original", with_text("veloria.html", reworded))
    # the looser alignment finds the sentence, but the two reports are alike around it
    loose = align_texts(independent.text, original.text, min_chars=50,
                        single_seed_cosine=thorough.lone_sentence_similarity)
    assert loose and outside_similarity(independent.text, original.text, loose) > 0.25
    assert verify_pair(independent, original, thorough, describe=False) is None


def test_trace_takes_the_second_look_too(tmp_path: Path) -> None:
    """trace decides a pair as analyze does, the lone-sentence second look included."""
    from newstrace.candidates import trace_document

    sentence = ("The ferry operator confirmed on Thursday that the night crossing to Skarholm "
                "will stop in January, after fuel costs doubled and passenger numbers fell by a third.")
    reworded = ("The ship company confirmed Thursday that the evening crossing to Skarholm stops "
                "come January after fuel bills doubled and riders fell.")
    (tmp_path / "museum.txt").write_text((DEMO / "museum.txt").read_text() + "\n\n" + sentence)
    thorough = Options.preset("thorough", progress=False, semantic=False)
    strike = _document("strike", (DEMO / "rail-strike.txt").read_text().split("\n\n", 1)[1]
                       + "\n\n" + reworded)
    with newstrace.open_store(tmp_path / "store.duckdb") as store:
        newstrace.ingest([tmp_path / "museum.txt"], store, thorough)
        newstrace.analyze(store, thorough)
        assert [r.source for r in trace_document(store, strike, thorough)] == ["museum.txt"]
        without = thorough.replace(lone_sentence_similarity=None)
        assert trace_document(store, strike, without) == []


def test_recent_sentence_vectors_are_reused_and_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    import newstrace.embed
    from newstrace.align import units_of
    from newstrace.candidates import _RecentVectors
    from newstrace.ingest import RawRecord, build_document

    calls = []

    def fake_embed(sentences):  # type: ignore[no-untyped-def]
        calls.append(len(sentences))
        return np.ones((len(sentences), 4))

    monkeypatch.setattr(newstrace.embed, "embed", fake_embed)
    options = Options(progress=False)
    docs = [build_document(RawRecord(f"d{i}", "test", f"d{i}", {"text": ARTICLE + f" Note {i}."}), options)
            for i in range(3)]
    units = [units_of(d.text, d.sentences) for d in docs]
    recent = _RecentVectors(budget=2 * len(units[0]))
    recent.get(docs[0], units[0])
    recent.get(docs[0], units[0])
    assert len(calls) == 1  # the second pair of the same document embeds nothing
    recent.get(docs[1], units[1])
    recent.get(docs[2], units[2])  # over budget: the least recently used (d0) goes
    assert recent.rows <= recent.budget
    recent.get(docs[0], units[0])
    assert len(calls) == 4
    # An analysis embeds a group's missing documents in one batch, each once.
    batch = _RecentVectors(budget=10 * len(units[0]))
    found = batch.get_many([(docs[0], units[0]), (docs[1], units[1]), (docs[0], units[0])])
    assert calls[4:] == [len(units[0]) + len(units[1])]
    assert {d: len(v) for d, v in found.items()} == {"d0": len(units[0]), "d1": len(units[1])}
    batch.get_many([(docs[1], units[1])])
    assert len(calls) == 5


def test_close_documents_keeps_pairs_whose_vectors_are_close() -> None:
    import numpy as np

    from newstrace.candidates import close_documents

    ids = ["a", "b", "c"]
    matrix = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    pairs = {("a", "b"), ("a", "c"), ("b", "c"), ("a", "unknown")}
    assert close_documents(pairs, ids, matrix, threshold=0.5) == {("a", "b"), ("b", "c")}
    assert close_documents(pairs, ids, matrix, threshold=0.9) == set()


def test_analyze_relates_reports_that_share_quotations_by_their_story(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "statements.txt").write_text(HARBOUR_STATEMENTS)
    (corpus / "report.txt").write_text(HARBOUR_REPORT)
    options = Options(progress=False, semantic=False)
    with newstrace.open_store(tmp_path / "q.duckdb") as store:
        newstrace.ingest([corpus], store, options)
        newstrace.analyze(store, options)
        assert store.con.execute("SELECT count(*) FROM links").fetchone()[0] == 0
        assert store.con.execute("SELECT a, b FROM shared_quotes").fetchall() == [("report.txt", "statements.txt")]
        stories = newstrace.export_data(store)["stories"]
        assert len(stories) == 1 and stories[0]["shared_quotes"] == [["report.txt", "statements.txt"]]


@pytest.fixture
def statements_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A store holding the harbour statements article alone, analyzed lexically."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "statements.txt").write_text(HARBOUR_STATEMENTS)
    options = Options(progress=False, semantic=False)
    with newstrace.open_store(tmp_path / "t.duckdb") as store:
        newstrace.ingest([corpus], store, options)
        newstrace.analyze(store, options)
        yield store, options


def test_trace_does_not_name_a_report_quoting_the_same_statements_as_a_source(statements_store) -> None:
    store, options = statements_store
    spun = newstrace.copies.spin(HARBOUR_STATEMENTS, rate=0.5, seed=1, debris=0.0)
    assert [r.source for r in newstrace.trace(spun, store, options)] == ["statements.txt"]
    assert newstrace.trace(HARBOUR_REPORT, store, options) == []


def test_trace_names_the_source_of_a_model_restyling_that_keeps_the_quotations(
        statements_store, monkeypatch) -> None:
    from newstrace import transform

    store, options = statements_store
    # trace makes analyze's quotation decision: when the wording model reads the
    # report as a model's and the article not, the report is the article's restyling
    monkeypatch.setattr(transform, "_llm_wording",
                        lambda doc: 0.95 if doc.text.strip() == HARBOUR_REPORT.strip() else 0.1)
    assert [r.source for r in newstrace.trace(HARBOUR_REPORT, store, options)] == ["statements.txt"]


def test_trace_reads_the_document_vectors_again_only_after_they_change(tmp_path: Path,
                                                                       monkeypatch) -> None:
    from newstrace import candidates

    reads: list[int] = []
    read = candidates._read_vector_matrix
    monkeypatch.setattr(candidates, "_read_vector_matrix", lambda store: reads.append(1) or read(store))
    options = Options(progress=False)
    copy = (DEMO / "clickmill-bridge.txt").read_text(encoding="utf-8")
    with newstrace.open_store(tmp_path / "t.duckdb") as store:
        newstrace.ingest([DEMO / "museum.txt"], store, options)
        newstrace.analyze(store, options)
        assert newstrace.trace(copy, store, options) == []
        assert newstrace.trace(copy, store, options) == []
        assert len(reads) == 1  # analyze read them; both traces used that read
        newstrace.ingest([DEMO / "bridge.txt"], store, options)
        newstrace.analyze(store, options)
        assert [r.source for r in newstrace.trace(copy, store, options)] == ["bridge.txt"]
        assert "bridge.txt" in candidates._vector_matrix(store)[0] and len(reads) == 2


def test_outside_similarity_leaves_out_the_aligned_text() -> None:
    from newstrace.align import Passage
    from newstrace.candidates import outside_similarity

    copied = "The night crossing to Skarholm will stop in January."
    harbour = f"Harbour pilots and ferry crews met the council. {copied}"
    concert = f"The orchestra rehearsed a symphony for the violin soloist. {copied}"
    spans = [Passage((harbour.index(copied), len(harbour)), (concert.index(copied), len(concert)), 1.0)]
    assert outside_similarity(harbour, concert, []) > 0.2  # the copied sentence alone
    assert outside_similarity(harbour, concert, spans) < 0.05  # only "the" in common
    crews = f"Ferry crews and harbour pilots met the council on Monday. {copied}"
    spans = [Passage((harbour.index(copied), len(harbour)), (crews.index(copied), len(crews)), 1.0)]
    assert outside_similarity(harbour, crews, spans) > 0.5


def test_story_graphs_read_together_equal_each_story_read_alone(demo_store) -> None:
    import networkx as nx

    from newstrace.lineage import story_graph, story_graphs

    together = story_graphs(demo_store)
    stories = newstrace.export_data(demo_store)["stories"]
    assert sorted(together) == sorted(s["id"] for s in stories)
    assert any(g.number_of_edges() for g in together.values())
    for story in stories:
        alone = story_graph(demo_store, story["documents"][0])
        assert nx.utils.graphs_equal(alone, together[story["id"]])
        assert dict(alone.nodes(data=True)) == dict(together[story["id"]].nodes(data=True))


def test_semantic_neighbours_add_the_nearest_under_the_story_cosine() -> None:
    import numpy as np

    from newstrace.candidates import semantic_neighbours

    angles = np.radians([0, 30, 55, 58, 61, 89])  # cosines to the first: 1, .87, .57, .53, .48, .02
    matrix = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    ids = ["self", "close", "a", "b", "c", "far"]
    found = semantic_neighbours(ids, matrix, matrix[:1], k=10, threshold=0.7)[0]
    assert [d for d, _ in found] == ["self", "close"]
    found = semantic_neighbours(ids, matrix, matrix[:1], k=10, threshold=0.7, nearest=5, nearest_threshold=0.5)[0]
    assert [d for d, _ in found] == ["self", "close", "a", "b"]  # "c" is near but under 0.5


def test_candidate_options_bound_the_pairs_verified(tmp_path: Path) -> None:
    from newstrace.candidates import lexical_candidates

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = made_up_text(11, 12)
    for i in range(5):
        (corpus / f"copy{i}.txt").write_text(text)
    options = Options(progress=False, semantic=False)
    with newstrace.open_store(tmp_path / "c.duckdb") as store:
        newstrace.ingest([corpus], store, options)
        newstrace.analyze(store, options)
        ids = [f"copy{i}.txt" for i in range(5)]
        assert len(lexical_candidates(store, ids, options)) == 10
        # each document's best candidate only: every pair still has one side's best
        assert len(lexical_candidates(store, ids, options.replace(candidates_per_document=1))) == 4
        # the copies share fewer band keys than this
        assert lexical_candidates(store, ids, options.replace(min_band_hits=10_000)) == {}
    with pytest.raises(newstrace.OptionsError):
        Options(candidates_per_document=0)


def test_reports_of_one_story_sharing_only_loose_paraphrase_are_not_linked() -> None:
    """Two outlets' reports of one event (the Veloria water story) tell some of the same
    facts in other words; a loose passage between them is no sign that one took the other's
    text, while the same passage between texts otherwise unalike, a closer one, or one
    spanning most of both texts is."""
    from newstrace.align import Passage
    from newstrace.candidates import LOOSE_PASSAGE_SIMILARITY, reuse_score

    options = Options(progress=False)
    independent = _document("independent", (DEMO / "veloria-independent.txt").read_text())
    original = _document("original", (DEMO / "veloria.html").read_text(), "html")
    museum = _document("museum", (DEMO / "museum.txt").read_text().split("\n\n", 1)[1])

    def passage(a, b, share: float, similarity: float) -> list[Passage]:  # type: ignore[no-untyped-def]
        return [Passage((0, int(share * len(a.text))), (0, int(share * len(b.text))), similarity)]

    loose = LOOSE_PASSAGE_SIMILARITY - 0.1
    assert reuse_score(independent, original, passage(independent, original, 0.4, loose), options) is None
    assert isinstance(reuse_score(independent, original,
                                  passage(independent, original, 0.4, LOOSE_PASSAGE_SIMILARITY + 0.1), options), float)
    assert isinstance(reuse_score(independent, original, passage(independent, original, 0.9, loose), options), float)
    assert isinstance(reuse_score(independent, museum, passage(independent, museum, 0.4, loose), options), float)
    # One report told whole, in short, inside the other: the rest of the other tells the
    # same story, which a text summarized inside one about something else does not.
    def summarized(whole, other) -> list[Passage]:  # type: ignore[no-untyped-def]
        return [Passage((0, len(whole.text)), (0, int(0.3 * len(other.text))), loose, "summary")]

    assert reuse_score(independent, original, summarized(independent, original), options) is None
    assert isinstance(reuse_score(independent, museum, summarized(independent, museum), options), float)


def test_a_reports_lead_retelling_another_report_of_its_story_is_not_a_link() -> None:
    """A news lead tells its whole story in short: a summary passage that opens a report
    and resembles all of another report of the event is no sign that it condensed it, while
    the same summary inside the text, or opening a text about something else, is."""
    from newstrace.align import Passage
    from newstrace.candidates import LOOSE_PASSAGE_SIMILARITY, reuse_score

    options = Options(progress=False)
    independent = _document("independent", (DEMO / "veloria-independent.txt").read_text())
    original = _document("original", (DEMO / "veloria.html").read_text(), "html")
    museum = _document("museum", (DEMO / "museum.txt").read_text().split("\n\n", 1)[1])
    close = LOOSE_PASSAGE_SIMILARITY + 0.1  # not loose paraphrase: only the lead rule can apply

    def summary(whole, other, start: float) -> list[Passage]:  # type: ignore[no-untyped-def]
        at = int(start * len(other.text))
        return [Passage((0, len(whole.text)), (at, at + int(0.3 * len(other.text))), close, "summary")]

    assert reuse_score(independent, original, summary(independent, original, 0.0), options) is None
    assert isinstance(reuse_score(independent, original, summary(independent, original, 0.4), options), float)
    assert isinstance(reuse_score(independent, museum, summary(independent, museum, 0.0), options), float)


@pytest.mark.parametrize("order", [("z-first", "a-again", "copy"), ("copy", "a-again", "z-first")])
def test_a_copy_of_a_text_published_twice_joins_the_story_of_the_first_id(
        tmp_path: Path, order: tuple[str, ...]) -> None:
    # One article published again three years later (two stories: far apart in time) and
    # an undated excerpt of it: both publications are its parents with equal scores, and
    # the tie goes to the first id, whatever order the records came in.
    records = {
        "z-first": {"id": "z-first", "title": "Breakwater", "text": ARTICLE, "published": "2020-01-10"},
        "a-again": {"id": "a-again", "title": "Breakwater", "text": ARTICLE, "published": "2023-06-01"},
        "copy": {"id": "copy", "title": "Breakwater plan", "text": ARTICLE.split("\n\n")[0]},
    }
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "records.jsonl").write_text("".join(json.dumps(records[k]) + "\n" for k in order))
    options = Options(progress=False, semantic=False)
    with newstrace.open_store(tmp_path / "tie.duckdb") as store:
        newstrace.ingest([corpus], store, options)
        newstrace.analyze(store, options)
        data = newstrace.export_data(store)
    derived = {(link["source"], link["target"]) for link in data["links"] if link["relation"] == "derived"}
    assert {("z-first", "copy"), ("a-again", "copy")} <= derived
    assert sorted(sorted(s["documents"]) for s in data["stories"]) == [["a-again", "copy"], ["z-first"]]
