from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from newstrace.cli import cli
from newstrace.store import Store

from .conftest import ARTICLE, made_up_text

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("ingest", "show", "errors", "export", "report"):
        assert re.search(rf"^\s+{command}\b", out, re.M), command


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in cli.commands:
        assert f"newstrace {name}" in readme, f"README does not document 'newstrace {name}'"


def test_architecture_names_what_its_modules_define() -> None:
    """Every module ARCHITECTURE.md's table lists exists, and every name it gives for one
    is in that module's source (a renamed function leaves no stale name behind)."""
    package = ROOT / "src" / "newstrace"
    rows = re.findall(r"^\| `(\w+\.py)` \|(.*)$", (ROOT / "ARCHITECTURE.md").read_text(), re.M)
    assert len(rows) >= 15
    for module, row in rows:
        source = (package / module).read_text()
        stale = [name for name in set(re.findall(r"`([A-Za-z_]\w*)`", row))
                 if not re.search(rf"\b{name}\b", source)]
        assert not stale, f"ARCHITECTURE.md names {stale} for {module}, which has no such names"


def test_ingest_exit_codes(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    code, _, err = run("ingest", str(corpus), "--db", db)
    assert code == 0, err
    (corpus / "bad.json").write_text("{broken")
    code, _, err = run("ingest", str(corpus), "--db", db)
    assert code == 1
    assert "1 rejected" in err
    code, _, err = run("ingest", str(tmp_path / "missing"), "--db", db)
    assert code == 2 and "no such file or folder" in err
    code, _, err = run("ingest", str(corpus), "--db", db, "--batch-size", "0")
    assert code == 2 and "batch_size" in err
    code, _, err = run("ingest", str(corpus), "--db", db, "--field", "nonsense")
    assert code == 2 and "NAME=INPUT_NAME" in err


def test_show_errors_and_missing_things(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    (corpus / "empty.txt").write_text("")
    run("ingest", str(corpus), "--db", db)
    code, out, _ = run("show", "plain.txt", "--db", db)
    assert code == 0 and "Breakwater plan" in out and "harbour authority" in out
    code, out, _ = run("show", "plain.txt", "--db", db, "--json")
    data = json.loads(out)
    assert data["id"] == "plain.txt" and data["sentences"][0][0] == 0
    code, out, _ = run("errors", "--db", db, "--json")
    assert json.loads(out)[0]["origin"] == "empty.txt"
    code, _, err = run("show", "nope", "--db", db)
    assert code == 1 and err.strip() == f"newstrace: error: no document with id 'nope' in {db}"
    code, _, err = run("show", "x", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no store" in err


def test_export_formats(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.duckdb")
    run("ingest", str(corpus), "--db", db)
    code, out, _ = run("export", "--db", db, "--format", "json")
    data = json.loads(out)
    assert data["schema"] == "newstrace.export/1"
    assert set(data) >= {"documents", "links", "stories"}
    doc = next(d for d in data["documents"] if d["id"] == "j1")
    assert {"id", "title", "published", "language", "source", "author", "labels"} <= set(doc)
    assert doc["published"] == "2024-02-03"
    code, out, _ = run("export", "--db", db, "--format", "jsonl")
    assert len(out.splitlines()) == len(data["documents"])
    code, out, _ = run("export", "--db", db, "--format", "csv")
    assert out.splitlines()[0].startswith("id,title,published")
    target = tmp_path / "docs.parquet"
    code, _, _ = run("export", "--db", db, "--format", "parquet", "--out", str(target))
    assert pq.read_table(target).num_rows == len(data["documents"])
    code, _, err = run("export", "--db", db, "--format", "xml")
    assert code == 2


def test_report_is_written_and_escapes_text(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "xss.jsonl").write_text(json.dumps(
        {"id": "evil", "title": "<script>alert(1)</script>", "text": ARTICLE + " <img src=x onerror=alert(2)>"}) + "\n")
    db = str(tmp_path / "x.duckdb")
    run("ingest", str(root), "--db", db)
    out = tmp_path / "r.html"
    code, stdout, _ = run("report", "--db", db, "--out", str(out))
    assert code == 0 and str(out) in stdout
    html = out.read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html and "https://" not in html  # self-contained


def test_crash_mid_ingest_then_rerun_completes(tmp_path: Path) -> None:
    """kill -9 a real ingest process after some batches committed; a rerun finishes."""
    root = tmp_path / "many"
    root.mkdir()
    n_files = 1500
    for i in range(n_files):
        (root / f"{i:05d}.txt").write_text(f"Title: Article {i}\n\n{ARTICLE} Number {i}.")
    db = tmp_path / "crash.duckdb"
    cmd = [sys.executable, "-m", "newstrace.cli", "ingest", str(root), "--db", str(db),
           "--batch-size", "50", "--verbose", "--quiet"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    commits = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("committed"):
            commits += 1
        if commits >= 3:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with Store(db) as store:
        partial = store.count_documents()
        assert 0 < partial < n_files
        done_before = len(store.done_files())
    rerun = subprocess.run(cmd[:-2] + ["--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert rerun.returncode == 0, rerun.stderr
    with Store(db) as store:
        assert store.count_documents() == n_files
        assert len(store.done_files()) == n_files
        ids = store.document_ids()
        assert len(ids) == len(set(ids))
        # Every stored document has its sentences: no half-written batch survived.
        orphans = store.con.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM segments s WHERE s.doc_id = d.id)").fetchone()[0]
        assert orphans == 0
    assert done_before > 0


def test_python_api_matches_cli(corpus: Path, tmp_path: Path) -> None:
    import newstrace

    with newstrace.open_store(tmp_path / "api.duckdb") as store:
        report = newstrace.ingest([corpus], store)
        assert report.documents_inserted == store.count_documents() == 9
        data = newstrace.export_data(store)
        assert len(data["documents"]) == 9


def test_story_and_document_ids_are_never_cut_short(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    ids = [f"crawl-2024/outlet-number-{i}/a-rather-long-article-path-name-{i}.html" for i in range(2)]
    texts = [ARTICLE, made_up_text(7, 30)]
    (root / "r.jsonl").write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, texts, strict=True)))
    db = str(tmp_path / "s.duckdb")
    run("ingest", str(root), "--db", db)
    assert run("analyze", "--db", db, "--preset", "fast")[0] == 0
    code, stdout, _ = run("stories", "--db", db)
    assert code == 0 and "…" not in stdout  # folded onto more lines, not truncated
    rows = [line.split("│")[1:-1] for line in stdout.splitlines() if line.startswith("│")]
    origins = "".join(cells[2].strip() for cells in rows)  # the origin(s) column, line by line
    for doc_id in ids:
        assert doc_id in origins
