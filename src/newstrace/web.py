"""Web: a local app to explore a store: search, stories, documents, links, trace.

FastAPI + Jinja2 (autoescaped: article text is hostile input). HTML pages and a JSON API
(``/api/...``, OpenAPI at ``/openapi.json``) over the same library calls. Binds loopback
by default; ``serve`` refuses another address unless asked explicitly and given a token,
which every request must then carry (``Authorization: Bearer TOKEN`` or ``?token=``).
Document ids may contain slashes, so they travel as query parameters, never as paths.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from .errors import DocumentNotFound, InputRejected, NewstraceError, UsageError
from .options import Options
from .store import Store

#: Largest upload or pasted article accepted by trace (bytes).
MAX_UPLOAD_BYTES = 2_000_000
PAGE_SIZE = 50


class TraceRequest(BaseModel):
    text: str = Field(..., max_length=MAX_UPLOAD_BYTES, description="Article text or HTML")
    title: str | None = None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, allow_remote: bool, token: str | None) -> None:
    """Refuse a non-loopback address unless explicitly allowed and protected by a token."""
    if is_loopback(host):
        return
    if not allow_remote:
        raise UsageError(f"refusing to listen on {host}: not a loopback address "
                         "(pass --allow-remote and --token to expose the app)")
    if not token or len(token) < 16:
        raise UsageError("--allow-remote needs --token of at least 16 characters")


class _StoreAccess:
    """One read-only connection shared by requests, one at a time (DuckDB connections are
    not for concurrent use from several threads)."""

    def __init__(self, db: Path) -> None:
        self.store = Store(db, must_exist=True, read_only=True)
        self.lock = threading.Lock()

    @contextmanager
    def __call__(self) -> Iterator[Store]:
        with self.lock:
            yield self.store


def create_app(db: str | Path, token: str | None = None, options: Options | None = None) -> FastAPI:
    from .export import link_rows, story_rows
    from .lineage import story_graph
    from .report import aligned_view, lineage_svg, template_environment, timeline_svg

    access = _StoreAccess(Path(db))
    options = (options or Options()).replace(progress=False)
    env = template_environment()
    app = FastAPI(title="newstrace", description="News provenance: stories, copies, lineage, "
                  "claims. Document ids are passed as query parameters.")

    @app.middleware("http")
    async def require_token(request: Request,
                            call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if token is not None:
            given = request.query_params.get("token") or \
                request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), token.encode()):
                return JSONResponse({"detail": "missing or wrong token"}, status_code=401)
        return await call_next(request)

    @app.exception_handler(NewstraceError)
    async def domain_error(request: Request, exc: NewstraceError) -> Response:
        status = 404 if isinstance(exc, DocumentNotFound) else 400
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return HTMLResponse(page("error.html.j2", message=str(exc)), status_code=status)

    def page(name: str, **context: Any) -> str:
        return env.get_template(name).render(token=token, **context)

    def search_rows(store: Store, q: str, source: str, date_from: str, date_to: str,
                    limit: int) -> list[dict[str, Any]]:
        sql = ("SELECT id, title, source, published, language FROM documents WHERE 1=1")
        params: list[Any] = []
        if q:
            sql += " AND (title ILIKE ? OR text ILIKE ? OR id ILIKE ?)"
            params += [f"%{q}%"] * 3
        if source:
            sql += " AND source ILIKE ?"
            params.append(f"%{source}%")
        if date_from:
            sql += " AND published >= TRY_CAST(? AS DATE)"
            params.append(date_from)
        if date_to:
            sql += " AND published <= TRY_CAST(? AS DATE)"
            params.append(date_to)
        sql += " ORDER BY published NULLS LAST, id LIMIT ?"
        params.append(limit)
        rows = store.con.execute(sql, params).fetchall()
        return [{"id": r[0], "title": r[1], "source": r[2],
                 "published": r[3].isoformat() if r[3] else None, "language": r[4]} for r in rows]

    def document_view(store: Store, doc_id: str) -> dict[str, Any]:
        doc = store.document(doc_id)
        links = link_rows(store, doc_ids=[doc_id])
        story = store.con.execute("SELECT story_id FROM story_members WHERE doc_id = ?", [doc_id]).fetchone()
        from .export import labels_by_document
        from .transform import source_blind_signals

        return {"document": doc.as_dict(), "labels": labels_by_document(store, [doc_id]).get(doc_id, []),
                "signals": source_blind_signals(doc),
                "parents": [link for link in links if link["target"] == doc_id and link["relation"] == "derived"],
                "children": [link for link in links if link["source"] == doc_id and link["relation"] == "derived"],
                "story": story[0] if story else None}

    def find_link(store: Store, source: str, target: str) -> dict[str, Any]:
        for link in link_rows(store, details=True, pair=(source, target)):
            return link
        raise DocumentNotFound(f"no link from {source!r} to {target!r}")

    def run_trace(text: str, title: str | None) -> list[dict[str, Any]]:
        from .candidates import trace_text

        if len(text.encode("utf-8", "ignore")) > MAX_UPLOAD_BYTES:
            raise UsageError(f"article too large: the limit is {MAX_UPLOAD_BYTES // 1_000_000} MB")
        if not text.strip():
            raise UsageError("paste an article or choose a file to trace")
        with access() as store:
            try:
                return [r.as_dict() for r in trace_text(store, text, options, title=title)]
            except InputRejected as exc:
                raise UsageError(f"cannot trace this input: {exc.reason}") from None

    # ------------------------------------------------------------------ HTML pages
    @app.get("/", response_class=HTMLResponse)
    def index(q: str = "", source: str = "", date_from: str = "", date_to: str = "") -> str:
        with access() as store:
            results = search_rows(store, q, source, date_from, date_to, PAGE_SIZE)
            largest = [r[0] for r in store.con.execute(
                "SELECT story_id FROM story_members GROUP BY story_id "
                "ORDER BY count(*) DESC, story_id LIMIT ?", [PAGE_SIZE]).fetchall()]
            stories = story_rows(store, largest)
            stories.sort(key=lambda st: (-len(st["documents"]), st["id"]))
            wanted = [st["origins"][0] if st["origins"] else st["documents"][0] for st in stories]
            titles = dict(store.con.execute("SELECT id, title FROM documents WHERE list_contains(?, id)",
                                            [wanted]).fetchall())
            counts = {"documents": store.count_documents(),
                      "links": store.scalar("SELECT count(*) FROM links"),
                      "stories": store.scalar("SELECT count(DISTINCT story_id) FROM story_members")}
        return page("index.html.j2", q=q, source=source, date_from=date_from, date_to=date_to,
                    results=results, stories=stories, titles=titles, counts=counts)

    @app.get("/story", response_class=HTMLResponse)
    def story_page(id: str) -> str:  # noqa: A002
        with access() as store:
            graph = story_graph(store, id)
            story = story_rows(store, [graph.graph["story"]])[0]
            members = store.documents(sorted(graph.nodes))
            links = [link for link in link_rows(store, doc_ids=sorted(graph.nodes))
                     if link["relation"] == "derived" and link["target"] in graph.nodes]
        return page("story.html.j2", story=story, svg=lineage_svg(graph), timeline=timeline_svg(graph),
                    members=[d.as_dict(with_text=False) for d in members], links=links)

    @app.get("/document", response_class=HTMLResponse)
    def document_page(id: str) -> str:  # noqa: A002
        with access() as store:
            view = document_view(store, id)
        return page("document.html.j2", **view)

    @app.get("/link", response_class=HTMLResponse)
    def link_page(source: str, target: str) -> str:
        with access() as store:
            link = find_link(store, source, target)
            view = aligned_view(store, link)
        return page("link.html.j2", link=link, view=view)

    @app.get("/trace", response_class=HTMLResponse)
    def trace_form() -> str:
        return page("trace.html.j2", results=None)

    @app.post("/trace", response_class=HTMLResponse)
    async def trace_submit(text: Annotated[str, Form()] = "",
                           file: Annotated[UploadFile | None, File()] = None) -> str:
        if file is not None and file.filename:
            data = await file.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise UsageError(f"file too large: the limit is {MAX_UPLOAD_BYTES // 1_000_000} MB")
            from .ingest import decode_bytes

            try:
                text, _ = decode_bytes(data)
            except InputRejected as exc:
                raise UsageError(f"cannot read the file: {exc.reason}") from None
        results = run_trace(text, None)
        return page("trace.html.j2", results=results, pasted=text[:2000])

    # ------------------------------------------------------------------ JSON API
    @app.get("/api/documents")
    def api_documents(q: str = "", source: str = "", date_from: str = "", date_to: str = "",
                      limit: int = Query(PAGE_SIZE, ge=1, le=1000)) -> list[dict[str, Any]]:
        """Search documents by text, source and publication date."""
        with access() as store:
            return search_rows(store, q, source, date_from, date_to, limit)

    @app.get("/api/document")
    def api_document(id: str) -> dict[str, Any]:  # noqa: A002
        """One document: metadata, text, labels, parents and children."""
        with access() as store:
            return document_view(store, id)

    @app.get("/api/stories")
    def api_stories() -> list[dict[str, Any]]:
        with access() as store:
            return story_rows(store)

    @app.get("/api/story")
    def api_story(id: str) -> dict[str, Any]:  # noqa: A002
        """A story's lineage graph (nodes and closest-parent edges)."""
        import networkx as nx

        with access() as store:
            return nx.node_link_data(story_graph(store, id), edges="links")

    @app.get("/api/link")
    def api_link(source: str, target: str) -> dict[str, Any]:
        """A link with passages, labels, claim changes and framing."""
        with access() as store:
            return find_link(store, source, target)

    @app.post("/api/trace")
    def api_trace(request: TraceRequest) -> list[dict[str, Any]]:
        """Likely sources in the store of an article."""
        return run_trace(request.text, request.title)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    app.state.close = access.store.close
    return app


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8765, *, allow_remote: bool = False,
          token: str | None = None) -> None:
    import uvicorn

    check_bind(host, allow_remote, token)
    uvicorn.run(create_app(db, token=token), host=host, port=port, log_level="info")
