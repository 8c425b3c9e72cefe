"""Rich progress bars that switch themselves off when nobody is watching."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Tracker(Protocol):
    def advance(self, n: int = 1) -> None: ...
    def total(self, n: int | None) -> None: ...


class _RichTracker:
    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def advance(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)

    def total(self, n: int | None) -> None:
        self._progress.update(self._task, total=n)


class _NullTracker:
    def advance(self, n: int = 1) -> None:
        pass

    def total(self, n: int | None) -> None:
        pass


@contextmanager
def track(description: str, total: int | None = None, enabled: bool = True) -> Iterator[Tracker]:
    """A progress bar on stderr when ``enabled`` and stderr is a terminal."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal or "pytest" in sys.modules:
        yield _NullTracker()
        return
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        yield _RichTracker(progress, progress.add_task(description, total=total))
