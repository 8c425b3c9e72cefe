from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import newstrace
from newstrace import Options
from newstrace.errors import UsageError
from newstrace.web import MAX_UPLOAD_BYTES, check_bind, create_app

from .conftest import ARTICLE, DEMO

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
XSS = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web")
    corpus = root / "corpus"
    shutil.copytree(DEMO, corpus)
    (corpus / "hostile.jsonl").write_text(json.dumps(
        {"id": "hostile/<b>1</b>", "title": XSS, "source": XSS, "text": ARTICLE + " " + XSS}) + "\n")
    db = root / "web.duckdb"
    with newstrace.open_store(db) as store:
        newstrace.ingest([corpus], store)
        newstrace.analyze(store, Options(progress=False))
    return db


@pytest.fixture(scope="module")
def client(demo_db: Path) -> TestClient:
    return TestClient(create_app(demo_db))


def test_pages_render(client: TestClient) -> None:
    assert "Port Halden council votes" in client.get("/").text
    story = client.get("/story", params={"id": "bridge.txt"})
    assert story.status_code == 200 and "<svg" in story.text and "clickmill-bridge.txt" in story.text
    doc = client.get("/document", params={"id": "wire-digest/eastgate-bridge"})
    assert doc.status_code == 200 and "verbatim" in doc.text
    link = client.get("/link", params={"source": "veloria.html", "target": "veloria-llm.txt"})
    assert link.status_code == 200 and 'class="added"' in link.text and "llm_rewrite" in link.text
    # the demo's copies are dated after their sources: the dates decided the direction
    assert '<span id="direction">by published</span>' in link.text and "by published" in story.text
    assert "<td>credits halden herald</td>" in story.text  # the QuickNews brief names its source
    spun = client.get("/link", params={"source": "bridge.txt", "target": "newsfarm-bridge.txt"}).text
    assert "metropolis" in spun and "built-in method" not in spun
    assert '<span id="credit">does not name halden herald</span>' in spun
    credited = client.get("/link", params={"source": "bridge.txt", "target": "quicknews-bridge.html"}).text
    assert '<span id="credit">credits halden herald</span>' in credited
    assert client.get("/document", params={"id": "missing"}).status_code == 404


def test_search_by_text_source_and_date(client: TestClient) -> None:
    ids = lambda **p: {d["id"] for d in client.get("/api/documents", params=p).json()}  # noqa: E731
    assert "bridge.txt" in ids(q="Eastgate") and "museum.txt" not in ids(q="Eastgate")
    assert ids(source="wire-digest") == {"wire-digest/eastgate-bridge", "wire-digest/rail-strike"}
    assert ids(date_from="2025-09-01") == {"rail-strike.txt", "rail-strike-de.txt", "wire-digest/rail-strike"}


def test_article_text_is_escaped_everywhere(client: TestClient) -> None:
    for url, params in (("/", {}), ("/", {"q": "harbour"}), ("/document", {"id": "hostile/<b>1</b>"})):
        body = client.get(url, params=params).text
        assert "<script>window.__pwned" not in body and "onerror=\"window" not in body
    assert "&lt;script&gt;window.__pwned" in client.get("/document", params={"id": "hostile/<b>1</b>"}).text


