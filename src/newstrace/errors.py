"""Domain exceptions. The CLI turns these into one-line messages and exit codes."""

from __future__ import annotations


class NewstraceError(Exception):
    """Base class for every error newstrace raises on purpose."""

    exit_code = 1


class UsageError(NewstraceError):
    """The caller asked for something that cannot work (bad path, missing store...)."""

    exit_code = 2


class OptionsError(UsageError, ValueError):
    """An option value is out of range or of the wrong kind."""


class StoreError(NewstraceError):
    """The store file cannot be opened, is too new, or is damaged."""


class DocumentNotFound(NewstraceError, KeyError):
    """No document with that id is in the store."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "document not found"


class InputRejected(NewstraceError):
    """One input file or record cannot be ingested; carries the reason recorded."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
