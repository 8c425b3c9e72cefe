"""Derive the demo corpus's copies from its hand-written originals with newstrace's own
copy makers (verbatim, excerpt, spin). Run from the repository root:

    .venv/bin/python scripts/make_demo.py

The originals (bridge.txt, veloria.html, rail-strike.txt, museum.txt ...) are invented
stories written for this project; everything this script writes is derived from them.
"""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path

from newstrace.copies import excerpt, spin, with_scraped_date
from newstrace.ingest import RawRecord, build_document, read_file
from newstrace.options import Options

DEMO = Path(__file__).resolve().parent.parent / "src" / "newstrace" / "data" / "demo"


def load(name: str):
    path = DEMO / name
    record = next(r for r in read_file(path, name, Options()) if isinstance(r, RawRecord))
    return build_document(record, Options(detect_language=False))


def write_text(name: str, header: dict[str, str], body: str) -> None:
    lines = [f"{k}: {v}" for k, v in header.items()]
    (DEMO / name).write_text("\n".join(lines) + "\n\n" + body.strip() + "\n", encoding="utf-8")


def main() -> None:
    bridge, veloria, rail, museum = (load(n) for n in
                                     ("bridge.txt", "veloria.html", "rail-strike.txt", "museum.txt"))

    # Verbatim syndication and an excerpt, as a wire digest's JSON lines dump.
    records = [
        {"id": "wire-digest/eastgate-bridge", "title": bridge.title, "source": "wire-digest.example",
         "published": "2025-03-05", "url": "https://wire-digest.example/a/eastgate-bridge",
         "body": bridge.text + "\n\nGet the Wire Digest in your inbox: subscribe today"},
        {"id": "wire-digest/rail-strike", "title": "Rail strike halts most Norland trains",
         "source": "wire-digest.example", "published": "2025-09-22T14:00:00Z",
         "url": "https://wire-digest.example/a/rail-strike",
         "body": excerpt(rail.text, keep=0.5, seed=3)},
    ]
    with (DEMO / "wire-digest.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    # An excerpt as an HTML page of a quick-news site.
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in excerpt(bridge.text, keep=0.45, seed=7).split("\n\n"))
    (DEMO / "quicknews-bridge.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<title>Eastgate Bridge to shut for repairs</title>"
        "<meta property='og:site_name' content='QuickNews'>"
        "<meta property='article:published_time' content='2025-03-05'></head><body><article>"
        "<h1>Eastgate Bridge to shut for repairs</h1>\n" + paragraphs +
        "</article></body></html>\n", encoding="utf-8")

    # A spun copy with the scraper's date field, and a cut-down re-spin of that copy.
    spun = spin(bridge.text, rate=0.7, seed=1, debris=0.25)
    write_text("newsfarm-bridge.txt", {"Title": "Port Halden board votes to shut Eastgate Overpass",
                                       "Source": "newsfarm.example"},
               with_scraped_date(spun, "2025-03-07"))
    respun = spin(excerpt(spun, keep=0.6, seed=2), rate=0.3, seed=5, debris=0.0)
    write_text("clickmill-bridge.txt", {"Title": "Eastgate Overpass shut: what inhabitants need to know",
                                        "Source": "clickmill.example"},
               with_scraped_date(respun, "2025-03-10"))

    # A short excerpt of the Veloria report in a CSV export of a news brief site.
    with (DEMO / "metro-brief.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "headline", "outlet", "date", "body"])
        writer.writerow(["metro-brief/veloria", "Veloria rations water", "metro-brief.example",
                         "2025-06-12", excerpt(veloria.text, keep=0.4, seed=11)])

    # An RSS feed syndicating the museum story whole.
    item = (f"<item><title>{html.escape(museum.title or '')}</title>"
            "<link>https://culture-feed.example/askvik-museum</link>"
            "<guid>culture-feed/askvik-museum</guid><pubDate>Sat, 03 May 2025 09:00:00 GMT</pubDate>"
            f"<description>{html.escape(''.join(f'<p>{p}</p>' for p in museum.text.split(chr(10) * 2)))}</description></item>")
    (DEMO / "culture-feed.rss").write_text(
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        "<title>Culture Feed</title><link>https://culture-feed.example/</link>"
        f"<description>Arts news</description>{item}</channel></rss>\n", encoding="utf-8")


if __name__ == "__main__":
    main()