def test_trace_api_and_form(client: TestClient) -> None:
    text = (DEMO / "clickmill-bridge.txt").read_text()
    sources = [r["source"] for r in client.post("/api/trace", json={"text": text}).json()]
    assert "newsfarm-bridge.txt" in sources[:2]
    page = client.post("/trace", files={"file": ("copy.txt", text.encode(), "text/plain")})
    assert page.status_code == 200 and "newsfarm-bridge.txt" in page.text
    too_big = client.post("/trace", files={"file": ("big.txt", b"a " * (MAX_UPLOAD_BYTES // 2 + 10), "text/plain")})
    assert too_big.status_code == 400 and "too large" in too_big.text
    assert client.post("/api/trace", json={"text": "x" * (MAX_UPLOAD_BYTES + 1)}).status_code == 422
    assert client.post("/trace", data={"text": "  "}).status_code == 400


def test_api_answers_match_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    examples = {"id": "bridge.txt", "source": "bridge.txt", "target": "newsfarm-bridge.txt", "q": "bridge"}
    for path, methods in schema["paths"].items():
        if not path.startswith("/api/") or "get" not in methods:
            continue
        params = {p["name"]: examples[p["name"]] for p in methods["get"].get("parameters", [])
                  if p.get("required")}
        response = client.get(path, params=params)
        assert str(response.status_code) in methods["get"]["responses"], path
        assert response.headers["content-type"].startswith("application/json")
        response.json()
        bad = client.get(path, params={k: "no such thing" for k in params})
        assert bad.status_code in (200, 404, 422), path


def test_token_and_bind_rules(demo_db: Path) -> None:
    with pytest.raises(UsageError):
        check_bind("0.0.0.0", allow_remote=False, token=None)
    with pytest.raises(UsageError):
        check_bind("0.0.0.0", allow_remote=True, token="short")
    check_bind("127.0.0.1", allow_remote=False, token=None)
    check_bind("::1", allow_remote=False, token=None)
    secured = TestClient(create_app(demo_db, token="a-long-enough-secret-token"))
    assert secured.get("/api/stories").status_code == 401
    assert secured.get("/api/stories", headers={"Authorization": "Bearer a-long-enough-secret-token"}).status_code == 200
    assert secured.get("/", params={"token": "a-long-enough-secret-token"}).status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(demo_db: Path):
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(demo_db), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_in_a_real_browser(live_server: str, demo_db: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(live_server + "/")
        assert "documents" in page.inner_text("#counts")
        page.click("#stories a.story >> text=Port Halden council votes")
        page.wait_for_selector("svg.lineage")
        assert page.locator("svg.timeline circle.event").count() == 5
        page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)
        page.click("#derivations a.link >> nth=0")
        page.wait_for_selector("#diff mark")
        assert page.locator("#diff mark").count() > 0
        page.screenshot(path=str(ARTIFACTS / "link.png"), full_page=True)
        page.goto(live_server + "/trace")
        page.fill("textarea[name=text]", (DEMO / "newsfarm-bridge.txt").read_text())
        page.click("#trace-form button")
        page.wait_for_selector("#trace-results")
        assert "bridge.txt" in page.inner_text("#trace-results")
        page.screenshot(path=str(ARTIFACTS / "trace.png"), full_page=True)
        page.goto(live_server + "/document?id=" + "hostile%2F%3Cb%3E1%3C%2Fb%3E")
        assert page.evaluate("window.__pwned") is None
        assert "<script>" in page.inner_text("#doc-title")
        # The static report in the same browser: self-contained, escaped.
        report = tmp_path / "report.html"
        with _readonly(demo_db) as store:
            newstrace.write_report(store, report)
        page.goto(report.as_uri())
        assert page.locator("svg.lineage").count() >= 1
        assert page.locator("table.claims").count() >= 1 and page.locator("svg.timeline").count() >= 1
        assert "by published" in page.inner_text("#links")  # what decided each direction
        assert page.evaluate("window.__pwned") is None
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        browser.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_lineage_pictures_are_legible(demo_db: Path, tmp_path: Path) -> None:
    """In the report's pictures, as a browser lays them out: no edge label covers a
    document's box or another label, edges into one copy end apart, and every dot of a
    timeline has a colour its legend names once."""
    from playwright.sync_api import sync_playwright

    report = tmp_path / "report.html"
    with _readonly(demo_db) as store:
        newstrace.write_report(store, report)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(report.as_uri())
        pictures = page.evaluate("""() => [...document.querySelectorAll('svg.lineage')].map(svg => ({
            labels: [...svg.querySelectorAll('.edge-label')].map(t => { const b = t.getBBox();
                return [b.x, b.y, b.x + b.width, b.y + b.height]; }),
            boxes: [...svg.querySelectorAll('.node rect')].map(r => { const b = r.getBBox();
                return [b.x, b.y, b.x + b.width, b.y + b.height]; }),
            ends: [...svg.querySelectorAll('path.edge')].map(e => e.getAttribute('d').split(' ').slice(-2).join(' '))}))""")
        timelines = page.evaluate("""() => [...document.querySelectorAll('svg.timeline')].map(svg => ({
            dots: [...svg.querySelectorAll('circle.event')].map(c => c.getAttribute('fill')),
            legend: [...svg.querySelectorAll('.legend')].map(g => [g.querySelector('circle').getAttribute('fill'),
                                                                   g.textContent])}))""")
        browser.close()

    def overlap(a: list[float], b: list[float]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    assert sum(len(pic["labels"]) for pic in pictures) >= 10
    for pic in pictures:
        assert not any(overlap(label, box) for label in pic["labels"] for box in pic["boxes"])
        assert not any(overlap(a, b) for i, a in enumerate(pic["labels"]) for b in pic["labels"][i + 1:])
        assert len(set(pic["ends"])) == len(pic["ends"])
    assert timelines
    for timeline in timelines:
        colours = [colour for colour, _ in timeline["legend"]]
        assert len(set(colours)) == len(colours) and set(timeline["dots"]) <= set(colours)
        assert "origin" in [name for _, name in timeline["legend"]]


def _readonly(db: Path):
    from newstrace.store import Store

    return Store(db, read_only=True)
