"""Web app latency: main pages and trace on a 10k-document store, under a bounded local load.

    .venv/bin/python benchmarks/web.py [--n 10000] [--requests 200] [--concurrency 4]

Builds a store of generated articles, serves it with uvicorn on 127.0.0.1 in a child
process, and sends a bounded number of requests from this process (httpx, a few at a
time). Prints p50/p95 per page. Target (issue 7): p95 < 300 ms for pages.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import article  # noqa: E402

from newstrace import Options, analyze, ingest, open_store  # noqa: E402
from newstrace.copies import excerpt  # noqa: E402


def _serve(db: str, port: int) -> None:
    import uvicorn

    from newstrace.web import create_app

    uvicorn.run(create_app(db, options=Options(semantic=False)), host="127.0.0.1", port=port,
                log_level="warning")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="build the store here, or reuse it if present")
    args = parser.parse_args()
    rng = random.Random(9)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        root.mkdir()
        texts = []
        for i in range(args.n):
            texts.append(excerpt(texts[rng.randrange(i)], keep=0.6, seed=i) if i % 20 == 19 else article(rng, 600))
            (root / f"{i:06d}.txt").write_text(f"Title: Article {i}\n\n{texts[-1]}")
        db = args.keep / "web.duckdb" if args.keep else Path(tmp) / "w.duckdb"
        options = Options(progress=False, semantic=False)
        start = time.perf_counter()
        if not db.exists():
            db.parent.mkdir(parents=True, exist_ok=True)
            with open_store(db) as store:
                ingest([root], store, options)
                analyze(store, options)
            print(f"built a {args.n}-document store in {time.perf_counter() - start:.0f} s", flush=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        # spawn, not fork: a forked child inherits locks held by DuckDB's and BLAS's threads.
        server = multiprocessing.get_context("spawn").Process(target=_serve, args=(str(db), port),
                                                              daemon=True)
        server.start()
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(base + "/openapi.json", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            pages = {
                "search": lambda: ("GET", "/", {"q": rng.choice(["council", "river", "budget"])}),
                "document": lambda: ("GET", "/document", {"id": f"{rng.randrange(args.n):06d}.txt"}),
                "story": lambda: ("GET", "/story", {"id": f"{rng.randrange(args.n):06d}.txt"}),
                "trace": lambda: ("POST", "/api/trace", {"text": excerpt(texts[rng.randrange(args.n)], keep=0.5, seed=1)}),
            }
            with httpx.Client(base_url=base, timeout=30) as client:
                for name, make in pages.items():
                    def one(_: int, make=make) -> float:
                        method, path, params = make()
                        start = time.perf_counter()
                        if method == "GET":
                            response = client.get(path, params=params)
                        else:
                            response = client.post(path, json=params)
                        elapsed = time.perf_counter() - start
                        if response.status_code >= 500:
                            raise RuntimeError(f"{path}: {response.status_code}")
                        return elapsed
                    count = args.requests if name != "trace" else max(20, args.requests // 5)
                    with ThreadPoolExecutor(args.concurrency) as pool:
                        latencies = sorted(pool.map(one, range(count)))
                    p95 = latencies[int(0.95 * (len(latencies) - 1))]
                    print(f"{name:9} {count} requests, {args.concurrency} at a time: "
                          f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
        finally:
            server.terminate()
            server.join()


if __name__ == "__main__":
    main()
