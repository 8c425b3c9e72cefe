"""Command-line interface: a thin layer over the library.

Exit status: 0 success; 1 some input was rejected (the rest ingested) or a domain error;
2 usage error (bad option, missing file or store).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Column, Table

from . import __version__
from .errors import NewstraceError, OptionsError
from .export import FORMATS, write_export
from .options import FIELD_ALIASES, PRESETS, Options
from .store import DEFAULT_DB, Store

_console = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)


def _id_column(header: str) -> Column:
    """A table column of document or story ids: wrapped, never cut short with an ellipsis,
    since an id is what the next command is given."""
    return Column(header, overflow="fold")


def _domain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library exceptions into one clear line on stderr and an exit status."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewstraceError as exc:
            click.echo(f"newstrace: error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def _db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", default=DEFAULT_DB, show_default=True,
                        type=click.Path(dir_okay=False), help="The store file (DuckDB).")(func)


def _options_from(preset: str, **changes: Any) -> Options:
    return Options.preset(preset, **{k: v for k, v in changes.items() if v is not None})


def _preset_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--preset", type=click.Choice(sorted(PRESETS)), default="default",
                        show_default=True, help="Named set of options.")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newstrace")
def cli() -> None:
    """newstrace: which news articles copy or rewrite which, how, and what changed."""


_FIELD_HELP = "; ".join(f"{k}: {', '.join(v[:4])}" for k, v in FIELD_ALIASES.items())


@cli.command(epilog=f"JSON/CSV field names recognised (first match wins): {_FIELD_HELP}. "
             "Map others with --field, e.g. --field text=story_body --field published=ts.")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_db_option
@_preset_option
@click.option("--field", "fields", multiple=True, metavar="NAME=INPUT_NAME",
              help="Read canonical field NAME from INPUT_NAME in JSON/CSV records.")
@click.option("--max-bytes", type=int, help="Reject files larger than this (default 50 MB).")
@click.option("--batch-size", type=int, help="Documents per committed transaction.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@click.option("--verbose", "-v", is_flag=True, help="Log each committed batch to stderr.")
@_domain_errors
def ingest(paths: tuple[str, ...], db: str, preset: str, fields: tuple[str, ...],
           max_bytes: int | None, batch_size: int | None, quiet: bool, verbose: bool) -> None:
    """Read articles from files and folders into the store.

    Formats: .txt (optional 'Title: ...' header block), .html/.htm, .json/.jsonl, .csv/.tsv,
    .warc/.warc.gz and RSS/Atom (.rss/.atom/.xml). Re-running is idempotent and resumes
    an interrupted run. Exit 0 when all input was ingested, 1 when some was rejected
    (see 'newstrace errors'), 2 on a usage error.
    """
    from .api import ingest as api_ingest

    field_map = _parse_field_map(fields)
    options = _options_from(preset, max_file_bytes=max_bytes, batch_size=batch_size,
                            field_map=field_map or None, progress=not quiet)

    def on_commit(n_docs: int, n_files: int) -> None:
        if verbose:
            click.echo(f"committed {n_docs} documents, {n_files} files", err=True)

    report = api_ingest(paths, db, options, on_commit=on_commit)
    if not quiet:
        _err.print(
            f"[bold]{report.documents_inserted}[/] new, {report.documents_updated} updated, "
            f"{report.documents_unchanged} unchanged documents from {report.files_seen} files "
            f"({report.files_skipped} already ingested); "
            f"[{'red' if report.rejected else 'green'}]{report.rejected} rejected[/], "
            f"{report.warnings} warnings → {db}")
        for rejection in report.rejections[:10]:
            _err.print(f"  {rejection.severity}: {rejection.origin}: {rejection.reason}",
                       markup=False, highlight=False)
        if len(report.rejections) > 10:
            _err.print(f"  … {len(report.rejections) - 10} more: newstrace errors --db {db}")
    sys.exit(report.exit_code)


def _parse_field_map(fields: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for item in fields:
        name, sep, source = item.partition("=")
        if not sep or not name or not source:
            raise OptionsError(f"--field takes NAME=INPUT_NAME, got {item!r}")
        mapping[name.strip()] = source.strip()
    return mapping


@cli.command()
@click.argument("doc_id")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_domain_errors
def show(doc_id: str, db: str, as_json: bool) -> None:
    """Show one document's metadata and text."""
    with Store(db, must_exist=True) as store:
        doc = store.document(doc_id)
    if as_json:
        data = doc.as_dict()
        data["sentences"] = [list(s) for s in doc.sentences]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(show_header=False, box=None)
    for key, value in doc.as_dict(with_text=False).items():
        if value not in (None, ""):
            table.add_row(f"[bold]{key}[/]", str(value))
    _console.print(table)
    _console.print()
    _console.print(doc.text, markup=False, highlight=False)
    if doc.evidence:
        _console.print("\n[bold]removed from the body:[/]")
        for item in doc.evidence:
            _console.print(f"  {item['kind']}: {item['text']!r}", markup=False, highlight=False)


