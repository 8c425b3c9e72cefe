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
    from .lineage import credit_note, direction_note

    # Autoescape everything: article text and metadata are hostile input.
    env = Environment(loader=PackageLoader("newstrace", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["direction"] = lambda evidence: direction_note((evidence or {}).get("direction", {}))
    env.filters["credit"] = lambda evidence: credit_note((evidence or {}).get("credit"))
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
#: Node box, gaps between columns and rows, and the spacing of the edge ends along a box's
#: side (a copy with several parents gets a taller box, one port per parent).
_NODE_W, _NODE_H, _GAP_X, _GAP_Y, _PORT_GAP = 210, 46, 160, 22, 16
#: Characters of an edge label (transformation and score) that fit in ``_GAP_X`` at 11 px;
#: a longer label is shortened and given whole in its tooltip.
_EDGE_LABEL_CHARS = 22
_ORIGIN_COLOUR = "#b7791f"
_LABEL_COLOURS = {"verbatim": "#2b6cb0", "excerpt": "#2f855a", "paraphrase": "#805ad5",
                  "translation": "#00838f", "spun": "#c53030", "llm_rewrite": "#d53f8c"}
_OTHER_COLOUR = "#4a5568"


def _generations(graph: nx.DiGraph) -> dict[str, int]:
    import networkx as nx

    level: dict[str, int] = {}
    order = list(nx.topological_sort(graph)) if nx.is_directed_acyclic_graph(graph) else list(graph)
    for node in order:
        preds = [level[p] for p in graph.predecessors(node) if p in level]
        level[node] = max(preds) + 1 if preds else 0
    return level


def _box_height(graph: nx.DiGraph, node: str) -> float:
    ports = max(graph.in_degree(node), graph.out_degree(node))
    return max(_NODE_H, _PORT_GAP * (ports + 1))


def _layout(graph: nx.DiGraph) -> dict[str, tuple[float, float, float]]:
    """(x, y, height) of each node's box: generations as columns, each column in order of
    publication."""
    level = _generations(graph)
    columns: dict[int, list[str]] = {}
    for node in sorted(graph.nodes, key=lambda n: (graph.nodes[n].get("published") or "", n)):
        columns.setdefault(level.get(node, 0), []).append(node)
    boxes = {}
    for col, nodes in columns.items():
        y = 20.0
        for node in nodes:
            height = _box_height(graph, node)
            boxes[node] = (20.0 + col * (_NODE_W + _GAP_X), y, height)
            y += height + _GAP_Y
    return boxes


def _ports(edges: list[tuple[str, str]], boxes: dict[str, tuple[float, float, float]]
           ) -> dict[tuple[str, str], tuple[float, float]]:
    """Where each edge leaves its source and enters its target: spread along the boxes'
    sides in the order of the other ends, so edges into one copy neither meet nor cross."""
    def spread(end: int, other: int) -> dict[tuple[str, str], float]:
        at: dict[tuple[str, str], float] = {}
        by_node: dict[str, list[tuple[str, str]]] = {}
        for edge in edges:
            by_node.setdefault(edge[end], []).append(edge)
        for node, mine in by_node.items():
            _, y, height = boxes[node]
            mine.sort(key=lambda e: (boxes[e[other]][1], e[other]))
            for k, edge in enumerate(mine, 1):
                at[edge] = y + height * k / (len(mine) + 1)
        return at

    leaving, entering = spread(0, 1), spread(1, 0)
    return {edge: (leaving[edge], entering[edge]) for edge in edges}


def _edge_label(transformation: str, score: float) -> tuple[str, str]:
    """(shown text, full text) of an edge's label."""
    figure = f" {score:.2f}"
    shown = _short(transformation, _EDGE_LABEL_CHARS - len(figure)) + figure
    return shown.strip(), f"{transformation}{figure}".strip()


def lineage_svg(graph: nx.DiGraph) -> str:
    """A left-to-right SVG of a lineage graph: generations as columns, origins outlined
    in bold, each edge labelled with its transformation and score just before its arrow.
    All text is escaped."""
    boxes = _layout(graph)
    width = max((x + _NODE_W for x, _, _ in boxes.values()), default=_NODE_W) + 20
    height = max((y + h for _, y, h in boxes.values()), default=_NODE_H) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" width="{width:g}" '
           f'height="{height:g}" viewBox="0 0 {width:g} {height:g}" font-family="system-ui, sans-serif">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           f'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
           f'fill="{_OTHER_COLOUR}"/></marker></defs>']
    edges = list(graph.edges(data=True))
    ports = _ports([(s, t) for s, t, _ in edges], boxes)
    labels = []
    for source, target, data in edges:
        (y1, y2), x1, x2 = ports[source, target], boxes[source][0] + _NODE_W, boxes[target][0]
        transformation = data.get("transformation") or ""
        colour = _LABEL_COLOURS.get(transformation.split(",")[0], _OTHER_COLOUR)
        out.append(f'<path class="edge" d="M {x1:g} {y1:g} C {x1 + 60:g} {y1:g}, {x2 - 60:g} {y2:g}, '
                   f'{x2:g} {y2:g}" stroke="{colour}" stroke-width="2" fill="none" marker-end="url(#arrow)"/>')
        shown, full = _edge_label(transformation, data.get("score", 0))
        # drawn after every edge, on a white halo, so no line runs through a label
        labels.append(f'<text class="edge-label" x="{x2 - 10:g}" y="{y2 - 4:g}" font-size="11" '
                      f'text-anchor="end" fill="{colour}" stroke="#ffffff" stroke-width="3" '
                      f'paint-order="stroke">{html.escape(shown)}<title>{html.escape(full)}</title></text>')
    for node, (x, y, h) in boxes.items():
        data = graph.nodes[node]
        origin, source = data.get("origin"), data.get("source")
        detail = _node_detail(node, source, data.get("published"))
        heading_y = y + h / 2 - 5 if detail else y + h / 2 + 4
        out.append(f'<g class="node{" origin" if origin else ""}" data-id="{html.escape(node, quote=True)}">'
                   f'<rect x="{x:g}" y="{y:g}" width="{_NODE_W}" height="{h:g}" rx="6" '
                   f'fill="{"#fffbea" if origin else "#ffffff"}" '
                   f'stroke="{_ORIGIN_COLOUR if origin else "#a0aec0"}" stroke-width="{3 if origin else 1}"/>'
                   f'<text x="{x + 8:g}" y="{heading_y:g}" font-size="12" font-weight="600">'
                   f'{html.escape(_short(source or node, 28))}</text>'
                   f'<text x="{x + 8:g}" y="{y + h / 2 + 12:g}" font-size="11" fill="#4a5568">'
                   f'{html.escape(detail)}</text>'
                   f'<title>{html.escape(data.get("title") or node)}</title></g>')
    out.extend(labels)
    out.append("</svg>")
    return "\n".join(out)


def _node_detail(node: str, source: str | None, published: str | None) -> str:
    """A box's second line: the document's id under its outlet (the id alone heads a box
    without one), and its date."""
    return " ".join(part for part in (_short(node, 24) if source else "", published or "") if part)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def timeline_svg(graph: nx.DiGraph) -> str:
    """A story's spread over time: one row per document in publication order, a dot on a
    date axis coloured by how it was made (origins in gold, undated documents at the end),
    and a legend of those colours."""
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
    axis = 18 + row_h * len(rows)
    height = axis + 44
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{left + width + 40}" '
           f'height="{height}" font-family="system-ui, sans-serif" font-size="11">',
           f'<line x1="{left}" y1="{axis}" x2="{left + width}" y2="{axis}" stroke="#a0aec0"/>']
    if first and last:
        out.append(f'<text x="{left}" y="{axis + 16}">{first.isoformat()}</text>')
        out.append(f'<text x="{left + width}" y="{axis + 16}" text-anchor="end">{last.isoformat()}</text>')
    for i, (published, node, label, source) in enumerate(rows):
        y = 16 + i * row_h
        x = left + width + 20 if published == "9999" or not first else \
            left + width * (date.fromisoformat(published) - first).days / span
        out.append(f'<text x="{left - 10}" y="{y + 4}" text-anchor="end">'
                   f'{html.escape(_short(source or node, 34))}</text>')
        out.append(f'<circle class="event" cx="{x:.1f}" cy="{y}" r="6" fill="{_timeline_colour(label)}">'
                   f'<title>{html.escape(node)} · {html.escape(label)} · '
                   f'{html.escape(published if published != "9999" else "no date")}</title></circle>')
    x = float(left)
    # origins first, then each kind of copy as it first appears
    for label in sorted(dict.fromkeys(r[2] for r in rows), key=lambda lb: lb != "origin"):
        out.append(f'<g class="legend"><circle cx="{x + 5:g}" cy="{axis + 32}" r="5" '
                   f'fill="{_timeline_colour(label)}"/><text x="{x + 14:g}" y="{axis + 36}">'
                   f'{html.escape(label)}</text></g>')
        x += 24 + 6.5 * len(label)
    out.append("</svg>")
    return "\n".join(out)


def _timeline_colour(label: str) -> str:
    return _ORIGIN_COLOUR if label == "origin" else _LABEL_COLOURS.get(label, _OTHER_COLOUR)
