from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from newstrace import Options, OptionsError, ingest
from newstrace.errors import InputRejected
from newstrace.ingest import build_document, decode_bytes, read_file
from newstrace.store import Store

from .conftest import ARTICLE, warc_bytes


def test_every_format_is_ingested(corpus: Path, store: Store) -> None:
    report = ingest([corpus], store)
    assert report.rejected == 0, report.rejections
    ids = set(store.document_ids())
    assert ids == {"plain.txt", "page.html", "j1", "j2", "k1", "c1",
                   "https://www.warc-news.example/a/1", "feed-item-1", "atom-entry-1"}
    assert report.exit_code == 0


def test_metadata_from_each_format(corpus: Path, store: Store) -> None:
    ingest([corpus], store)
    plain = store.document("plain.txt")
    assert (plain.title, plain.source, plain.language) == ("Breakwater plan", "lysmark-news.example", "en")
    assert plain.text.startswith("The harbour authority")
    page = store.document("page.html")
    assert page.title == "Breakwater for Lysmark"
    assert page.author == "Ada Lund"
    assert page.published == "2024-05-06"
    assert "Contact us" not in page.text and "Home | World" not in page.text
    j1 = store.document("j1")
    assert (j1.title, j1.published, j1.source) == ("JSON one", "2024-02-03", "jsonl.example")
    assert store.document("k1").author == "A. One; B. Two"
    c1 = store.document("c1")
    assert (c1.published, c1.source) == ("2024-03-04", "csv.example")
    warc = store.document("https://www.warc-news.example/a/1")
    assert warc.source and "warc-news.example" in warc.source
    assert warc.url == "https://www.warc-news.example/a/1"
    rss = store.document("feed-item-1")
    assert (rss.title, rss.published, rss.url) == ("From RSS", "2024-05-07", "https://feed.example/x")
    assert rss.text.startswith("The harbour authority")
    assert store.document("atom-entry-1").published == "2024-05-08"


def test_scraped_date_field_is_removed_and_used(tmp_path: Path, store: Store) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "copy.txt").write_text(" date 2023-11-13 " + ARTICLE)
    ingest([tmp_path / "c"], store)
    doc = store.document("copy.txt")
    assert doc.published == "2023-11-13"
    assert doc.published_from == "scraped_field"
    assert doc.text.startswith("The harbour authority")
    assert {"kind": "scraped_date", "text": "date 2023-11-13"} .items() <= doc.evidence[0].items()


def test_dateline_gives_the_date(tmp_path: Path, store: Store) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "d.txt").write_text("LYSMARK, October 2, 2024 (Newswire) — " + ARTICLE)
    ingest([tmp_path / "c"], store)
    doc = store.document("d.txt")
    assert (doc.published, doc.published_from) == ("2024-10-02", "dateline")


def test_boilerplate_is_separated_but_kept(tmp_path: Path, store: Store) -> None:
    (tmp_path / "c").mkdir()
    body = (ARTICLE.replace("breakwater", "breakwater & nbsp,", 1)
            + "\n\nGet the Lysmark Daily in your inbox: sign up here\n\nAdvertisement\n")
    (tmp_path / "c" / "b.txt").write_text(body)
    ingest([tmp_path / "c"], store)
    doc = store.document("b.txt")
    assert "inbox" not in doc.text and "nbsp" not in doc.text and "Advertisement" not in doc.text
    kinds = sorted(e["kind"] for e in doc.evidence)
    assert kinds == ["boilerplate_line", "boilerplate_line", "markup_debris"]
    assert "build a new breakwater to protect" in doc.text


def test_sentence_and_paragraph_spans_slice_the_text(corpus: Path, store: Store) -> None:
    ingest([corpus], store)
    for doc in store.documents():
        assert doc.sentences and doc.paragraphs
        for start, end in doc.sentences + doc.paragraphs:
            piece = doc.text[start:end]
            assert piece and piece == piece.strip()
        assert [s for s, _ in doc.sentences] == sorted(s for s, _ in doc.sentences)
    plain = store.document("plain.txt")
    assert plain.sentence_texts()[1] == "The project will cost 22 million euros and take three years."
    assert len(plain.paragraphs) == 3


