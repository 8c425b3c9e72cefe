"""Candidate generation growth: time from 1k to 100k generated documents.

    .venv/bin/python benchmarks/candidates.py [--sizes 1000 10000 100000] [--words 300]

For each size: sentence units and MinHash band keys for every document (datasketch), the
keys written to a fresh store, then the SQL candidate query over all documents. A tenth
of the documents are excerpts of others, so there is reuse to find. Prints seconds per
phase and the growth factor between sizes (target: near-linear).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import article  # noqa: E402

from newstrace.align import units_of  # noqa: E402
from newstrace.candidates import band_keys, lexical_candidates  # noqa: E402
from newstrace.copies import excerpt  # noqa: E402
from newstrace.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--words", type=int, default=300)
    args = parser.parse_args()
    previous = None
    for n in args.sizes:
        rng = random.Random(n)
        texts = []
        for i in range(n):
            if i % 10 == 9:
                texts.append(excerpt(texts[rng.randrange(len(texts))], keep=0.5, seed=i))
            else:
                texts.append(article(rng, args.words))
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "c.duckdb") as store:
            start = time.perf_counter()
            ids, keys = [], []
            for i, text in enumerate(texts):
                doc_keys = band_keys(units_of(text))
                ids.extend([f"d{i}"] * len(doc_keys))
                keys.extend(doc_keys.tolist())
            signed = time.perf_counter()
            store.insert_arrow("bands", "key, doc_id", pa.table({"key": pa.array(keys, pa.int64()),
                                                                "doc_id": ids}))
            stored = time.perf_counter()
            pairs = lexical_candidates(store, [f"d{i}" for i in range(n)])
            done = time.perf_counter()
        expected = {f"d{i}" for i in range(9, n, 10)}
        found = {b for a, b in pairs if b in expected} | {a for a, b in pairs if a in expected}
        total = done - start
        growth = f"; x{total / previous[1]:.1f} time for x{n / previous[0]:.0f} documents" if previous else ""
        print(f"{n} documents: signatures {signed - start:.1f} s, store {stored - signed:.1f} s, "
              f"candidate query {done - stored:.1f} s ({len(pairs)} pairs, excerpts found "
              f"{len(found)}/{len(expected)}); total {total:.1f} s{growth}")
        previous = (n, total)


if __name__ == "__main__":
    main()
