"""Story grouping at scale: time and memory for 10k and 100k generated articles.

    .venv/bin/python benchmarks/stories.py [--sizes 10000 100000]

Articles are generated as members of events: each event has a lead vector, a date and a
set of named entities; its articles are noisy copies of them spread over two days. The
script prints the time and peak memory of ``stories.group`` and the adjusted Rand index
against the generated events. Target (issue 4): near-linear growth.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections import Counter
from datetime import date, timedelta

import numpy as np

from newstrace.stories import StoryInput, adjusted_rand_index, group


def generate(n: int, rng: np.random.Generator) -> tuple[list[StoryInput], list[str]]:
    per_event = 4
    n_events = max(1, n // per_event)
    start = date(2020, 1, 1)
    days = max(30, n_events // 40)  # ~40 new events a day, as a large news crawl
    docs, truth = [], []
    for event in range(n_events):
        centre = rng.normal(size=512).astype(np.float32)
        centre /= np.linalg.norm(centre)
        when = start + timedelta(days=int(rng.integers(0, days)))
        names = [f"entity{event}-{k}" for k in range(3)] + [f"common{rng.integers(0, 50)}"]
        for copy in range(per_event):
            noise = rng.normal(size=512).astype(np.float32)
            vector = centre + 0.55 * noise / np.linalg.norm(noise)
            vector /= np.linalg.norm(vector)
            docs.append(StoryInput(f"e{event}-{copy}", vector, Counter(names[: 2 + copy % 3]),
                                   when + timedelta(days=int(rng.integers(0, 2)))))
            truth.append(str(event))
    return docs, truth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    previous = None
    for n in args.sizes:
        docs, truth = generate(n, rng)
        tracemalloc.start()
        start = time.perf_counter()
        stories, membership = group(docs)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        ari = adjusted_rand_index(truth, [membership[d.id] for d in docs])
        growth = f", x{elapsed / previous[1]:.1f} time for x{n / previous[0]:.0f} articles" if previous else ""
        print(f"{n} articles: {len(stories)} stories in {elapsed:.1f} s "
              f"({n / elapsed:.0f} articles/s), peak traced memory {peak / 1e6:.0f} MB, "
              f"ARI {ari:.3f}{growth}")
        previous = (n, elapsed)


if __name__ == "__main__":
    main()
