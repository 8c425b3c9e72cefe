"""Trace latency: one 600-word article against a 10k-document store.

    .venv/bin/python benchmarks/trace.py [--n 10000] [--repeat 20] [--lexical]

Builds a store of generated articles, each on a topic of its own (ingest, then the
index analyze builds first: band keys and, unless --lexical, the document vectors that
trace's default semantic channel searches), then traces articles that copy part of a
stored one and articles that copy nothing, and prints the latency distribution (warm: the process already has its models loaded, as the web app
does). Target (issue 3): <= 1 s for a 600-word article against 10k documents.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import topical_article  # noqa: E402

from newstrace import Options, ingest, open_store, trace  # noqa: E402
from newstrace.candidates import _index_documents  # noqa: E402
from newstrace.copies import excerpt  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--lexical", action="store_true", help="lexical channel only")
    args = parser.parse_args()
    rng = random.Random(5)
    options = Options(progress=False, semantic=not args.lexical)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        root.mkdir()
        texts = []
        for i in range(args.n):
            texts.append(topical_article(rng, 600))
            (root / f"{i:06d}.txt").write_text(texts[-1])
        with open_store(Path(tmp) / "t.duckdb") as store:
            start = time.perf_counter()
            ingest([root], store, options)
            # trace reads the index only (band keys, document vectors), so the store is
            # indexed as analyze's first step does, without verifying candidate pairs
            documents = store.documents(store.document_ids())
            for batch in range(0, len(documents), 1000):
                _index_documents(store, documents[batch:batch + 1000], options)
            print(f"built a {args.n}-document store in {time.perf_counter() - start:.0f} s "
                  f"({'lexical' if args.lexical else 'lexical and semantic'} index)")
            # the first trace in a process loads the embedding model and reads the document
            # vectors, which later traces reuse while the store is unchanged
            start = time.perf_counter()
            trace("warm-up " + texts[0], store, options)
            print(f"first trace in this process: {(time.perf_counter() - start) * 1000:.0f} ms")
            hits, latencies = 0, []
            for k in range(args.repeat):
                i = rng.randrange(args.n)
                query = excerpt(texts[i], keep=0.6, seed=k) if k % 2 == 0 else topical_article(rng, 600)
                start = time.perf_counter()
                results = trace(query, store, options)
                latencies.append(time.perf_counter() - start)
                if k % 2 == 0:
                    hits += bool(results) and results[0].source == f"{i:06d}.txt"
            latencies.sort()
            p95 = latencies[max(0, int(0.95 * len(latencies)) - 1)]
            print(f"trace latency over {len(latencies)} articles of ~600 words: "
                  f"median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                  f"max {latencies[-1] * 1000:.0f} ms; copies traced to their source "
                  f"{hits}/{(args.repeat + 1) // 2}")


if __name__ == "__main__":
    main()
