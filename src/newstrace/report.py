"""Report: one self-contained HTML file (no network needed) describing a store."""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from . import __version__
from .errors import UsageError
from .export import export_data
from .model import Document
from .store import Store

if TYPE_CHECKING:
    import networkx as nx


def template_environment() -> Environment:
    """The templates of the report and the web app, with their filters."""
    from .lineage import direction_note

    # Autoescape everything: article text and metadata are hostile input.
    env = Environment(loader=PackageLoader("newstrace", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["direction"] = lambda evidence: direction_note((evidence or {}).get("direction", {}))
    return env


def report_context(store: Store) -> dict[str, Any]:
    data = export_data(store)
    documents = data["documents"]
    by_id = {d["id"]: d for d in documents}
    links = data["links"]
    for link in links:
        link["source_title"] = by_id.get(link["source"], {}).get("title")
        link["target_title"] = by_id.get(link["target"], {}).get("title")
        link["labels"] = [t.get("label", "") for t in link["transformation"]]
    return {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "store": str(store.path),
        "documents": documents,
        "links": links,
        "stories": _story_views(store, data["stories"], by_id),
        "errors": store.errors(),
        "sources": Counter(d["source"] or "(unknown)" for d in documents).most_common(),
        "languages": Counter(d["language"] or "?" for d in documents).most_common(),
        "labels": Counter(label for link in links if link["relation"] == "derived"
                          for label in link["labels"]).most_common(),
        "aligned_views": _aligned_views(store, _detailed(store, links)),
    }


#: Side-by-side views in one report; a larger corpus is explored in the web app.
MAX_ALIGNED_VIEWS = 200


def _detailed(store: Store, links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The derivation links shown side by side, with their claim diff and framing."""
    from .export import link_rows

    chosen = [link for link in links if link["relation"] == "derived"][:MAX_ALIGNED_VIEWS]
    detailed = {(d["source"], d["target"]): d for d in link_rows(
        store, details=True, pairs=[(link["source"], link["target"]) for link in chosen])}
    return [{**link, **detailed.get((link["source"], link["target"]), {})} for link in chosen]


def _story_views(store: Store, stories: list[dict[str, Any]], by_id: dict[str, Any]) -> list[dict[str, Any]]:
    from .lineage import story_graphs

    graphs = story_graphs(store, [story["id"] for story in stories])
    views = []
    for story in stories:
        graph = graphs[story["id"]]
        origin = story["origins"][0] if story["origins"] else story["documents"][0]
        views.append({"id": story["id"], "documents": story["documents"], "origins": story["origins"],
                      "title": by_id.get(origin, {}).get("title") or origin,
                      "svg": lineage_svg(graph) if graph.number_of_edges() else "",
                      "timeline": timeline_svg(graph) if len(graph) > 1 else ""})
    return views


def _aligned_views(store: Store, links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    documents = {d.id: d for d in store.documents(sorted({x for link in links
                                                          for x in (link["source"], link["target"])}))}
    return [aligned_view(store, link, documents) for link in links]


def aligned_view(store: Store, link: dict[str, Any], documents: dict[str, Document] | None = None
                 ) -> dict[str, Any]:
    """Source and copy as escaped HTML: aligned passages marked, text the copy cut from
    the source and text it added marked apart, and the evidence tables of its labels.
    ``documents`` may hold the two documents, read beforehand with others."""
    documents = documents or {}
    source = documents.get(link["source"]) or store.document(link["source"])
    target = documents.get(link["target"]) or store.document(link["target"])
    evidence = {t.get("label"): t.get("evidence", {}) for t in link["transformation"]}
    cut = evidence.get("excerpt", {}).get("cut", [])
    added = (evidence.get("llm_rewrite", {}) or evidence.get("added_text", {})).get("added_passages", [])
    source_spans = [(s, e, "aligned") for s, e in (p["source"] for p in link["passages"])]
    source_spans += [(s, e, "cut") for s, e in cut]
    target_spans = [(s, e, "aligned") for s, e in (p["target"] for p in link["passages"])]
    target_spans += [(s, e, "added") for s, e in added]
    return {
        "source": link["source"], "target": link["target"], "score": link["score"],
        "labels": link.get("labels", []),
        "substitutions": evidence.get("spun", {}).get("substitutions", []),
        "style_markers": evidence.get("llm_rewrite", {}).get("style_markers", []),
        "claims": link.get("claims") or {}, "distortion": link.get("distortion"),
        "claim_changes": [c for c in link.get("claim_changes", [])
                          if not (c.get("status") == "dropped" and c.get("kind") == "statement")
                          and c.get("status") != "kept"],
        "framing": link.get("framing") or {},
        "source_html": mark_spans(source.text, source_spans),
        "target_html": mark_spans(target.text, target_spans),
    }


def mark_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` escaped for HTML, with each (start, end, class) span wrapped in <mark>;
    overlapping spans are clipped so the markup stays well formed."""
    out, cursor = [], 0
    for start, end, css in sorted(spans):
        start = max(start, cursor)
        if end <= start:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f'<mark class="{css}">{html.escape(text[start:end])}</mark>')
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def write_report(store: Store, out: str | Path) -> Path:
    path = Path(out)
    if not path.parent.exists():
        raise UsageError(f"folder does not exist for --out: {path.parent}")
    template = template_environment().get_template("report.html.j2")
    path.write_text(template.render(**report_context(store)), encoding="utf-8")
    return path.resolve()


# ----------------------------------------------------------------------------- lineage svg
_NODE_W, _NODE_H, _GAP_X, _GAP_Y = 210, 46, 90, 22
_LABEL_COLOURS = {"verbatim": "#2b6cb0", "excerpt": "#2f855a", "paraphrase": "#805ad5",
                  "translation": "#b7791f", "spun": "#c53030", "llm_rewrite": "#d53f8c"}


def _generations(graph: nx.DiGraph) -> dict[str, int]:
    import networkx as nx

    level: dict[str, int] = {}
    order = list(nx.topological_sort(graph)) if nx.is_directed_acyclic_graph(graph) else list(graph)
    for node in order:
        preds = [level[p] for p in graph.predecessors(node) if p in level]
        level[node] = max(preds) + 1 if preds else 0
    return level


def lineage_svg(graph: nx.DiGraph) -> str:
    """A left-to-right SVG of a lineage graph: generations as columns, origins outlined
    in bold, edges labelled with their transformation. All text is escaped."""
    level = _generations(graph)
    columns: dict[int, list[str]] = {}
    for node in sorted(graph.nodes, key=lambda n: (graph.nodes[n].get("published") or "", n)):
        columns.setdefault(level.get(node, 0), []).append(node)
    position: dict[str, tuple[float, float]] = {}
    for col, nodes in columns.items():
        for row, node in enumerate(nodes):
            position[node] = (20 + col * (_NODE_W + _GAP_X), 20 + row * (_NODE_H + _GAP_Y))
    width = 40 + (max(columns, default=0) + 1) * (_NODE_W + _GAP_X)
    height = 40 + max((len(v) for v in columns.values()), default=1) * (_NODE_H + _GAP_Y)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
           'fill="#4a5568"/></marker></defs>']
    for source, target, data in graph.edges(data=True):
        x1, y1 = position[source]
        x2, y2 = position[target]
        x1, y1, x2, y2 = x1 + _NODE_W, y1 + _NODE_H / 2, x2, y2 + _NODE_H / 2
        label = data.get("transformation") or ""
        colour = _LABEL_COLOURS.get(label.split(",")[0], "#4a5568")
        out.append(f'<path class="edge" d="M {x1} {y1} C {x1 + 40} {y1}, {x2 - 40} {y2}, {x2} {y2}" '
                   f'stroke="{colour}" stroke-width="2" fill="none" marker-end="url(#arrow)"/>')
        out.append(f'<text class="edge-label" x="{x2 - 8}" y="{y2 - 6}" '
                   f'font-size="11" text-anchor="end" fill="{colour}">'
                   f'{html.escape(label)} {data.get("score", 0):.2f}</text>')
    for node, (x, y) in position.items():
        data = graph.nodes[node]
        origin = data.get("origin")
        out.append(f'<g class="node{" origin" if origin else ""}" data-id="{html.escape(node, quote=True)}">'
                   f'<rect x="{x}" y="{y}" width="{_NODE_W}" height="{_NODE_H}" rx="6" '
                   f'fill="{"#fffbea" if origin else "#ffffff"}" stroke="{"#b7791f" if origin else "#a0aec0"}" '
                   f'stroke-width="{3 if origin else 1}"/>'
                   f'<text x="{x + 8}" y="{y + 18}" font-size="12" font-weight="600">'
                   f'{html.escape(_short(data.get("source") or node, 30))}</text>'
                   f'<text x="{x + 8}" y="{y + 35}" font-size="11" fill="#4a5568">'
                   f'{html.escape(_short(node, 24))} {html.escape(data.get("published") or "")}</text>'
                   f'<title>{html.escape(data.get("title") or node)}</title></g>')
    out.append("</svg>")
    return "\n".join(out)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def timeline_svg(graph: nx.DiGraph) -> str:
    """A story's spread over time: one row per document in publication order, a dot on a
    date axis coloured by how it was made (origins in gold, undated documents at the end)."""
    from datetime import date

    rows = []
    for node in graph.nodes:
        data = graph.nodes[node]
        parents = list(graph.predecessors(node))
        label = "origin" if data.get("origin") or not parents else \
            (graph.edges[parents[0], node].get("transformation") or "copy").split(",")[0]
        published = data.get("published") or ""
        rows.append((published or "9999", node, label, data.get("source") or ""))
    rows.sort()
    dated = [date.fromisoformat(r[0]) for r in rows if r[0] != "9999"]
    first, last = (min(dated), max(dated)) if dated else (None, None)
    span = max(1, (last - first).days) if first and last else 1
    left, width, row_h = 230, 460, 22
    height = 40 + row_h * len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{left + width + 40}" '
           f'height="{height}" font-family="system-ui, sans-serif" font-size="11">',
           f'<line x1="{left}" y1="{height - 22}" x2="{left + width}" y2="{height - 22}" stroke="#a0aec0"/>']
    if first and last:
        out.append(f'<text x="{left}" y="{height - 6}">{first.isoformat()}</text>')
        out.append(f'<text x="{left + width}" y="{height - 6}" text-anchor="end">{last.isoformat()}</text>')
    for i, (published, node, label, source) in enumerate(rows):
        y = 16 + i * row_h
        colour = "#b7791f" if label == "origin" else _LABEL_COLOURS.get(label, "#4a5568")
        x = left + width + 20 if published == "9999" or not first else \
            left + width * (date.fromisoformat(published) - first).days / span
        out.append(f'<text x="{left - 10}" y="{y + 4}" text-anchor="end">'
                   f'{html.escape(_short(source or node, 34))}</text>')
        out.append(f'<circle class="event" cx="{x:.1f}" cy="{y}" r="6" fill="{colour}">'
                   f'<title>{html.escape(node)} · {html.escape(label)} · '
                   f'{html.escape(published if published != "9999" else "no date")}</title></circle>')
    out.append("</svg>")
    return "\n".join(out)
