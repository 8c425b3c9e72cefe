"""newstrace: news provenance forensics.

    >>> import newstrace
    >>> with newstrace.open_store("news.duckdb") as store:
    ...     report = newstrace.ingest(["corpus/"], store)
    ...     data = newstrace.export_data(store)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import analyze, ingest, open_store, trace, trace_url  # noqa: E402
from .errors import (  # noqa: E402
    DocumentNotFound,
    InputRejected,
    NewstraceError,
    OptionsError,
    StoreError,
    UsageError,
)
from .export import export_data, write_export  # noqa: E402
from .model import Document, Rejection  # noqa: E402
from .options import Options  # noqa: E402
from .report import write_report  # noqa: E402
from .store import Store  # noqa: E402

__all__ = [
    "Document", "DocumentNotFound", "InputRejected", "NewstraceError", "Options", "OptionsError",
    "Rejection", "Store", "StoreError", "UsageError", "__version__", "analyze", "export_data",
    "ingest", "open_store", "trace", "trace_url", "write_export", "write_report",
]
