"""Shared helpers for benchmark scripts: generated articles and memory sampling."""

from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable

import psutil

_WORDS = ["the", "council", "government", "minister", "city", "river", "bridge", "harbour", "vote", "plan", "report", "union", "workers", "strike", "farmers", "water", "price", "market", "company", "police", "court", "judge", "election", "party", "leader", "school", "hospital", "road", "train", "station", "museum", "ship", "storm", "rain", "winter", "summer", "budget", "tax", "said", "announced", "warned", "agreed", "rejected", "approved", "opened", "closed", "started", "ended", "rose", "fell", "new", "old", "major", "local", "regional", "national", "public", "private", "early", "late", "first", "last", "several", "million", "percent", "week", "month", "year", "day", "people", "residents", "officials", "experts", "critics", "because", "after", "before", "while", "although", "during", "under", "over", "between", "against", "about"]


def article(rng: random.Random, n_words: int = 600) -> str:
    """A generated article of about ``n_words`` words in paragraphs of sentences."""
    return _paragraphs(rng, n_words, lambda length: rng.choices(_WORDS, k=length))


def _paragraphs(rng: random.Random, n_words: int, words_of: Callable[[int], list[str]]) -> str:
    """Paragraphs of 2-4 sentences of 8-24 words (``words_of(length)``) and a figure each."""
    paragraphs, count = [], 0
    while count < n_words:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            length = rng.randint(8, 24)
            words = words_of(length)
            words.append(str(rng.randint(2, 9999)))
            rng.shuffle(words)
            sentences.append(" ".join(words).capitalize() + ".")
            count += length + 1
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


_FUNCTION_WORDS = ["the", "a", "of", "and", "in", "to", "on", "for", "with", "said", "after",
                   "before", "while", "because", "under", "over", "against", "about", "was", "were"]


@functools.lru_cache(maxsize=1)
def _content_words() -> list[str]:
    """Common English words (wordfreq ships its lists; nothing is downloaded)."""
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", 20_000)[500:] if w.isalpha() and len(w) > 3]


def topical_article(rng: random.Random, n_words: int = 600, topic_words: int = 60) -> str:
    """A generated article about a topic of its own: its content words are drawn from
    ``topic_words`` words picked for it among 19,000 common ones, so two articles share
    little vocabulary and their embeddings differ (word salad from one small vocabulary,
    ``article``, makes every document every other's semantic neighbour)."""
    topic = rng.sample(_content_words(), topic_words)
    return _paragraphs(rng, n_words, lambda length: rng.choices(topic, k=length - length // 3)
                       + rng.choices(_FUNCTION_WORDS, k=length // 3))


class MemorySampler:
    """Samples this process's RSS in a thread: peak and a profile over time."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        process = psutil.Process()
        start = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - start, process.memory_info().rss))
            time.sleep(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return max(rss for _, rss in self.samples) / 1e6 if self.samples else 0.0

    def profile_mb(self, points: int = 5) -> list[float]:
        """RSS at evenly spaced moments of the run (flat means streaming)."""
        if not self.samples:
            return []
        step = max(1, len(self.samples) // points)
        return [round(rss / 1e6, 1) for _, rss in self.samples[::step]][:points + 1]


# ----------------------------------------------------------------------------- gate
#: The evaluation gate: each figure's pin, ("min", floor) or ("max", ceiling). Pinned at
#: 6d96a21 from the figures ``make eval`` and benchmarks/discovery.py printed there, with
#: about 0.5% of room below a count or a share (so another platform's floating point does
#: not trip them; a regression of more than a few items does). Figures that are a target
#: of their issue or 0 are pinned where they stand. A change that must cross a pin says
#: why in its commit and pins again. Figures are gated only when the benchmark runs with
#: its default options, which are what they were pinned with.
GATE: dict[str, tuple[str, float]] = {
    # benchmarks/pan.py: PAN13 text alignment, entire training corpus (0.9338)
    "pan.plagdet": ("min", 0.929),
    # benchmarks/lineage.py (issue 4): BASIL 0.9296 and 18; SheepDog 1,315, 1,314, 332
    "basil.stories_ari": ("min", 0.925),
    "basil.links_between_outlets": ("max", 18),
    "sheepdog.own_source_as_parent": ("min", 1308),
    "sheepdog.own_source_as_top_parent": ("min", 1307),
    "sheepdog.five_versions_together": ("min", 330),
    # benchmarks/discovery.py: pairs found 3,091 of 3,238; listed-false 8 of 3,099; direction 0.9605
    "discovery.pair_recall": ("min", 3075),
    "discovery.listed_false": ("max", 10),
    "discovery.direction": ("min", 0.955),
    # benchmarks/transform.py: BASIL articles flagged 0 of 300; SheepDog articles 9 of 300,
    # restylings 856 of 1,200; MixSet pooled per operation; WMT21 1,331 of 1,377 linked
    "transform.basil_flagged": ("max", 0),
    "transform.sheepdog_sources_flagged": ("max", 10),
    "transform.sheepdog_restylings_flagged": ("min", 850),
    "transform.mixset_polish_sentence": ("min", 0.945),  # 0.950 (570 of 600)
    "transform.mixset_polish_token": ("min", 0.750),  # 0.755 (453 of 600)
    "transform.mixset_rewrite": ("min", 0.908),  # 0.913 (548 of 600)
    "transform.wmt21_linked": ("min", 1324),
    # benchmarks/claims.py: planted changes 17/18 and 32/32, SheepDog slant 0.9403
    "claims.planted_recall": ("min", 17),
    "claims.planted_precision": ("min", 1.0),
    "claims.changes_on_unchanged": ("max", 0),
    "claims.slant_auroc": ("min", 0.935),
}

_measured: dict[str, float] = {}


def measured(name: str, value: float) -> float:
    """Record a gated figure of this run (``GATE``); returns it."""
    if name not in GATE:
        raise KeyError(f"{name} has no pin in benchmarks/_common.py GATE")
    _measured[name] = value
    return value


def gate(applies: bool = True) -> int:
    """Print each figure this run measured against its pin; 1 when one is crossed, so that
    ``make eval`` fails. With non-default options (``applies`` false) nothing is judged."""
    if not _measured:
        return 0
    if not applies:
        print("gate: not applied (the pins hold for the default options)")
        return 0
    crossed = []
    for name, value in _measured.items():
        kind, pin = GATE[name]
        if not (value >= pin if kind == "min" else value <= pin):
            crossed.append(f"{name} {value:g} ({kind} {pin:g})")
    if crossed:
        print("gate: FAILED, below a floor or above a ceiling: " + "; ".join(crossed))
        return 1
    count = len(_measured)
    print(f"gate: ok, {count} figure{'s' if count != 1 else ''} within {'their pins' if count != 1 else 'its pin'}")
    return 0
