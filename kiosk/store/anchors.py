"""Anchors of the audit chain: the head (count and hash) recorded outside the trail itself.

Why: the hash chain proves that no entry inside it was changed, but removing entries from the
end leaves a shorter chain that is just as valid. So the head after every fsynced entry is
also written to anchors, and ``kiosk audit verify`` compares the trail with each: a trail
shorter than an anchor, or whose entry at an anchor's count has another hash, lost or rewrote
entries. The anchors:

- the head file ``audit.head`` beside the trail (always; kiosk.store.layout);
- the heads stored with encounters and drafts (kiosk.store.partitions, kiosk.store.drafts);
- the system log (``audit_syslog`` in kiosk.toml), which a clinic usually ships off the host;
- any anchor registered with ``register_anchor`` (the clinic's central PostgreSQL, once that
  is configured in this product: it is not yet).

Only the head is written to an anchor: a count and a SHA-256, never patient data. An anchor
that cannot be written (no syslog daemon, a full disk) never fails the write it follows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from kiosk.store.files import write_atomic
from kiosk.store.layout import Layout

if TYPE_CHECKING:
    from kiosk.config import Settings

log = logging.getLogger("kiosk.store")

GENESIS = "0" * 64
"""The ``prev`` of the first entry: the head of an empty trail."""
SYSLOG_IDENT = "kiosk-audit"


@dataclass(frozen=True, slots=True)
class Head:
    """The chain head: how many entries the trail holds and the hash of the last one."""

    count: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "hash": self.hash}

    @classmethod
    def from_json(cls, data: object) -> Head | None:
        """A head read back from a file; None when ``data`` is not one."""
        if not isinstance(data, dict):
            return None
        count, digest = data.get("count"), data.get("hash")
        if not isinstance(count, int) or count < 0 or not isinstance(digest, str):
            return None
        if len(digest) != len(GENESIS):
            return None
        return cls(count, digest)


class UnreadableAnchorError(Exception):
    """An anchor exists but does not hold a head (emptied, garbled)."""


class AuditAnchor(Protocol):
    """Somewhere the chain head is recorded after each fsynced entry.

    ``record`` must not raise for an engine that is absent or down (log it, go on): the entry
    is already durable, and a lagging anchor is still a true lower bound. ``recorded`` returns
    the newest head it holds, None when it holds none or cannot be read back from this host
    (the system log: compare its last ``kiosk-audit`` line with ``kiosk audit verify``'s head);
    it raises :class:`UnreadableAnchorError` when it exists but holds no head.
    """

    name: str
    """Plain words for the reports: "the head file (audit.head)"."""

    def record(self, head: Head) -> None: ...

    def recorded(self) -> Head | None: ...


class HeadFile:
    """``audit.head``: the head after the last fsynced entry, replaced atomically.

    Written after the entry's fsync, so it never names an entry the disk may lose. It is
    replaced atomically but not fsynced: that would be one more fsync per save, and a power cut
    that loses the new version leaves the previous head, still a true lower bound. (ext4
    flushes a file renamed over another with the rename; a file system that does not may leave
    it empty after a power cut, which ``verify`` reports as unreadable rather than trusting.)
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"the head file ({path.name})"

    def record(self, head: Head) -> None:
        try:
            data = orjson.dumps(head.to_json()) + b"\n"
            write_atomic(self.path, data, sync_dir=False, sync_file=False)
        except OSError as error:
            log.warning("The audit head file could not be written (%s).", error.strerror)

    def recorded(self) -> Head | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            head = Head.from_json(orjson.loads(raw))
        except orjson.JSONDecodeError:
            head = None
        if head is None:
            raise UnreadableAnchorError(f"{self.name} is damaged or empty")
        return head


class SyslogAnchor:
    """The system log (journald or syslog, through ``/dev/log``), opt-in: ``audit_syslog``.

    One line per fsynced entry, ``audit head <count> <hash> folder=<data folder>``, under the
    ident ``kiosk-audit``. A clinic that ships its log off the host has a copy of every head
    that nobody on the host can shorten.
    """

    name = "the system log"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def record(self, head: Head) -> None:
        try:
            import syslog
        except ImportError:  # not a Unix host: nothing to write to
            return
        try:
            syslog.openlog(SYSLOG_IDENT, syslog.LOG_PID, syslog.LOG_AUTH)
            syslog.syslog(
                syslog.LOG_INFO, f"audit head {head.count} {head.hash} folder={self.data_dir}"
            )
        except (OSError, ValueError) as error:
            log.warning("The audit head could not be sent to the system log (%s).", error)

    def recorded(self) -> Head | None:
        return None


AnchorFactory = Callable[[Layout], AuditAnchor]
"""Builds an anchor for one data folder (what ``register_anchor`` takes)."""

_syslog = False
_registered: list[AnchorFactory] = []


def use_syslog(enabled: bool) -> None:
    """Send every head to the system log too (from the ``audit_syslog`` setting)."""
    global _syslog
    _syslog = enabled


def apply_settings(settings: Settings) -> None:
    """Use the anchors a clinic's settings ask for (call before opening a store)."""
    use_syslog(settings.audit_syslog)


def register_anchor(factory: AnchorFactory) -> None:
    """Add an anchor outside this module: the extension point for a central database.

    ``factory(layout)`` returns an :class:`AuditAnchor`; its ``record`` is called after every
    fsynced entry of that folder and ``recorded`` by ``kiosk audit verify``.
    """
    if factory not in _registered:
        _registered.append(factory)


def unregister_anchor(factory: AnchorFactory) -> None:
    if factory in _registered:
        _registered.remove(factory)


def outside_anchors(paths: Layout) -> list[AuditAnchor]:
    """The anchors beside the head file: the system log when asked for, registered ones."""
    found: list[AuditAnchor] = [SyslogAnchor(paths.root)] if _syslog else []
    return found + [factory(paths) for factory in _registered]


__all__ = [
    "GENESIS",
    "AuditAnchor",
    "Head",
    "HeadFile",
    "SyslogAnchor",
    "UnreadableAnchorError",
    "apply_settings",
    "outside_anchors",
    "register_anchor",
    "unregister_anchor",
    "use_syslog",
]
