"""The Python API: the same operations as the CLI, over a store path or an open ``Store``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .ingest import IngestReport, ingest_paths
from .options import Options
from .store import DEFAULT_DB, Store

StoreLike = Store | str | Path


def open_store(db: str | Path = DEFAULT_DB, *, must_exist: bool = False) -> Store:
    """Open (creating when needed) a store file."""
    return Store(db, must_exist=must_exist)


@contextmanager
def _store(db: StoreLike, must_exist: bool = False) -> Iterator[Store]:
    if isinstance(db, Store):
        yield db
        return
    with Store(db, must_exist=must_exist) as store:
        yield store


def ingest(paths: Iterable[str | os.PathLike[str]], db: StoreLike = DEFAULT_DB,
           options: Options | None = None, **kwargs: Any) -> IngestReport:
    """Ingest files/folders into the store; returns what was done and what was rejected."""
    with _store(db) as store:
        return ingest_paths(paths, store, options, **kwargs)


def analyze(db: StoreLike = DEFAULT_DB, options: Options | None = None) -> Any:
    """Find and align reused passages across the whole store (resumable)."""
    from .candidates import analyze_store

    with _store(db, must_exist=True) as store:
        return analyze_store(store, options or Options())


def trace(text: str, db: StoreLike = DEFAULT_DB, options: Options | None = None,
          title: str | None = None) -> Any:
    """Likely sources in the store of one new article, with aligned passages."""
    from .candidates import trace_text

    with _store(db, must_exist=True) as store:
        return trace_text(store, text, options or Options(), title=title)


def trace_url(url: str, db: StoreLike = DEFAULT_DB, options: Options | None = None) -> Any:
    """Fetch the article at an http(s) ``url`` (the one network request newstrace makes)
    and trace it like ``trace``."""
    from .candidates import trace_text
    from .ingest import fetch_url

    options = options or Options()
    with _store(db, must_exist=True) as store:
        text, _ = fetch_url(url, options)
        return trace_text(store, text, options, doc_id=url, url=url)
