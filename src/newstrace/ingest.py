"""Ingest: read files of many formats into ``Document`` records, never crashing a batch.

Readers turn a file into ``RawRecord``s (or ``Rejection``s with a reason); ``build_document``
turns a raw record into a normalized ``Document``. Both are pure over bytes/strings, so the
same code runs in the embedded pipeline (``run_ingest``) and on Spark.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from charset_normalizer import from_bytes

from .errors import InputRejected, UsageError
from .model import Document, Rejection
from .normalize import clean_body, find_dateline_date, parse_date, segment
from .options import FIELD_ALIASES, Options

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
WARC_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | WARC_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES
)

#: Fraction of undecodable bytes up to which a file is taken as damaged UTF-8 (bad bytes
#: replaced) rather than as a legacy encoding: one broken byte in an article should not
#: send it through charset guessing.
_UTF8_DAMAGE_TOLERANCE = 0.01
#: Share of control bytes (other than tab, newlines and form feed) above which a file is
#: binary. Text scraped from the web carries a few stray NULs (PAN13 has documents with
#: 1-7 in 10 kB); a binary file has one byte in ten or more (random bytes: 11%).
_BINARY_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = frozenset(b"\t\n\r\f")
# Header keys accepted at the top of a plain-text article ("Title: ...").
_TEXT_HEADER_KEYS = {"title", "source", "url", "author", "date", "published", "id", "language"}


@dataclass
class RawRecord:
    """One article as read from its file, before normalization."""

    origin: str  # file path relative to the ingested root, with #record where needed
    format: str
    default_id: str
    fields: dict[str, Any] = field(default_factory=dict)  # id, text|html, title, url, ...
    notes: list[str] = field(default_factory=list)  # warnings met while reading


# ----------------------------------------------------------------------------- decoding
def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Text of ``data`` and a warning when it was not clean UTF-8.

    Raises ``InputRejected`` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputRejected("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "decoded as UTF-16 (byte-order mark)"
    if data[:2] == b"\x1f\x8b" or _looks_binary(data[:8192]):
        raise InputRejected("binary file (control bytes or compressed data), not text")
    text, note = _decode_text(data)
    nuls = text.count("\x00")
    if nuls:
        # U+FFFD, not deletion: character offsets into the file stay true
        text = text.replace("\x00", "\ufffd")
        note = "; ".join(filter(None, [note, f"{nuls} NUL byte(s) replaced with U+FFFD"]))
    return text, note


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for b in head if (b < 0x20 and b not in _TEXT_CONTROLS) or b == 0x7F)
    return controls > _BINARY_CONTROL_SHARE * len(head)


def _decode_text(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    damaged = data.decode("utf-8", errors="replace")
    bad = damaged.count("\ufffd")
    if bad <= max(1, int(len(data) * _UTF8_DAMAGE_TOLERANCE)) and _mostly_multibyte_utf8(data):
        return damaged, f"invalid UTF-8: {bad} undecodable byte sequence(s) replaced with U+FFFD"
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputRejected("undecodable text: not UTF-8 and no legacy encoding fits")
    text = data.decode(best.encoding, errors="replace")
    return text, f"not UTF-8: decoded as {best.encoding}"


def _mostly_multibyte_utf8(data: bytes) -> bool:
    """True when the non-ASCII bytes mostly form valid UTF-8 sequences (damaged UTF-8)."""
    high = sum(1 for b in data[:200_000] if b >= 0x80)
    if high == 0:
        return True
    valid = data[:200_000].decode("utf-8", errors="ignore")
    valid_high_bytes = sum(len(ch.encode("utf-8")) for ch in valid if ord(ch) >= 0x80)
    return valid_high_bytes >= 0.5 * high


def _read_limited(path: Path, options: Options) -> bytes:
    size = path.stat().st_size
    if size > options.max_file_bytes:
        raise InputRejected(
            f"file too large: {size / 1e6:.1f} MB over the {options.max_file_bytes / 1e6:.1f} MB"
            " limit (raise --max-bytes to ingest it)"
        )
    return path.read_bytes()


#: Seconds to wait for a page that ``trace`` is asked to fetch.
FETCH_TIMEOUT_SECONDS = 30.0


def fetch_url(url: str, options: Options) -> tuple[str, str | None]:
    """The page at an http(s) ``url`` (one GET, at most ``options.max_file_bytes``) and a
    warning when it was not clean text. newstrace fetches nothing unless asked to: this is
    the one network request it makes, for ``trace URL``.

    Raises ``InputRejected`` with a one-line reason when the page cannot be read."""
    import urllib.error
    import urllib.request

    from . import __version__

    if urlparse(url).scheme not in ("http", "https"):
        raise InputRejected(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": f"newstrace/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            data = response.read(options.max_file_bytes + 1)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise InputRejected(f"could not fetch {url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise InputRejected(f"could not fetch {url}: {_os_reason(exc.reason)}") from None
    except OSError as exc:  # a timeout while reading too
        raise InputRejected(f"could not fetch {url}: {_os_reason(exc)}") from None
    if len(data) > options.max_file_bytes:
        raise InputRejected(f"page too large: over the {options.max_file_bytes / 1e6:.1f} MB limit")
    if charset:
        try:
            return data.decode(charset), None
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declared charset: guess as for a file
    return decode_bytes(data)


def _os_reason(reason: object) -> str:
    """A network failure in words ("Connection refused"), without the errno."""
    if isinstance(reason, TimeoutError):
        return f"no answer in {FETCH_TIMEOUT_SECONDS:.0f} s"
    return getattr(reason, "strerror", None) or str(reason)


# ----------------------------------------------------------------------------- discovery
def suffix_of(path: Path) -> str:
    name = path.name.lower()
    for double in (".warc.gz", ".arc.gz"):
        if name.endswith(double):
            return double
    return path.suffix.lower()


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str]]:
    """Files to ingest with their ids' base: path relative to the ingested folder."""
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise UsageError(f"no such file or folder: {given}")
        if root.is_file():
            yield root, root.name
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                yield path, path.relative_to(root).as_posix()


