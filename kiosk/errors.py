"""Errors the core raises with a message meant for a person, never a traceback."""

from __future__ import annotations

from pathlib import Path


class KioskError(Exception):
    """Base class: ``str(error)`` is a complete, plain-language message."""


class ConfigError(KioskError):
    """A configuration or range file is missing, malformed or holds a bad value."""

    def __init__(self, file: Path | str | None, key: str | None, reason: str) -> None:
        self.file = str(file) if file is not None else None
        self.key = key
        self.reason = reason
        where = self.file or "configuration"
        if key:
            where += f", key '{key}'"
        super().__init__(f"{where}: {reason}")


class StoreError(KioskError):
    """The encounter store could not read or write (full disk, I/O error, damaged file)."""


def plain_error(error: BaseException | None) -> str:
    """A one-line message for a person: KioskError text as is, others by kind, no traceback
    (an exception's own text may quote patient data)."""
    if error is None:
        return "unknown error"
    if isinstance(error, KioskError):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.strerror or type(error).__name__} ({Path(str(error.filename or '')).name})"
    return type(error).__name__