@cli.command()
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_domain_errors
def errors(db: str, as_json: bool) -> None:
    """List inputs that were rejected (error) or ingested with a caveat (warning)."""
    with Store(db, must_exist=True) as store:
        rows = store.errors()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        _console.print("no input problems recorded")
        return
    table = Table(_id_column("input"), "severity", "reason")
    for row in rows:
        table.add_row(row["origin"], row["severity"], row["reason"])
    _console.print(table)


@cli.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@_domain_errors
def export(db: str, fmt: str, out: str | None) -> None:
    """Export documents, links and stories (JSON schema newstrace.export/1)."""
    with Store(db, must_exist=True) as store:
        path = write_export(store, fmt, out)
    if path:
        click.echo(f"wrote {path}", err=True)


@cli.command()
@_db_option
@click.option("--out", default="newstrace-report.html", show_default=True,
              type=click.Path(dir_okay=False), help="The HTML file to write.")
@_domain_errors
def report(db: str, out: str) -> None:
    """Write a self-contained HTML report of the store and print its path."""
    from .report import write_report

    with Store(db, must_exist=True) as store:
        path = write_report(store, out)
    click.echo(f"Report written to {Path(path)}")


@cli.command()
@_db_option
@_preset_option
@click.option("--no-semantic", is_flag=True, help="Lexical candidates only (no embeddings).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@_domain_errors
def analyze(db: str, preset: str, no_semantic: bool, quiet: bool) -> None:
    """Find and align reused passages across the whole store (resumable)."""
    from .api import analyze as api_analyze

    options = _options_from(preset, progress=not quiet, semantic=False if no_semantic else None)
    report = api_analyze(db, options)
    if not quiet:
        _err.print(f"analyzed {report.documents_analyzed} documents "
                   f"({report.documents_skipped} unchanged since the last run): "
                   f"{report.candidate_pairs} candidate pairs, {report.links} links → {db}")


@cli.command()
@click.argument("article")
@_db_option
@_preset_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--no-semantic", is_flag=True, help="Lexical candidates only (no embeddings).")
@_domain_errors
def trace(article: str, db: str, preset: str, as_json: bool, no_semantic: bool) -> None:
    """Likely sources in the store of one article (a file path, an http(s) URL to fetch,
    or - for stdin)."""
    from .api import trace as api_trace
    from .api import trace_url
    from .errors import UsageError
    from .ingest import decode_bytes

    options = _options_from(preset, progress=False, semantic=False if no_semantic else None)
    if article.startswith(("http://", "https://")):
        results = trace_url(article, db, options)
    else:
        if article == "-":
            text = sys.stdin.read()
        else:
            path = Path(article.removeprefix("file://"))
            if not path.is_file():
                raise UsageError(f"no such file: {article}")
            text, _ = decode_bytes(path.read_bytes())
        results = api_trace(text, db, options)
    if as_json:
        click.echo(json.dumps({"article": article, "sources": [r.as_dict() for r in results]},
                              ensure_ascii=False, indent=2))
        return
    if not results:
        _console.print("no likely source found in the store")
        return
    table = Table(_id_column("source"), "title", "score", "method", "passages")
    for r in results:
        table.add_row(r.source, r.title or "", f"{r.score:.2f}", r.method,
                      ", ".join(f"{p.source[0]}-{p.source[1]} → {p.target[0]}-{p.target[1]}"
                                for p in r.passages[:4]))
    _console.print(table)


@cli.command()
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_domain_errors
def stories(db: str, as_json: bool) -> None:
    """List stories: documents grouped by event, with their origins."""
    from .export import story_rows

    with Store(db, must_exist=True) as store:
        rows = story_rows(store)
        titles = dict(store.con.execute("SELECT id, title FROM documents").fetchall())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        _console.print("no stories yet: run 'newstrace analyze' first")
        return
    table = Table(_id_column("story"), "documents", _id_column("origin(s)"), "title")
    for row in rows:
        table.add_row(row["id"], str(len(row["documents"])), "\n".join(row["origins"]),
                      titles.get(row["origins"][0] if row["origins"] else row["documents"][0]) or "")
    _console.print(table)


@cli.command()
@click.argument("story_or_doc")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "graphml", "svg"]),
              default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@_domain_errors