# ----------------------------------------------------------------------------- readers
def read_file(path: Path, relpath: str, options: Options) -> Iterator[RawRecord | Rejection]:
    """All records of one file; problems become ``Rejection``s, never exceptions."""
    suffix = suffix_of(path)
    reader = _READERS.get(suffix)
    if reader is None:
        yield Rejection(relpath, f"unsupported file type {suffix or '(no suffix)'!r}; "
                        f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}")
        return
    try:
        yield from reader(path, relpath, options)
    except InputRejected as exc:
        yield Rejection(relpath, exc.reason)
    except (OSError, ValueError, UnicodeError, csv.Error) as exc:
        yield Rejection(relpath, f"unreadable {suffix} file: {type(exc).__name__}: {exc}")
    except Exception as exc:  # a parser bug on hostile input must not end the batch
        yield Rejection(relpath, f"could not parse {suffix} file: {type(exc).__name__}: {exc}")


def _read_text(path: Path, relpath: str, options: Options) -> Iterator[RawRecord]:
    text, note = decode_bytes(_read_limited(path, options))
    record = RawRecord(relpath, "text", relpath, notes=[note] if note else [])
    record.fields = text_with_header(text)
    yield record


def text_with_header(text: str) -> dict[str, Any]:
    """Plain text, with an optional 'Key: value' header block ended by a blank line."""
    fields: dict[str, Any] = {}
    head, sep, body = text.lstrip("\ufeff").partition("\n\n")
    lines = [line for line in head.splitlines() if line.strip()]
    if sep and lines and all(_header_key(line) in _TEXT_HEADER_KEYS for line in lines):
        for line in lines:
            key, _, value = line.partition(":")
            fields[_canonical_field(key.strip().lower())] = value.strip()
        fields["text"] = body
    else:
        fields["text"] = text
    return fields


def _canonical_field(name: str) -> str:
    for canonical, aliases in FIELD_ALIASES.items():
        if name in aliases:
            return canonical
    return name


def _header_key(line: str) -> str | None:
    key, colon, _ = line.partition(":")
    return key.strip().lower() if colon and len(key) < 20 else None


def _read_html(path: Path, relpath: str, options: Options) -> Iterator[RawRecord]:
    html, note = decode_bytes(_read_limited(path, options))
    yield RawRecord(relpath, "html", relpath, {"html": html}, [note] if note else [])


