"""One sync: this data folder's outbox and audit trail into the central database.

Encounters: the outbox's documents after its position, in batches, each batch one
transaction; the position moves only after the commit. A kill before the commit loses
nothing (the batch is pushed again); a kill after it and before the position moved pushes
the batch again, and the upsert keyed by (id, version) leaves what is there: no duplicate.

Audit events: read from the trail itself, from the entry after the newest one the database
holds of this origin (so the database, not a local file, says how far it has them). Each
entry must continue the chain (its ``prev`` the hash before it, its seq the next): a break is
said and nothing past it is pushed (``kiosk audit verify`` shows where).

Only one process of a data folder pushes at a time (the outbox's sync lock); another one
finding it held does nothing. A push that sent encounters leaves one "sync" audit entry
(counts only), itself pushed next time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from kiosk.store.anchors import GENESIS
from kiosk.store.audit import AuditTrail
from kiosk.store.outbox import Outbox
from kiosk.sync.central import CentralError, audit_head, put_audit, put_encounters, reason

if TYPE_CHECKING:
    import psycopg

BATCH = 500
SYNC_STAFF = "system:sync"


@dataclass
class SyncResult:
    encounters: int = 0
    """Documents pushed (new in the database)."""
    sent: int = 0
    """Outbox lines sent (a line pushed again counts here, not above)."""
    audit: int = 0
    """Audit events pushed."""
    damaged: int = 0
    """Outbox lines that failed their check (skipped; ``kiosk check`` reports them)."""
    busy: bool = False
    """Another process of this folder was pushing: nothing done."""

    def summary(self) -> str:
        if self.busy:
            return "another process is syncing this data folder now: nothing done"
        text = f"{self.encounters} encounter(s) and {self.audit} audit event(s) pushed"
        if self.sent != self.encounters:
            text += f" ({self.sent - self.encounters} already in the database)"
        if self.damaged:
            text += f"; {self.damaged} damaged outbox line(s) skipped (run `kiosk check`)"
        return text


def sync_once(data_dir: Path, conn: psycopg.Connection[Any], *, batch: int = BATCH) -> SyncResult:
    """Push everything owed now; CentralError when the database fails midway (what was
    committed stays committed, the rest is pushed next time)."""
    import psycopg

    from kiosk.store.layout import Layout

    layout = Layout(data_dir)
    outbox = Outbox(layout)
    origin = outbox.enable()
    result = SyncResult()
    with outbox.pushing() as held:
        if not held:
            result.busy = True
            return result
        try:
            _push_encounters(outbox, origin, conn, batch, result)
            if result.sent:
                AuditTrail(data_dir).append(
                    "sync",
                    staff=SYNC_STAFF,
                    detail=f"pushed {result.sent} encounter(s) to the central database",
                )
            _push_audit(AuditTrail(data_dir), origin, conn, batch * 4, result)
        except psycopg.Error as error:
            raise CentralError(f"The sync stopped: {reason(error)}.") from None
    return result


def _push_encounters(
    outbox: Outbox, origin: str, conn: psycopg.Connection[Any], batch: int, result: SyncResult
) -> None:
    while True:
        pending, damaged = outbox.pending(batch)
        result.damaged = max(result.damaged, damaged)
        if not pending:
            return
        with conn.transaction():
            result.encounters += put_encounters(conn, origin, [p.document for p in pending])
        outbox.mark_sent(pending[-1].log, pending[-1].end)
        result.sent += len(pending)


def _push_audit(
    trail: AuditTrail, origin: str, conn: psycopg.Connection[Any], batch: int, result: SyncResult
) -> None:
    seq, last = audit_head(conn, origin)
    prev = last or GENESIS
    chunk: list[dict[str, Any]] = []
    for entry in entries_after(trail, seq):
        if int(entry["seq"]) != seq + 1 or entry["prev"] != prev:
            _flush(conn, origin, chunk, result)
            raise CentralError(
                f"The audit trail does not continue the chain the central database holds "
                f"after entry {seq}: run `kiosk audit verify`."
            )
        seq, prev = int(entry["seq"]), str(entry["hash"])
        chunk.append(entry)
        if len(chunk) >= batch:
            _flush(conn, origin, chunk, result)
            chunk = []
    _flush(conn, origin, chunk, result)


def _flush(
    conn: psycopg.Connection[Any], origin: str, chunk: list[dict[str, Any]], result: SyncResult
) -> None:
    if chunk:
        with conn.transaction():
            put_audit(conn, origin, chunk)
        result.audit += len(chunk)


def entries_after(trail: AuditTrail, seq: int) -> Iterator[dict[str, Any]]:
    """The trail's complete entries with a seq above ``seq``, in order, starting in the file
    that holds the next one (earlier months' files are not read)."""
    files = trail.files()
    start = 0
    for number, path in enumerate(files):
        first = _first_seq(path)
        if first is not None and first <= seq + 1:
            start = number
    for path in files[start:]:
        try:
            handle = path.open("rb")
        except FileNotFoundError:  # renamed by a rotation since the listing: next time
            return
        with handle:
            damaged = False  # a line that cannot be read: fatal only among the unpushed
            for line in handle:
                if not line.endswith(b"\n"):
                    return  # being written now (or torn): next time
                try:
                    entry = orjson.loads(line)
                    number = int(entry["seq"])
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                    damaged = True
                    continue
                if number <= seq:
                    damaged = False
                    continue
                if damaged:
                    raise CentralError(
                        f"An audit entry after {seq} cannot be read: run `kiosk audit verify`."
                    )
                yield entry


def _first_seq(path: Path) -> int | None:
    try:
        with path.open("rb") as handle:
            return int(orjson.loads(handle.readline())["seq"])
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