def lineage(story_or_doc: str, db: str, fmt: str, out: str | None) -> None:
    """The lineage graph of a story (by story id or any member's id): origin(s) and the
    closest parent of each copy."""
    import io

    import networkx as nx

    from .lineage import story_graph
    from .report import lineage_svg

    with Store(db, must_exist=True) as store:
        graph = story_graph(store, story_or_doc)
    if fmt == "json":
        text = json.dumps(nx.node_link_data(graph, edges="links"), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(graph, buffer)
        text = buffer.getvalue().decode("utf-8")
    elif fmt == "svg":
        text = lineage_svg(graph) + "\n"
    else:
        lines = [f"story {graph.graph['story']}: {graph.number_of_nodes()} documents"]
        for node in sorted(graph.nodes, key=lambda n: graph.nodes[n].get("published") or ""):
            data = graph.nodes[node]
            parents = list(graph.predecessors(node))
            role = "origin" if data.get("origin") else (
                "copy of " + ", ".join(_parent_note(p, graph.edges[p, node]) for p in parents)
                if parents else "independent")
            lines.append(f"  {node} [{data.get('source')}, {data.get('published') or 'no date'}]: {role}")
        text = "\n".join(lines) + "\n"
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


def _parent_note(parent: str, edge: dict[str, Any]) -> str:
    """``parent (labels score; what decided the direction; credit)`` for the text lineage."""
    from .lineage import direction_note

    labels = edge["transformation"].replace(",", ", ")
    direction = direction_note({"by": edge.get("direction"), "reversed_by": edge.get("reversed_by")})
    credit = f"; {edge['credit']}" if edge.get("credit") else ""
    return f"{parent} ({labels} {edge['score']:.2f}; direction {direction}{credit})"


@cli.command()
@click.argument("source_id")
@click.argument("copy_id")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_domain_errors
def diff(source_id: str, copy_id: str, db: str, as_json: bool) -> None:
    """What COPY_ID did to the facts and framing of SOURCE_ID: each claim kept, altered,
    dropped or added, attribution problems, and the framing shift per entity. When the two
    are linked, a side mostly made of other material is compared where the passages are."""
    from .candidates import passages_between
    from .claims import diff_linked
    from .framing import compare_framing

    with Store(db, must_exist=True) as store:
        source, copy = store.document(source_id), store.document(copy_id)
        passages = passages_between(store, source_id, copy_id)
    claim_diff = diff_linked(source.text, copy.text, passages)
    framing = compare_framing(source.text, copy.text)
    if as_json:
        click.echo(json.dumps({"source": source_id, "copy": copy_id, "claims": claim_diff.as_dict(),
                               "framing": framing.as_dict()}, ensure_ascii=False, indent=2))
        return
    counts = claim_diff.counts()
    _console.print(f"[bold]{source_id}[/] → [bold]{copy_id}[/]: "
                   + ", ".join(f"{v} {k}" for k, v in counts.items())
                   + f"; distortion {claim_diff.distortion():.2f}", highlight=False)
    colours = {"altered": "yellow", "dropped": "red", "added": "cyan"}
    table = Table("status", "kind", "source", "copy", "what changed")
    for change in claim_diff.changes:
        if change.status == "kept" or (change.status == "dropped" and change.kind == "statement"):
            continue
        what = ", ".join(change.changed) + (f" ({change.note})" if change.note else "")
        if change.editorial:
            what = (what + " editorial").strip()
        table.add_row(f"[{colours[change.status]}]{change.status}[/]", change.kind,
                      _clip(change.source.text if change.source else ""),
                      _clip(change.copy.text if change.copy else ""), what)
    _console.print(table)
    dropped = sum(1 for c in claim_diff.changes if c.status == "dropped" and c.kind == "statement")
    if dropped:
        _console.print(f"{dropped} source sentences have no counterpart in the copy (cut).")
    frame = Table("entity", "source tone", "copy tone", "shift", "blamed (source → copy)")
    for e in framing.entities:
        frame.add_row(e.entity, _tone(e.source), _tone(e.copy), f"{e.shift:+.2f}",
                      f"{'yes' if e.blamed_in_source else 'no'} → {'yes' if e.blamed_in_copy else 'no'}")
    _console.print(frame)
    _console.print(f"loaded words and exclamations added per 100 words: {framing.emphasis_added:+.2f}"
                   f"{' — slanted' if framing.slanted else ''}")


def _clip(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tone(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


@cli.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host (needs --token).")
@click.option("--token", help="Secret every request must carry (Bearer header or ?token=).")
@_domain_errors
def serve(db: str, host: str, port: int, allow_remote: bool, token: str | None) -> None:
    """Run the local web app (search, stories, documents, links, trace; JSON API with
    OpenAPI at /openapi.json). Listens on 127.0.0.1 unless told otherwise."""
    from .web import check_bind
    from .web import serve as run_server

    check_bind(host, allow_remote, token)
    Store(db, must_exist=True).close()  # a clear error now rather than on the first request
    _err.print(f"newstrace web app on http://{host}:{port}/ (Ctrl-C to stop)")
    run_server(db, host, port, allow_remote=allow_remote, token=token)


@cli.group()
def pan() -> None:
    """PAN text-alignment interface: detect on listed pairs, evaluate against truth."""


@pan.command("detect")
@click.option("--pairs", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--src", "src_dir", required=True, type=click.Path(file_okay=False))
@click.option("--susp", "susp_dir", required=True, type=click.Path(file_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--workers", type=int, default=None, help="Processes (default: all cores).")
@_domain_errors
def pan_detect_command(pairs: str, src_dir: str, susp_dir: str, out_dir: str,
                       workers: int | None) -> None:
    """Write one PAN detection XML per pair listed in PAIRS."""
    from .evaluate import pan_detect

    n = pan_detect(Path(pairs), Path(src_dir), Path(susp_dir), Path(out_dir), workers=workers)
    _err.print(f"{n} detections written to {out_dir}")


@pan.command("eval")
@click.option("--truth", "truth_dir", required=True, type=click.Path(file_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_domain_errors
def pan_eval_command(truth_dir: str, out_dir: str, as_json: bool) -> None:
    """Print PAN's precision, recall, granularity and plagdet per category and overall."""
    from .evaluate import pan_evaluate

    results = pan_evaluate(Path(truth_dir), Path(out_dir))
    if as_json:
        click.echo(json.dumps({k: m.as_dict() for k, m in results.items()}, indent=2))
        return
    table = Table("category", "plagdet", "precision", "recall", "granularity", "cases", "detections")
    for name, m in results.items():
        table.add_row(name, f"{m.plagdet:.4f}", f"{m.precision:.4f}", f"{m.recall:.4f}",
                      f"{m.granularity:.4f}", str(m.cases), str(m.detections))
    _console.print(table)


def main() -> None:
    cli(prog_name="newstrace")


if __name__ == "__main__":
    main()