def test_reingest_is_idempotent_and_updates_changed_content(corpus: Path, store: Store) -> None:
    first = ingest([corpus], store)
    count = store.count_documents()
    n_segments = store.con.execute("SELECT count(*) FROM segments").fetchone()[0]
    second = ingest([corpus], store)
    assert second.files_skipped == second.files_seen
    assert store.count_documents() == count
    # Touching every file forces a re-read: content hashes show nothing changed.
    for path in corpus.iterdir():
        path.touch()
        import os
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000))
    third = ingest([corpus], store)
    assert third.documents_inserted == 0 and third.documents_updated == 0
    assert third.documents_unchanged == first.documents_inserted
    assert store.con.execute("SELECT count(*) FROM segments").fetchone()[0] == n_segments
    (corpus / "plain.txt").write_text("Title: Changed\n\nA completely different article text here.")
    fourth = ingest([corpus], store)
    assert fourth.documents_updated == 1
    assert store.document("plain.txt").title == "Changed"
    assert store.count_documents() == count


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"   \n\n  ", "empty file"),
    "binary.txt": (bytes(range(256)) * 4, "binary file"),
    "broken.json": (b'{"id": "x", "text": ', "malformed JSON"),
    "nonarticle.json": (b'"just a string"', "no article records"),
    "broken.html": (b"<html><body><div></div></body></html>", "no extractable article text"),
    "notafeed.xml": (b"<?xml version='1.0'?><catalog><book/></catalog>", "not an RSS/Atom feed"),
    "archive.warc": (b"this is not a warc file at all\r\n\r\n", "malformed WARC"),
    "picture.png": (b"\x89PNG\r\n\x1a\n", "unsupported file type"),
    "nobody.jsonl": (b'{"id": "n1", "title": "No text"}\n', "no article text"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_each_bad_input_gets_one_reason_and_the_batch_goes_on(tmp_path: Path, store: Store,
                                                              name: str) -> None:
    data, expected = BAD_INPUTS[name]
    root = tmp_path / "mixed"
    root.mkdir()
    (root / name).write_bytes(data)
    (root / "good.txt").write_text(ARTICLE)
    report = ingest([root], store)
    assert store.has_document("good.txt")
    errors = [e for e in store.errors() if e["severity"] == "error"]
    assert len(errors) == 1, errors
    assert errors[0]["origin"].startswith(name)
    assert expected in errors[0]["reason"]
    assert report.exit_code == 1


def test_bad_records_inside_a_file_do_not_lose_good_ones(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "r"
    root.mkdir()
    (root / "mixed.jsonl").write_text(
        json.dumps({"id": "ok1", "text": ARTICLE}) + "\n{not json\n[1, 2]\n"
        + json.dumps({"id": "ok2", "text": ARTICLE}) + "\n")
    quoted = ARTICLE.replace('"', '""')
    (root / "rows.csv").write_text(f"id,text\nr1,\"{quoted[:200]}\"\nr2,a,b,c\nr3,\"{quoted[300:500]}\"\n")
    warc = warc_bytes([("https://a.example/1", "<html><body><article><p>" + ARTICLE + "</p></article></body></html>")],
                      gzip_it=False)
    (root / "cut.warc").write_bytes(warc + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\ntrunc")
    report = ingest([root], store)
    assert {"ok1", "ok2", "r1", "r3", "https://a.example/1"} <= set(store.document_ids())
    origins = {e["origin"]: e["reason"] for e in store.errors()}
    assert "malformed JSON line" in origins["mixed.jsonl#2"]
    assert "not an object" in origins["mixed.jsonl#3"]
    # r1's quoted text spans three lines, so the short row r2 starts on line 5.
    assert "4 fields, header has 2" in origins["rows.csv#5"]
    assert any(o.startswith("cut.warc#") for o in origins)
    assert report.rejected == 4


def test_legacy_encodings_are_decoded_with_a_warning(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "enc"
    root.mkdir()
    russian = "Правительство объявило о новых мерах поддержки для фермеров в южных регионах страны. " * 3
    (root / "cyr.txt").write_bytes(russian.encode("cp1251"))
    french = "Le gouvernement a annoncé de nouvelles mesures à Besançon pour les élèves et les écoles. " * 3
    (root / "latin.txt").write_bytes(french.encode("latin-1"))
    # Damaged UTF-8 as it comes from a truncated copy: one multi-byte sequence cut short.
    damaged = ("\u201cQuoted\u201d " + ARTICLE).encode("utf-8").replace(b"harbour", b"harb\xe2\x80our", 1)
    (root / "damaged.txt").write_bytes(damaged)
    report = ingest([root], store)
    assert report.rejected == 0 and report.exit_code == 0
    assert store.document("cyr.txt").text.startswith("Правительство")
    assert store.document("cyr.txt").language == "ru"
    assert "Besançon" in store.document("latin.txt").text
    assert "harb\ufffdour" in store.document("damaged.txt").text
    warnings = {e["origin"]: e["reason"] for e in store.errors() if e["severity"] == "warning"}
    assert set(warnings) == {"cyr.txt", "latin.txt", "damaged.txt"}
    assert "invalid UTF-8" in warnings["damaged.txt"]


def test_stray_nul_bytes_in_text_are_replaced_not_rejected(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "nul"
    root.mkdir()
    # scraped text with two stray NULs, as some web pages carry them
    (root / "stray.txt").write_bytes(ARTICLE.encode("utf-8").replace(b" ", b" \x00", 2))
    report = ingest([root], store)
    assert report.rejected == 0
    text = store.document("stray.txt").text
    assert "\x00" not in text and text.count("\ufffd") == 2
    warnings = {e["origin"]: e["reason"] for e in store.errors() if e["severity"] == "warning"}
    assert "2 NUL byte(s) replaced" in warnings["stray.txt"]


def test_huge_files_are_rejected_with_the_limit(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "big"
    root.mkdir()
    (root / "huge.txt").write_text(ARTICLE * 50)
    report = ingest([root], store, Options(max_file_bytes=5_000))
    assert report.rejected == 1
    assert "file too large" in store.errors()[0]["reason"] and "--max-bytes" in store.errors()[0]["reason"]


def test_field_map_reads_other_field_names(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "m"
    root.mkdir()
    (root / "x.jsonl").write_text(json.dumps({"key": "m1", "story_body": ARTICLE, "when": "2020-01-02"}) + "\n")
    ingest([root], store, Options(field_map={"id": "key", "text": "story_body", "published": "when"}))
    doc = store.document("m1")
    assert doc.published == "2020-01-02"


def test_options_are_validated() -> None:
    with pytest.raises(OptionsError):
        Options(batch_size=0)
    with pytest.raises(OptionsError):
        Options(min_link_score=1.5)
    with pytest.raises(OptionsError):
        Options(field_map={"colour": "x"})
    with pytest.raises(OptionsError):
        Options.preset("nope")
    assert Options.preset("fast").batch_size == 2000
    assert Options().replace(batch_size=7).batch_size == 7


def test_decode_bytes_rejects_and_reports() -> None:
    with pytest.raises(InputRejected):
        decode_bytes(b"")
    with pytest.raises(InputRejected):
        decode_bytes(b"\x00\x01\x02abc")
    text, note = decode_bytes(b"plain ascii")
    assert (text, note) == ("plain ascii", None)


def test_read_file_never_raises_on_garbage(tmp_path: Path) -> None:
    for suffix in (".txt", ".html", ".json", ".jsonl", ".csv", ".warc", ".warc.gz", ".rss", ".xml"):
        path = tmp_path / f"garbage{suffix}"
        path.write_bytes(b"\xff\xfe\x00garbage\x00" * 10)
        items = list(read_file(path, path.name, Options()))
        for item in items:
            if not hasattr(item, "reason"):
                with contextlib.suppress(InputRejected):
                    build_document(item, Options())
