"""Incremental analysis: the cost of adding a few articles to an analyzed store.

    .venv/bin/python benchmarks/incremental.py [--sizes 500 2000] [--batch 10] [--words 300]
        [--lexical] [--store PATH]

For each size, a store of generated articles on topics of their own, a quarter of them
copies (excerpts, spun copies, copies of copies) so that lineage has links to settle, is
ingested and analyzed whole. Then ``--batch`` new articles (half of them copies of stored
ones) are ingested and analyzed, and analysis is run once more with nothing new. Prints
the seconds of each step. Issue 4 asks that new articles join the store without
recomputing everything: the added batch should cost about what its own pairs cost, not
what the store's size does.

Generated articles are short and human-written, so they leave lineage little to do. With
``--store``, a copy of an analyzed store (``benchmarks/lineage.py --keep DIR``,
``benchmarks/discovery.py --db PATH``) takes the batch instead: lineage is redone first
(a store analyzed by older code lacks what newer code keeps between updates), then the
batch, half of it copies of stored documents, is added and analyzed.

Measured (2 cores) at 3db3e02, against 6961d0e before lineage kept its work between updates:
generated stores of 500 and 2,000 documents, 10 more in 0.4 s and 1.1 s (0.5 s and 1.2 s
before); the SheepDog store of benchmarks/lineage.py (1,800 documents) 2.5 s (9.3 s); the
PAN13 discovery store, default preset (5,054 documents) 4.9 s (13.4 s).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import topical_article  # noqa: E402

from newstrace import Options, analyze, ingest, open_store  # noqa: E402
from newstrace.copies import excerpt, spin  # noqa: E402


def derived(rng: random.Random, texts: list[str], seed: int) -> str:
    """A copy of a random earlier text: an excerpt or a spun copy."""
    source = texts[rng.randrange(len(texts))]
    return excerpt(source, keep=0.6, seed=seed) if seed % 2 else spin(source, rate=0.3, seed=seed)


def corpus(rng: random.Random, n: int, words: int, start: int = 0, texts: list[str] | None = None
           ) -> list[str]:
    texts = list(texts or [])
    made = []
    for i in range(start, start + n):
        text = derived(rng, texts, i) if texts and i % 4 == 3 else topical_article(rng, words)
        texts.append(text)
        made.append(text)
    return made


def write(folder: Path, name: str, texts: list[str], first: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w") as out:
        for i, text in enumerate(texts, start=first):
            out.write(json.dumps({"id": f"doc-{i:06d}", "text": text}) + "\n")


def timed(step):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def into_store(path: Path, batch_size: int, options: Options) -> None:
    from newstrace.lineage import update_lineage

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(path, root / "s.duckdb")
        with open_store(root / "s.duckdb") as store:
            _, settle_s = timed(lambda: update_lineage(store, options))
            ids = [row[0] for row in store.con.execute("SELECT id FROM documents ORDER BY id").fetchall()]
            stored = [d.text for d in store.documents(rng.sample(ids, min(len(ids), batch_size)))]
            batch = [derived(rng, stored, i) if i % 2 else topical_article(rng, 300) for i in range(batch_size)]
            added = add_batch(store, root, batch, 10**6, options)
    print(f"{path.name}: {len(ids)} documents, lineage redone in {settle_s:.1f} s; {added}")


def add_batch(store, root: Path, batch: list[str], first: int, options: Options) -> str:  # type: ignore[no-untyped-def]
    """Ingest and analyze ``batch``, then analyze again with nothing new: what each cost."""
    write(root / "batch", "more.jsonl", batch, first)
    ingest([root / "batch"], store, options)
    added, added_s = timed(lambda: analyze(store, options))
    _, again_s = timed(lambda: analyze(store, options))
    return (f"{len(batch)} more {added_s:.1f} s ({added.candidate_pairs} candidate pairs, "
            f"{added.links} links); again with nothing new {again_s:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--lexical", action="store_true", help="no embeddings")
    parser.add_argument("--store", type=Path, help="add the batch to a copy of this analyzed store")
    args = parser.parse_args()
    options = Options(progress=False, semantic=not args.lexical)
    if args.store:
        into_store(args.store, args.batch, options)
        return
    for n in args.sizes:
        rng = random.Random(n)
        texts = corpus(rng, n, args.words)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write(root / "base", "docs.jsonl", texts, 0)
            with open_store(root / "s.duckdb") as store:
                ingest([root / "base"], store, options)
                whole, whole_s = timed(lambda: analyze(store, options))
                # half copies of stored articles, half new ones
                batch = [derived(rng, texts, n + i) if i % 2 else topical_article(rng, args.words)
                         for i in range(args.batch)]
                added = add_batch(store, root, batch, n, options)
        print(f"{n} documents: whole analysis {whole_s:.1f} s ({whole.links} links); {added}")


if __name__ == "__main__":
    main()
