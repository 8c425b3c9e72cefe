"""Ingest throughput and memory: 10,000 generated ~600-word plain-text articles.

    .venv/bin/python benchmarks/ingest.py [--n 10000] [--words 600]

Prints documents/second, peak RSS and the RSS profile over the run (flat = streaming).
Target (issue 2): >= 300 docs/s on 2 cores for plain text.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MemorySampler, article  # noqa: E402

from newstrace import Options, ingest, open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        root.mkdir()
        for i in range(args.n):
            (root / f"{i:06d}.txt").write_text(f"Title: Article {i}\n\n{article(rng, args.words)}")
        size_mb = sum(p.stat().st_size for p in root.iterdir()) / 1e6
        print(f"generated {args.n} articles of ~{args.words} words ({size_mb:.1f} MB)")
        with MemorySampler() as memory, open_store(Path(tmp) / "bench.duckdb") as store:
            start = time.perf_counter()
            report = ingest([root], store, Options(progress=False))
            elapsed = time.perf_counter() - start
        assert report.documents_inserted == args.n, report.as_dict()
        print(f"ingested {args.n} documents in {elapsed:.1f} s: {args.n / elapsed:.0f} docs/s")
        print(f"peak RSS {memory.peak_mb:.0f} MB; RSS profile (MB) {memory.profile_mb()}")


if __name__ == "__main__":
    main()