def _read_json(path: Path, relpath: str, options: Options) -> Iterator[RawRecord | Rejection]:
    if suffix_of(path) in {".jsonl", ".ndjson"}:
        yield from _read_jsonl(path, relpath, options)
        return
    text, note = decode_bytes(_read_limited(path, options))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # Many ".json" dumps are really JSON lines; try that before giving up.
        if "\n" in text.strip() and text.lstrip().startswith("{"):
            yield from _records_from_lines(text.splitlines(), relpath, options)
            return
        raise InputRejected(f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    items = _json_items(data)
    if items is None:
        raise InputRejected("JSON holds no article records (expected an object, a list of "
                            "objects, or an object with a 'documents'/'articles' list)")
    for index, item in enumerate(items):
        yield _mapping_record(item, f"{relpath}#{index + 1}", "json", options, note)


def _json_items(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("documents", "articles", "items", "records", "data"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    return None


def _read_jsonl(path: Path, relpath: str, options: Options) -> Iterator[RawRecord | Rejection]:
    with path.open("rb") as handle:
        yield from _records_from_lines(handle, relpath, options)


def _records_from_lines(lines: Iterable[bytes | str], relpath: str,
                        options: Options) -> Iterator[RawRecord | Rejection]:
    for number, line in enumerate(lines, start=1):
        origin = f"{relpath}#{number}"
        if len(line) > options.max_record_chars:
            yield Rejection(origin, f"record too large: {len(line)} characters over the "
                                    f"{options.max_record_chars} limit")
            continue
        try:
            text = line.decode("utf-8") if isinstance(line, bytes) else line
        except UnicodeDecodeError:
            text, note = decode_bytes(line)  # type: ignore[arg-type]
            yield Rejection(origin, note or "re-decoded", "warning")
        if not text.strip():
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Rejection(origin, f"malformed JSON line: {exc.msg} at column {exc.colno}")
            continue
        yield _mapping_record(item, origin, "jsonl", options, None)


def _mapping_record(item: Any, origin: str, fmt: str, options: Options,
                    note: str | None) -> RawRecord | Rejection:
    if not isinstance(item, Mapping):
        return Rejection(origin, f"record is a {type(item).__name__}, not an object with fields")
    lowered = {str(k).lower(): v for k, v in item.items()}
    fields: dict[str, Any] = {}
    for canonical in ("id", "text", "html", "title", "url", "published", "author", "source",
                      "language"):
        for name in options.field_names(canonical):
            value = lowered.get(name.lower())
            if value not in (None, "", []):
                fields[canonical] = value
                break
    return RawRecord(origin, fmt, origin, fields, [note] if note else [])


def _read_csv(path: Path, relpath: str, options: Options) -> Iterator[RawRecord | Rejection]:
    csv.field_size_limit(min(sys.maxsize, options.max_record_chars))
    data = _read_limited(path, options)
    text, note = decode_bytes(data)
    if note:
        yield Rejection(relpath, note, "warning")
    delimiter = "\t" if suffix_of(path) == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputRejected("empty CSV file") from None
    names = [h.strip() for h in header]
    while True:
        origin = f"{relpath}#{reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Rejection(origin, f"malformed CSV row: {exc}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            yield Rejection(origin, f"malformed CSV row: {len(row)} fields, header has {len(names)}")
            continue
        yield _mapping_record(dict(zip(names, row, strict=True)), origin, "csv", options, None)


def _read_warc(path: Path, relpath: str, options: Options) -> Iterator[RawRecord | Rejection]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with path.open("rb") as handle:
        head = handle.read(16)
        handle.seek(0)
        if not head:
            raise InputRejected("empty file")
        if not head.startswith((b"\x1f\x8b", b"WARC/")) and not suffix_of(path).startswith(".arc"):
            raise InputRejected("malformed WARC: the file does not start with a WARC/1.x record header")
        index = 0
        try:
            for record in ArchiveIterator(handle, arc2warc=True):
                if record.rec_type != "response":
                    continue
                index += 1
                origin = f"{relpath}#{index}"
                uri = record.rec_headers.get_header("WARC-Target-URI")
                ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                if ctype and "html" not in ctype.lower() and "text" not in ctype.lower():
                    continue
                payload = record.content_stream().read(options.max_record_chars + 1)
                if len(payload) > options.max_record_chars:
                    yield Rejection(origin, f"WARC record too large (over {options.max_record_chars} bytes)")
                    continue
                try:
                    html, note = decode_bytes(payload)
                except InputRejected as exc:
                    yield Rejection(origin, f"WARC record: {exc.reason}")
                    continue
                fields = {"html": html, "url": uri,
                          "published": record.rec_headers.get_header("WARC-Date")}
                yield RawRecord(origin, "warc", uri or origin, fields, [note] if note else [])
        except (ArchiveLoadFailed, EOFError, gzip.BadGzipFile, ValueError, AttributeError,
                KeyError, TypeError) as exc:
            # warcio raises assorted errors on truncated or corrupt records.
            yield Rejection(f"{relpath}#{index + 1}", f"malformed WARC: {type(exc).__name__}: {exc}")


def _read_feed(path: Path, relpath: str, options: Options) -> Iterator[RawRecord | Rejection]:
    import feedparser

    data = _read_limited(path, options)
    head = data[:2000].lower()
    if b"<rss" not in head and b"<feed" not in head and b"<rdf" not in head:
        raise InputRejected("XML file is not an RSS/Atom feed (no <rss>, <feed> or <rdf> root)")
    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise InputRejected(f"feed has no entries{f': {reason}' if reason else ''}")
    for index, entry in enumerate(parsed.entries, start=1):
        content = entry.get("content") or []
        html = content[0].get("value") if content else entry.get("summary") or entry.get("description")
        published = entry.get("published") or entry.get("updated")
        fields = {
            "title": entry.get("title"), "url": entry.get("link"), "author": entry.get("author"),
            "published": published, "html_fragment": html,
            "source": parsed.feed.get("title") if hasattr(parsed, "feed") else None,
        }
        default_id = entry.get("id") or entry.get("link") or f"{relpath}#{index}"
        yield RawRecord(f"{relpath}#{index}", "feed", default_id,
                        {k: v for k, v in fields.items() if v})


_READERS = {
    **dict.fromkeys(TEXT_SUFFIXES, _read_text),
    **dict.fromkeys(HTML_SUFFIXES, _read_html),
    **dict.fromkeys(JSON_SUFFIXES, _read_json),
    **dict.fromkeys(CSV_SUFFIXES, _read_csv),
    **dict.fromkeys(WARC_SUFFIXES, _read_warc),
    **dict.fromkeys(FEED_SUFFIXES, _read_feed),
}


# ----------------------------------------------------------------------------- documents
def build_document(record: RawRecord, options: Options) -> Document:
    """Normalize one raw record. Raises ``InputRejected`` when it holds no article."""
    fields = dict(record.fields)
    if fields.get("html"):
        fields = {**_from_html(str(fields["html"]), fields.get("url")), **_present(fields)}
        fields.pop("html", None)
    elif fields.get("html_fragment"):
        fields["text"] = _fragment_text(str(fields.pop("html_fragment")))
    raw_text = _as_text(fields.get("text"))
    if len(raw_text) > options.max_record_chars:
        raise InputRejected(f"record too large: {len(raw_text)} characters over the "
                            f"{options.max_record_chars} limit")
    body = clean_body(raw_text)
    if not body.text.strip():
        raise InputRejected("no article text (empty body after extraction)")
    url = _str_or_none(fields.get("url"))
    published, published_from = _published(fields.get("published"), body)
    paragraphs, sentences = segment(body.text)
    title = _str_or_none(fields.get("title"))
    author = _author(fields.get("author"))
    source = _str_or_none(fields.get("source")) or _domain(url)
    language = _str_or_none(fields.get("language"))
    if language is None and options.detect_language:
        language = detect_language(body.text[: options.language_sample_chars])
    doc_id = _str_or_none(fields.get("id")) or record.default_id
    document = Document(
        id=doc_id, text=body.text, title=title, author=author, published=published,
        published_from=published_from, source=source, url=url, language=language,
        origin=record.origin, format=record.format,
        evidence=[e.as_dict() for e in body.evidence], paragraphs=paragraphs,
        sentences=sentences,
    )
    document.content_hash = content_hash(document)
    return document


def _as_text(value: Any) -> str:
    """Text of a field: strings as they are; lists (of paragraphs, possibly nested, as in
    many JSON dumps) joined as paragraphs."""
    if value is None:
        return ""
    if isinstance(value, list):
        parts = [_as_text(v) for v in value]
        return "\n\n".join(p for p in parts if p.strip())
    return value if isinstance(value, str) else str(value)


def content_hash(doc: Document) -> str:
    """Hash of everything stored about a document: equal hash, nothing to re-ingest."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (doc.id, doc.text, doc.title, doc.author, doc.published, doc.source, doc.url,
                 doc.language):
        digest.update((part or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def _present(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def _from_html(html: str, url: Any) -> dict[str, Any]:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, url=_str_or_none(url), with_metadata=True, include_comments=False,
        include_tables=False, favor_recall=True,
    )
    if extracted is None:
        raise InputRejected("HTML has no extractable article text")
    meta = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    return _present({
        "text": meta.get("text"), "title": meta.get("title"), "author": meta.get("author"),
        "published": meta.get("date"), "url": meta.get("url"),
        "source": meta.get("sitename") or meta.get("hostname"), "language": meta.get("language"),
    })


def _fragment_text(fragment: str) -> str:
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several unrelated types on garbage; the text is best effort
        return fragment
    blocks = [" ".join(el.text_content().split()) for el in root.iter("p", "li", "h1", "h2", "h3")]
    blocks = [b for b in blocks if b]
    return "\n\n".join(blocks) if blocks else " ".join(root.text_content().split())


def _published(value: Any, body: Any) -> tuple[str | None, str | None]:
    parsed = parse_date(value)
    if parsed:
        return parsed, "metadata"
    # A scraper's date field belongs to the copy; a dateline may be copied from the source.
    if body.scraped_date:
        return parse_date(body.scraped_date), "scraped_field"
    dateline = find_dateline_date(body.text)
    if dateline:
        return dateline, "dateline"
    return None, None


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [str(v.get("name") if isinstance(v, Mapping) else v) for v in value]
        return "; ".join(n for n in names if n) or None
    return _str_or_none(value)


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` (py3langid's bundled model, offline), or None when
    there is too little text to tell."""
    if len(text.strip()) < 20:
        return None
    import py3langid

    return str(py3langid.classify(text)[0])


# ----------------------------------------------------------------------------- pipeline
@dataclass
class IngestReport:
    """What one ``ingest`` run did. ``rejected`` counts inputs not ingested."""

    files_seen: int = 0
    files_skipped: int = 0
    documents_inserted: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "files_seen": self.files_seen, "files_skipped": self.files_skipped,
            "documents_inserted": self.documents_inserted,
            "documents_updated": self.documents_updated,
            "documents_unchanged": self.documents_unchanged,
            "rejected": self.rejected, "warnings": self.warnings,
        }


def fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def ingest_paths(paths: Iterable[str | os.PathLike[str]], store: Any, options: Options | None = None,
                 on_commit: Any = None) -> IngestReport:
    """Ingest files and folders into ``store`` in committed batches; resumable.

    Files already ingested with the same size and modification time are skipped, so a
    rerun after a crash carries on where the last committed batch ended.
    """
    from .progress import track

    options = options or Options()
    report = IngestReport()
    own_files = {store.path.resolve(), Path(f"{store.path}.wal").resolve()}
    files = [(p, rel) for p, rel in discover(paths) if p.resolve() not in own_files]
    done = store.done_files()
    pending = _PendingBatch()
    with track("ingest", total=len(files), enabled=options.progress) as bar:
        for path, relpath in files:
            report.files_seen += 1
            key = str(path.resolve())
            stamp = fingerprint(path)
            if done.get(key) == stamp:
                report.files_skipped += 1
                bar.advance()
                continue
            pending.clear_origins.append(relpath)
            n_records = 0
            for item in read_file(path, relpath, options):
                if isinstance(item, Rejection):
                    pending.add_rejection(item, report)
                    continue
                for note in item.notes:
                    pending.add_rejection(Rejection(item.origin, note, "warning"), report)
                try:
                    pending.documents.append(build_document(item, options))
                    n_records += 1
                except InputRejected as exc:
                    pending.add_rejection(Rejection(item.origin, exc.reason), report)
                except Exception as exc:  # extraction bugs on hostile input: record, go on
                    reason = f"could not normalize record: {type(exc).__name__}: {exc}"
                    pending.add_rejection(Rejection(item.origin, reason), report)
                if len(pending.documents) >= options.batch_size:
                    pending.flush(store, report, on_commit)
            pending.files.append((key, stamp, n_records))
            bar.advance()
            if len(pending.documents) + len(pending.files) >= options.batch_size:
                pending.flush(store, report, on_commit)
        pending.flush(store, report, on_commit)
    return report


@dataclass
class _PendingBatch:
    documents: list[Document] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)
    clear_origins: list[str] = field(default_factory=list)

    def add_rejection(self, rejection: Rejection, report: IngestReport) -> None:
        self.rejections.append(rejection)
        report.rejections.append(rejection)
        if rejection.severity == "error":
            report.rejected += 1
        else:
            report.warnings += 1

    def flush(self, store: Any, report: IngestReport, on_commit: Any) -> None:
        if not (self.documents or self.rejections or self.files or self.clear_origins):
            return
        result = store.write_batch(self.documents, self.rejections, self.files, self.clear_origins)
        report.documents_inserted += result.inserted
        report.documents_updated += result.updated
        report.documents_unchanged += result.unchanged
        if on_commit is not None:
            on_commit(len(self.documents), len(self.files))
        self.documents, self.rejections, self.files, self.clear_origins = [], [], [], []
