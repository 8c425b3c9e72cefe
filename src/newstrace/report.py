"""Report: one self-contained HTML file (no network needed) describing a store."""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from . import __version__
from .errors import UsageError
from .export import export_data
from .store import Store


def _environment() -> Environment:
    # Autoescape everything: article text and metadata are hostile input.
    return Environment(loader=PackageLoader("newstrace", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def report_context(store: Store) -> dict[str, Any]:
    data = export_data(store)
    documents = data["documents"]
    by_id = {d["id"]: d for d in documents}
    links = data["links"]
    for link in links:
        link["source_title"] = by_id.get(link["source"], {}).get("title")
        link["target_title"] = by_id.get(link["target"], {}).get("title")
    return {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "store": str(store.path),
        "documents": documents,
        "links": links,
        "stories": data["stories"],
        "errors": store.errors(),
        "sources": Counter(d["source"] or "(unknown)" for d in documents).most_common(),
        "languages": Counter(d["language"] or "?" for d in documents).most_common(),
        "aligned_views": [_aligned_view(store, link) for link in links[:200]],
    }


def _aligned_view(store: Store, link: dict[str, Any]) -> dict[str, Any]:
    source, target = store.document(link["source"]), store.document(link["target"])
    return {
        "source": link["source"], "target": link["target"], "score": link["score"],
        "source_html": highlight(source.text, [p["source"] for p in link["passages"]]),
        "target_html": highlight(target.text, [p["target"] for p in link["passages"]]),
    }


def highlight(text: str, spans: list[list[int]]) -> str:
    """``text`` escaped for HTML with ``spans`` wrapped in <mark>; safe by construction."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, cursor = [], 0
    for start, end in merged:
        out.append(html.escape(text[cursor:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def write_report(store: Store, out: str | Path) -> Path:
    path = Path(out)
    if not path.parent.exists():
        raise UsageError(f"folder does not exist for --out: {path.parent}")
    template = _environment().get_template("report.html.j2")
    path.write_text(template.render(**report_context(store)), encoding="utf-8")
    return path.resolve()
