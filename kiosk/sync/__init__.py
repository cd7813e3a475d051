"""The shared record on PostgreSQL (``central_database``): migrations, the push of this data
folder's outbox and audit trail, the background sync, and patient history read from it.

The face of the package; names load on first use (PEP 562), so ``import kiosk.sync`` does not
import psycopg. ``central`` (connecting, the upserts and reads), ``migrations`` (the versioned
schema the kiosk applies itself), ``push`` (one sync: outbox and audit trail to the database),
``worker`` (the background sync thread: backoff, never blocking a save) and ``history`` (a
patient's visits from the database, falling back to this host's store, saying so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk import lazy_names

if TYPE_CHECKING:  # the names as mypy and editors see them
    from kiosk.sync.central import CentralError as CentralError
    from kiosk.sync.central import connect as connect
    from kiosk.sync.history import PatientHistory as PatientHistory
    from kiosk.sync.migrations import migrate as migrate
    from kiosk.sync.push import SyncResult as SyncResult
    from kiosk.sync.push import sync_once as sync_once
    from kiosk.sync.worker import SyncWorker as SyncWorker

_WHERE = {
    "CentralError": "central",
    "connect": "central",
    "PatientHistory": "history",
    "migrate": "migrations",
    "SyncResult": "push",
    "sync_once": "push",
    "SyncWorker": "worker",
}

__all__ = sorted(_WHERE)

__getattr__ = lazy_names(__name__, _WHERE)
