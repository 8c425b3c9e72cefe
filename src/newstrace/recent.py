"""Least-recently-used caches bounded by a budget in the caller's unit (content tokens,
sentence vectors, texts): per-document work that an analysis, a trace or the web app
meets again. Thread-safe, as the web app serves requests from several threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentCache(Generic[K, V]):
    """The values kept last, by key, weighing at most ``budget`` in all (``weigh`` gives a
    value's weight, 1 by default). A value heavier than the whole budget is not kept."""

    def __init__(self, budget: int, weigh: Callable[[V], int] = lambda _: 1) -> None:
        if budget < 0:
            raise ValueError(f"budget must be >= 0, got {budget}")
        self.budget = budget
        self.weigh = weigh
        self.entries: OrderedDict[K, V] = OrderedDict()
        self.weight = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept under ``key`` (now the most recent), or None."""
        with self._lock:
            if key not in self.entries:
                return None
            self.entries.move_to_end(key)
            return self.entries[key]

    def put(self, key: K, value: V) -> None:
        weight = self.weigh(value)
        with self._lock:
            if key in self.entries or weight > self.budget:
                return
            self.entries[key] = value
            self.weight += weight
            while self.weight > self.budget:
                _, dropped = self.entries.popitem(last=False)
                self.weight -= self.weigh(dropped)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value kept under ``key``, or ``make()``'s, then kept."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found
