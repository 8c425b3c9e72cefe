"""Store: one DuckDB file holding documents, their segments, input errors and analysis.

The schema is versioned (``meta.schema_version``) and brought up to date by ``MIGRATIONS``
on open. Writes go in batches, each in one transaction, so a killed process leaves the
store as it was after its last committed batch and a rerun carries on from there.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .errors import DocumentNotFound, StoreError, UsageError
from .model import Document, Rejection

DEFAULT_DB = "newstrace.duckdb"

#: Each entry moves the schema from version i to i+1. Never edit a released entry: add one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: ingest
        """CREATE TABLE documents (
            id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, title VARCHAR, author VARCHAR,
            published DATE, published_from VARCHAR, source VARCHAR, url VARCHAR,
            language VARCHAR, origin VARCHAR, format VARCHAR, text VARCHAR NOT NULL,
            evidence VARCHAR, n_chars INTEGER, ingested_at TIMESTAMP DEFAULT current_timestamp)""",
        """CREATE TABLE segments (
            doc_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, idx INTEGER NOT NULL,
            start_char INTEGER NOT NULL, end_char INTEGER NOT NULL)""",
        """CREATE TABLE input_errors (
            origin VARCHAR NOT NULL, reason VARCHAR NOT NULL, severity VARCHAR NOT NULL,
            recorded_at TIMESTAMP DEFAULT current_timestamp)""",
        """CREATE TABLE ingested_files (
            path VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, n_records INTEGER,
            ingested_at TIMESTAMP DEFAULT current_timestamp)""",
    ),
    (  # 2: analysis (candidates, alignment)
        """CREATE TABLE links (
            source VARCHAR NOT NULL, target VARCHAR NOT NULL, relation VARCHAR NOT NULL,
            score DOUBLE, method VARCHAR, transformation VARCHAR, evidence VARCHAR)""",
        """CREATE TABLE passages (
            source VARCHAR NOT NULL, target VARCHAR NOT NULL, source_start INTEGER,
            source_end INTEGER, target_start INTEGER, target_end INTEGER, similarity DOUBLE,
            method VARCHAR)""",
        """CREATE TABLE analyzed_documents (
            doc_id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL,
            analyzed_at TIMESTAMP DEFAULT current_timestamp)""",
    ),
    (  # 3: candidate index (MinHash band keys, document vectors)
        "CREATE TABLE bands (key BIGINT NOT NULL, doc_id VARCHAR NOT NULL)",
        "CREATE TABLE doc_vectors (doc_id VARCHAR NOT NULL, vector FLOAT[] NOT NULL)",
    ),
    (  # 4: stories and lineage
        "ALTER TABLE links ADD COLUMN parent BOOLEAN DEFAULT TRUE",
        "CREATE TABLE doc_entities (doc_id VARCHAR NOT NULL, entity VARCHAR NOT NULL, n INTEGER)",
        "CREATE TABLE story_members (story_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL)",
    ),
    (  # 5: claims and framing of each link
        "ALTER TABLE links ADD COLUMN claims VARCHAR",
        "ALTER TABLE links ADD COLUMN framing VARCHAR",
    ),
    (  # 6: small summaries of claims and framing, so listing links never reads the details
        "ALTER TABLE links ADD COLUMN claim_counts VARCHAR",
        "ALTER TABLE links ADD COLUMN distortion DOUBLE",
        "ALTER TABLE links ADD COLUMN framing_shift VARCHAR",
        "UPDATE links SET claim_counts = json_extract(claims, '$.counts')::VARCHAR, "
        "distortion = json_extract(claims, '$.distortion')::DOUBLE, "
        "framing_shift = json_extract(framing, '$.framing_shift')::VARCHAR WHERE claims IS NOT NULL",
    ),
    (  # 7: a passage's kind (copy | summary), so stored links can be described later
        "ALTER TABLE passages ADD COLUMN kind VARCHAR DEFAULT 'copy'",
    ),
    (  # 8: pairs of documents that share only what both quote (one story, no derivation)
        "CREATE TABLE shared_quotes (a VARCHAR NOT NULL, b VARCHAR NOT NULL)",
    ),
    (  # 9: each document's reading by the wording model, so lineage scores a text once
        "CREATE TABLE doc_wording (doc_id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, "
        "model VARCHAR NOT NULL, log_odds DOUBLE NOT NULL)",
    ),
    (  # 10: what lineage would otherwise redo at every update
        "CREATE TABLE doc_terms (doc_id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, "
        "version VARCHAR NOT NULL, terms VARCHAR[] NOT NULL)",
        "CREATE TABLE family_tried (source VARCHAR NOT NULL, target VARCHAR NOT NULL)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
#: A link's passages in target order, ties broken so that every read gives one order.
PASSAGE_ORDER = "target_start, target_end, source_start, source_end"

_DOCUMENT_COLUMNS = (
    "id", "content_hash", "title", "author", "published", "published_from", "source", "url",
    "language", "origin", "format", "text", "evidence", "n_chars",
)


@dataclass
class BatchResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: BatchResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


class Store:
    """A newstrace store file. Use as a context manager, or call ``close()``."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, must_exist: bool = False,
                 read_only: bool = False) -> None:
        self.path = Path(path)
        if must_exist and not self.path.exists():
            raise UsageError(f"no store at {self.path} (run 'newstrace ingest ... --db {self.path}' first)")
        if not self.path.parent.exists():
            raise UsageError(f"folder of the store does not exist: {self.path.parent}")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreError(f"cannot open store {self.path}: {_first_line(exc)}") from None
        except duckdb.Error as exc:
            raise StoreError(f"{self.path} is not a newstrace store: {_first_line(exc)}") from None
        if not read_only:
            self._migrate()
        elif self.schema_version() != SCHEMA_VERSION:
            raise StoreError(f"store {self.path} has schema version {self.schema_version()}, "
                             f"this newstrace needs {SCHEMA_VERSION}: open it once read-write")
        #: Data derived from the store and kept while it is open, each entry with the
        #: ``meta`` stamp it was derived under (see ``stamp``).
        self.cache: dict[str, tuple[str | None, Any]] = {}

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        tables = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        if "meta" not in tables:
            if tables:
                raise StoreError(f"{self.path} is a DuckDB file but not a newstrace store")
            return 0
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(f"store {self.path} has schema version {version}, newer than this "
                             f"newstrace ({SCHEMA_VERSION}): upgrade newstrace")
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            if version == 0:
                self.con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    self.con.execute(statement)
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                             [str(SCHEMA_VERSION)])

    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def stamp(self, key: str) -> str | None:
        """The stamp ``key`` in ``meta``: changed by every write of what it stands for (by
        any process), so data derived under one stamp is stale under another."""
        return self.get_meta(key)

    def restamp(self, key: str) -> None:
        """Record that what ``key`` stands for has changed (a random value: two writers
        never leave the same stamp)."""
        self.set_meta(key, uuid.uuid4().hex)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # ------------------------------------------------------------------ ingest writes
    def done_files(self) -> dict[str, str]:
        """Files fully ingested before, path -> fingerprint."""
        return dict(self.con.execute("SELECT path, fingerprint FROM ingested_files").fetchall())

    def write_batch(self, documents: Sequence[Document], rejections: Sequence[Rejection],
                    files: Sequence[tuple[str, str, int]],
                    clear_origins: Iterable[str] = ()) -> BatchResult:
        """Write one batch atomically: documents (replacing changed ones), input errors
        (replacing those recorded before for ``clear_origins``) and finished files."""
        latest = {doc.id: doc for doc in documents}  # a later record of one id wins
        result = BatchResult()
        with self.transaction():
            for origin in clear_origins:
                self.con.execute("DELETE FROM input_errors WHERE origin = ? OR origin LIKE ?",
                                 [origin, origin.replace("%", r"\%") + "#%"])
            if latest:
                result = self._upsert_documents(list(latest.values()))
            if rejections:
                table = pa.table({
                    "origin": [r.origin for r in rejections],
                    "reason": [r.reason for r in rejections],
                    "severity": [r.severity for r in rejections],
                })
                self.insert_arrow("input_errors", "origin, reason, severity", table)
            if files:
                paths = [f[0] for f in files]
                self.con.execute("DELETE FROM ingested_files WHERE list_contains(?, path)", [paths])
                table = pa.table({"path": paths, "fingerprint": [f[1] for f in files],
                                  "n_records": [f[2] for f in files]})
                self.insert_arrow("ingested_files", "path, fingerprint, n_records", table)
        return result

    def insert_arrow(self, target: str, columns: str, table: pa.Table) -> None:
        self.con.register("_batch", table)
        try:
            self.con.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM _batch")
        finally:
            self.con.unregister("_batch")

    def _upsert_documents(self, docs: list[Document]) -> BatchResult:
        ids = [d.id for d in docs]
        existing = dict(self.con.execute(
            "SELECT id, content_hash FROM documents WHERE list_contains(?, id)", [ids]).fetchall())
        changed = [d for d in docs if d.id in existing and existing[d.id] != d.content_hash]
        new = [d for d in docs if d.id not in existing]
        result = BatchResult(inserted=len(new), updated=len(changed),
                             unchanged=len(docs) - len(new) - len(changed))
        if changed:
            stale = [d.id for d in changed]
            self.con.execute("DELETE FROM segments WHERE list_contains(?, doc_id)", [stale])
            self.con.execute("DELETE FROM documents WHERE list_contains(?, id)", [stale])
        to_write = new + changed
        if to_write:
            self.insert_arrow("documents", ", ".join(_DOCUMENT_COLUMNS), _documents_table(to_write))
            self.insert_arrow("segments", "doc_id, kind, idx, start_char, end_char",
                               _segments_table(to_write))
        return result

    def record_errors(self, rejections: Sequence[Rejection]) -> None:
        self.write_batch([], rejections, [])

    # ------------------------------------------------------------------ reads
    def scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        """The first column of the query's first row (a count, one document's field)."""
        row = self.con.execute(sql, params).fetchone()
        if row is None:
            raise StoreError(f"query returned no row: {sql}")
        return row[0]

    def count_documents(self) -> int:
        return int(self.scalar("SELECT count(*) FROM documents"))

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM documents ORDER BY id").fetchall()]

    def has_document(self, doc_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def document(self, doc_id: str) -> Document:
        docs = self.documents([doc_id])
        if not docs:
            raise DocumentNotFound(f"no document with id {doc_id!r} in {self.path}")
        return docs[0]

    def documents(self, ids: Sequence[str] | None = None) -> list[Document]:
        """Documents with their segments; all of them when ``ids`` is None (store order)."""
        columns = ", ".join(_DOCUMENT_COLUMNS)
        if ids is None:
            rows = self.con.execute(f"SELECT {columns} FROM documents ORDER BY id").fetchall()
            seg_rows = self.con.execute(
                "SELECT doc_id, kind, start_char, end_char FROM segments ORDER BY doc_id, kind, idx"
            ).fetchall()
        else:
            id_list = list(ids)
            rows = self.con.execute(
                f"SELECT {columns} FROM documents WHERE list_contains(?, id)", [id_list]).fetchall()
            seg_rows = self.con.execute(
                "SELECT doc_id, kind, start_char, end_char FROM segments "
                "WHERE list_contains(?, doc_id) ORDER BY doc_id, kind, idx", [id_list]).fetchall()
        segments: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for doc_id, kind, start, end in seg_rows:
            segments.setdefault(doc_id, {"sentence": [], "paragraph": []})[kind].append((start, end))
        docs = [_row_to_document(row, segments.get(row[0], {})) for row in rows]
        if ids is not None:
            order = {doc_id: i for i, doc_id in enumerate(ids)}
            docs.sort(key=lambda d: order.get(d.id, 0))
        return docs

    def iter_documents(self, batch: int = 1000) -> Iterator[Document]:
        ids = self.document_ids()
        for start in range(0, len(ids), batch):
            yield from self.documents(ids[start:start + batch])

    def errors(self) -> list[dict[str, Any]]:
        rows = self.con.execute(
            "SELECT origin, severity, reason, recorded_at FROM input_errors "
            "ORDER BY severity, origin").fetchall()
        return [{"origin": o, "severity": s, "reason": r, "recorded_at": str(t)} for o, s, r, t in rows]

    def document_rows(self) -> list[dict[str, Any]]:
        """Document metadata (no text) for exports and reports."""
        cursor = self.con.execute(
            "SELECT id, title, published, language, source, author, url, origin, format, "
            "n_chars, published_from FROM documents ORDER BY id")
        names = [d[0] for d in cursor.description]
        return [_jsonable(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _documents_table(docs: Sequence[Document]) -> pa.Table:
    return pa.table({
        "id": [d.id for d in docs],
        "content_hash": [d.content_hash for d in docs],
        "title": [d.title for d in docs],
        "author": [d.author for d in docs],
        "published": pa.array([d.published for d in docs], pa.string()).cast(pa.date32()),
        "published_from": [d.published_from for d in docs],
        "source": [d.source for d in docs],
        "url": [d.url for d in docs],
        "language": [d.language for d in docs],
        "origin": [d.origin for d in docs],
        "format": [d.format for d in docs],
        "text": [d.text for d in docs],
        "evidence": [json.dumps(d.evidence, ensure_ascii=False) for d in docs],
        "n_chars": pa.array([len(d.text) for d in docs], pa.int32()),
    })


def _segments_table(docs: Sequence[Document]) -> pa.Table:
    doc_ids: list[str] = []
    kinds: list[str] = []
    idxs: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for doc in docs:
        for kind, spans in (("sentence", doc.sentences), ("paragraph", doc.paragraphs)):
            for i, (start, end) in enumerate(spans):
                doc_ids.append(doc.id)
                kinds.append(kind)
                idxs.append(i)
                starts.append(start)
                ends.append(end)
    return pa.table({
        "doc_id": doc_ids, "kind": kinds, "idx": pa.array(idxs, pa.int32()),
        "start_char": pa.array(starts, pa.int32()), "end_char": pa.array(ends, pa.int32()),
    })


def _row_to_document(row: tuple[Any, ...], segments: dict[str, list[tuple[int, int]]]) -> Document:
    data = dict(zip(_DOCUMENT_COLUMNS, row, strict=True))
    return Document(
        id=data["id"], text=data["text"], title=data["title"], author=data["author"],
        published=data["published"].isoformat() if data["published"] else None,
        published_from=data["published_from"], source=data["source"], url=data["url"],
        language=data["language"], origin=data["origin"], format=data["format"],
        evidence=json.loads(data["evidence"] or "[]"),
        paragraphs=segments.get("paragraph", []), sentences=segments.get("sentence", []),
        content_hash=data["content_hash"],
    )


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
