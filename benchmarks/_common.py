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
