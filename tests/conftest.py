from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from newstrace.store import Store

DEMO = Path(__file__).resolve().parent.parent / "src" / "newstrace" / "data" / "demo"

ARTICLE = (
    "The harbour authority in Lysmark said on Friday that it would build a new breakwater "
    "to protect the fishing fleet from winter storms. The project will cost 22 million euros "
    "and take three years.\n\n"
    "\"Our boats were damaged four times last winter,\" said harbour master Nils Aune. "
    "Fishermen welcomed the plan, but environmental groups warned that the work could harm "
    "a colony of grey seals that breeds near the harbour mouth.\n\n"
    "Construction is due to begin in the spring after a public consultation."
)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "t.duckdb") as s:
        yield s


def warc_bytes(records: list[tuple[str, str]], gzip_it: bool = True) -> bytes:
    """A small WARC with one response record per (url, html)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip_it)
    for url, html in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.0")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                           http_headers=headers)
        writer.write_record(record)
    return buffer.getvalue()


def html_page(title: str, body: str, date: str = "2024-05-06", author: str = "Ada Lund") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<html><head><title>{title}</title><meta name='author' content='{author}'>"
            f"<meta property='article:published_time' content='{date}'></head>"
            f"<body><nav>Home | World</nav><article><h1>{title}</h1>{paragraphs}</article>"
            "<footer>Contact us</footer></body></html>")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with one good file of every supported format."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "plain.txt").write_text(f"Title: Breakwater plan\nSource: lysmark-news.example\n\n{ARTICLE}\n")
    (root / "page.html").write_text(html_page("Breakwater for Lysmark", ARTICLE))
    (root / "records.jsonl").write_text(
        json.dumps({"id": "j1", "headline": "JSON one", "body": ARTICLE, "date": "2024-02-03",
                    "outlet": "jsonl.example"}) + "\n"
        + json.dumps({"id": "j2", "title": "JSON two", "text": ARTICLE.upper()}) + "\n")
    (root / "list.json").write_text(json.dumps({"articles": [
        {"id": "k1", "title": "Listed", "text": ARTICLE, "author": ["A. One", "B. Two"]}]}))
    (root / "table.csv").write_text(
        "id,title,text,published,source\n"
        f"c1,From CSV,\"{ARTICLE.replace(chr(34), chr(34) * 2)}\",2024-03-04,csv.example\n")
    (root / "crawl.warc.gz").write_bytes(warc_bytes([
        ("https://www.warc-news.example/a/1", html_page("From WARC", ARTICLE))]))
    (root / "feed.rss").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Feed Site</title>"
        "<item><title>From RSS</title><link>https://feed.example/x</link>"
        "<guid>feed-item-1</guid><pubDate>Tue, 07 May 2024 10:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;{ARTICLE.splitlines()[0]}&lt;/p&gt;</description></item>"
        "</channel></rss>")
    (root / "atom.atom").write_text(
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        "<title>Atom Site</title><id>urn:x</id><updated>2024-05-08T00:00:00Z</updated>"
        "<entry><title>From Atom</title><id>atom-entry-1</id><link href='https://atom.example/y'/>"
        "<updated>2024-05-08T00:00:00Z</updated>"
        f"<content type='html'>&lt;p&gt;{ARTICLE.splitlines()[0]}&lt;/p&gt;</content></entry></feed>")
    return root


def gz(data: bytes) -> bytes:
    return gzip.compress(data)


def made_up_text(seed: int, sentences: int) -> str:
    """Sentences of made-up words: texts of different seeds share no wording."""
    import random

    rng = random.Random(seed)
    syllables = ("ka", "lo", "mi", "ten", "ras", "vu", "sel", "dor", "pi", "ne", "bra", "tos")

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))

    return " ".join(" ".join(word() for _ in range(12)).capitalize() + "." for _ in range(sentences))
