"""Exports of a store in stable, documented formats (see ARCHITECTURE.md, "Export schema").

``export_data`` builds the JSON contract::

    {"schema": "newstrace.export/1",
     "documents": [{"id", "title", "published", "language", "source", "author", "labels", ...}],
     "links": [{"source", "target", "relation", "score", "transformation", "passages": [...]}],
     "stories": [{"id", "documents": [ids], "origins": [ids], "shared_quotes": [[id, id]]}]}

Fields may be added in later versions; the named ones stay.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import UsageError
from .store import PASSAGE_ORDER, Store

EXPORT_SCHEMA = "newstrace.export/1"
FORMATS = ("json", "jsonl", "parquet", "csv")


def export_data(store: Store) -> dict[str, Any]:
    """The whole export as one JSON-ready object."""
    documents = store.document_rows()
    labels = labels_by_document(store)
    for doc in documents:
        doc["labels"] = labels.get(doc["id"], [])
    return {"schema": EXPORT_SCHEMA, "documents": documents, "links": link_rows(store),
            "stories": story_rows(store)}


def link_rows(store: Store, details: bool = False, doc_ids: list[str] | None = None,
              pair: tuple[str, str] | None = None,
              pairs: list[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """Links with passages, claim counts, distortion and framing shift; ``details`` adds
    the full claim diff and framing (per-claim changes, per-entity sentiment). Only the
    links touching ``doc_ids``, or the one ``pair`` (source, target), or those ``pairs``,
    when given."""
    where = ""
    params: list[object] = []
    if pair is not None:
        where, params = " WHERE source = ? AND target = ?", list(pair)
    elif pairs is not None:
        where, params = " WHERE list_contains(?, source || chr(31) || target)", [[f"{s}\x1f{t}" for s, t in pairs]]
    elif doc_ids is not None:
        where, params = " WHERE list_contains(?, source) OR list_contains(?, target)", [doc_ids, doc_ids]
    heavy = "claims, framing" if details else "NULL, NULL"
    # The links are chosen by their ids first: a filter that DuckDB cannot push down reads
    # the claim diffs of every link otherwise (3 s instead of 0.2 s for one link of 14k).
    rows = store.con.execute(
        "SELECT source, target, CASE WHEN parent THEN 'derived' ELSE 'ancestor' END, score, "
        f"method, transformation, evidence, claim_counts, distortion, framing_shift, {heavy} "
        f"FROM links WHERE rowid IN (SELECT rowid FROM links{where}) ORDER BY source, target",
        params).fetchall()
    passages: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for s, t, ss, se, ts, te, sim, method in store.con.execute(
        "SELECT source, target, source_start, source_end, target_start, target_end, similarity, "
        "method FROM passages" + where + f" ORDER BY source, target, {PASSAGE_ORDER}", params
    ).fetchall():
        passages.setdefault((s, t), []).append(
            {"source": [ss, se], "target": [ts, te], "similarity": round(sim, 4), "method": method})
    out = []
    for (s, t, rel, score, method, transformation, evidence, counts, distortion, shift,
         claims, framing) in rows:
        row = {"source": s, "target": t, "relation": rel, "score": round(score or 0.0, 4),
               "method": method, "transformation": json.loads(transformation or "[]"),
               "evidence": json.loads(evidence or "{}"), "passages": passages.get((s, t), []),
               "claims": json.loads(counts or "{}"), "distortion": distortion,
               "framing_shift": json.loads(shift or "{}")}
        if details:
            row["claim_changes"] = json.loads(claims or "{}").get("changes", [])
            row["framing"] = json.loads(framing or "{}")
        out.append(row)
    return out


def story_rows(store: Store, story_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Stories (all, or ``story_ids``) with their members, origins (members with no
    parent in the story) and the pairs of members that share only what both quote."""
    stories: dict[str, list[str]] = {}
    where, params = ("", []) if story_ids is None else (" WHERE list_contains(?, story_id)", [story_ids])
    for story, doc in store.con.execute(
            "SELECT story_id, doc_id FROM story_members" + where + " ORDER BY story_id, doc_id",
            params).fetchall():
        stories.setdefault(story, []).append(doc)
    story_of = {doc: story for story, docs in stories.items() for doc in docs}
    has_parent = {target for source, target in store.con.execute(
        "SELECT source, target FROM links WHERE parent").fetchall()
        if story_of.get(target) is not None and story_of.get(source) == story_of.get(target)}
    quoting: dict[str, list[list[str]]] = {}
    for a, b in store.con.execute("SELECT a, b FROM shared_quotes WHERE list_contains(?, a) "
                                  "ORDER BY a, b", [list(story_of)]).fetchall():
        if story_of.get(a) == story_of.get(b):
            quoting.setdefault(story_of[a], []).append([a, b])
    return [{"id": story, "documents": docs, "origins": [d for d in docs if d not in has_parent],
             "shared_quotes": quoting.get(story, [])}
            for story, docs in stories.items()]


def labels_by_document(store: Store, doc_ids: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """A document's labels: those of the links from its closest parent(s), one per name
    (the highest score), with the parent they describe; ``original`` for a document that
    has copies but no parent."""
    best: dict[str, dict[str, dict[str, Any]]] = {}
    has_children: set[str] = set()
    for link in link_rows(store, doc_ids=doc_ids):
        if link["relation"] != "derived":
            continue
        has_children.add(link["source"])
        for label in link["transformation"]:
            name = label.get("label", "")
            current = best.setdefault(link["target"], {}).get(name)
            if current is None or label.get("score", 0) > current.get("score", 0):
                best[link["target"]][name] = {**label, "parent": link["source"]}
    labels = {doc: list(by_name.values()) for doc, by_name in best.items()}
    for doc in has_children - set(labels):
        labels[doc] = [{"label": "original", "score": 1.0, "evidence": {}}]
    return labels


def write_export(store: Store, fmt: str, out: str | Path | None = None) -> Path | None:
    """Write the export in ``fmt`` to ``out`` (a path) or to stdout when ``out`` is None."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    if fmt == "json":
        _write_text(json.dumps(export_data(store), ensure_ascii=False, indent=2) + "\n", out)
    elif fmt == "jsonl":
        lines = (json.dumps(doc, ensure_ascii=False) for doc in export_data(store)["documents"])
        _write_text("".join(line + "\n" for line in lines), out)
    elif fmt == "csv":
        buffer = io.StringIO()
        rows = store.document_rows()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        writer.writerows(rows)
        _write_text(buffer.getvalue(), out)
    else:
        table = pa.Table.from_pylist(store.document_rows()) if store.count_documents() else \
            pa.table({"id": pa.array([], pa.string())})
        if out is None:
            sink = io.BytesIO()
            pq.write_table(table, sink)
            sys.stdout.buffer.write(sink.getvalue())
        else:
            pq.write_table(table, str(out))
    return Path(out) if out else None


def _write_text(text: str, out: str | Path | None, stream: IO[str] | None = None) -> None:
    if out is None:
        (stream or sys.stdout).write(text)
        return
    path = Path(out)
    if not path.parent.exists():
        raise UsageError(f"folder does not exist for --out: {path.parent}")
    path.write_text(text, encoding="utf-8")
