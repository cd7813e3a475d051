"""The background sync: a daemon thread pushing this data folder to the central database.

Never in a save's way: a save only appends to the outbox (kiosk.store.outbox); this thread
pushes from it on its own connection. Link down or the database restarting: the push fails,
the thread waits (1 s, 2 s, 4 s ... at most ``MAX_BACKOFF_S``, with jitter so many hosts do
not retry in step) and tries again; the outbox meanwhile grows and is caught up in batches.
``wake()`` asks for a push now (after a save); ``stop()`` ends the thread. ``status`` says how
it is going, in words a screen can show. No Textual here.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError

log = logging.getLogger("kiosk.sync")
MAX_BACKOFF_S = 60.0


@dataclass(frozen=True)
class SyncStatus:
    ok: bool
    """The last push reached the database."""
    message: str
    """The last push's summary or error (no patient data)."""
    at: float
    """time.time() of the last attempt (0: none yet)."""
    failures: int
    """Pushes failed in a row."""


class SyncWorker(threading.Thread):
    def __init__(
        self,
        data_dir: Path,
        url: str,
        *,
        interval: float = 5.0,
        max_backoff: float = MAX_BACKOFF_S,
    ) -> None:
        super().__init__(name="kiosk-sync", daemon=True)
        self.data_dir = Path(data_dir)
        self.url = url
        self.interval = interval
        self.max_backoff = max_backoff
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._conn: Any = None
        self.status = SyncStatus(False, "not synced yet", 0.0, 0)
        self.rounds = 0
        """Pushes attempted (tests wait on it)."""

    def wake(self) -> None:
        self._wake.set()

    @property
    def stopping(self) -> bool:
        """``stop()`` was called (the thread ends after the push in progress, if any)."""
        return self._stopping.is_set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                self._push()
                failures = 0
                wait = self.interval
            except Exception as error:  # a failed push must never end the thread
                failures += 1
                message = str(error) if isinstance(error, KioskError) else type(error).__name__
                self.status = SyncStatus(False, message, time.time(), failures)
                log.warning("central sync failed (%d in a row): %s", failures, message)
                self._close()
                backoff = min(self.max_backoff, 2.0 ** (failures - 1))
                wait = backoff * random.uniform(0.8, 1.2)
            self.rounds += 1
            self._wake.wait(wait)
            self._wake.clear()
        self._close()

    def _push(self) -> None:
        from kiosk.sync.central import connect
        from kiosk.sync.push import sync_once

        if self._conn is None or self._conn.closed:
            self._conn = connect(self.url)
        result = sync_once(self.data_dir, self._conn)
        self.status = SyncStatus(True, result.summary(), time.time(), 0)

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # closing a broken connection: nothing more to do
                log.debug("closing the central connection failed", exc_info=False)
