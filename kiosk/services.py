"""Open the core (settings, store, staff accounts) off the first frame's path, and keep the
drafts this terminal holds open (:class:`OpenDrafts`).

The kiosk face imports this module in a thread worker after the sign-in screen is drawn, so
pydantic-settings, pint, TinyDB and Argon2 never delay the first frame. No Textual here.
"""

from __future__ import annotations

import argparse
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from kiosk.config import Settings
    from kiosk.models import Encounter
    from kiosk.store import EncounterStore
    from kiosk.store.staff import StaffDirectory
    from kiosk.sync import PatientHistory, SyncWorker


INTAKE = "intake"
"""Why the kiosk app reads records: the reason its views record in the audit trail."""


@dataclass(frozen=True)
class Core:
    """Everything the app needs once someone signs in."""

    settings: Settings
    store: EncounterStore
    staff: StaffDirectory
    demo_credentials: tuple[str, str] | None
    """(staff id, PIN) of the demo account, shown on the sign-in screen in demo mode."""
    history: PatientHistory
    """A patient's visits: from the central database when configured and reachable."""
    sync: SyncWorker | None = None
    """The background push to ``central_database`` (None without one)."""

    def signed(self) -> None:
        """An encounter was saved: push it now rather than at the next interval."""
        if self.sync is not None:
            self.sync.wake()


def load_core(args: argparse.Namespace) -> Core:
    """Read settings, open the store (seeding demo data once) and the staff accounts.

    Raises KioskError (ConfigError, StoreError) with a message for a person.
    """
    from kiosk.config import settings_from_args
    from kiosk.store import EncounterStore
    from kiosk.store.anchors import apply_settings as apply_audit_anchors
    from kiosk.store.staff import StaffDirectory
    from kiosk.sync import PatientHistory

    settings = settings_from_args(args)
    apply_ranges(settings)
    apply_catalog(settings)
    apply_audit_anchors(settings)  # the system log anchor, when the clinic asks for it
    data_dir = settings.active_data_dir
    if settings.demo:
        _seed_demo(data_dir)
    store = EncounterStore(data_dir, purpose=INTAKE)  # every view it records says why
    staff = StaffDirectory(data_dir)
    credentials = staff.ensure_demo_account() if settings.demo else None
    _warm_imports()
    url = settings.central_database
    history = PatientHistory(store, url)
    return Core(settings, store, staff, credentials, history, _sync(store, settings))


def _sync(store: EncounterStore, settings: Settings) -> SyncWorker | None:
    """With a central database: the outbox exists from now on (every save feeds it) and a
    daemon thread pushes it (kiosk.sync.worker); it never holds up a save."""
    url = settings.central_database
    if not url:
        return None
    from kiosk.sync import SyncWorker

    store.folder.outbox.enable()
    worker = SyncWorker(store.data_dir, url, interval=settings.sync_interval_seconds)
    worker.start()
    return worker


def apply_ranges(settings: Settings) -> None:
    """Make the clinic's ``ranges_file`` (unset: the packaged table) the one every vital is
    classified by. A malformed file raises ConfigError naming the file, key and reason,
    which the sign-in screen and the CLI show as one line."""
    from kiosk.validators.ranges import use_ranges

    use_ranges(settings.ranges_file)


def apply_catalog(settings: Settings) -> None:
    """Load the clinic's point-of-care catalog (unset: the packaged one) now, so a broken
    one stops start-up with one line (ConfigError) instead of failing at the POC step."""
    from kiosk.validators.poc_catalog import cached_catalog

    cached_catalog(settings.poc_catalog_file)


def _seed_demo(data_dir: Path) -> None:
    """Seed the demo folder with synthetic patients, once (the store's ensure_demo_data)."""
    from kiosk.demo.seeding import ensure_demo_data

    ensure_demo_data(data_dir)


def _warm_imports() -> None:
    """Import the validators (pint) and the scores now, in the background, so the first
    keystroke in a vital sign does not wait for them (the face warms its own screens)."""
    import kiosk.scoring
    import kiosk.validators  # noqa: F401


class OpenDrafts:
    """The drafts this terminal holds open: the one owner of draft bookkeeping.

    A draft is claimed in the store when opened (no other terminal may resume, overwrite or
    discard it), written while it is open, handed back when left and deleted when signed or
    discarded. Writes come from threads (autosave) and from the app's own thread (before a lock
    or sign-out), so every operation holds one lock, and snapshots are numbered when taken: a
    write older than the last one written for the same draft is skipped (an autosave thread
    that runs late must not undo a newer save). Thread-safe; no Textual.
    """

    def __init__(self, store: EncounterStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._open: set[str] = set()
        self._taken = 0
        self._written: dict[str, int] = {}
        self.current: Encounter | None = None
        """The draft the intake has open (its step's typed text is autosaved)."""
        self.saved: Encounter | None = None
        """The last snapshot handed over for writing (an unchanged one is not written again)."""

    def ticket(self, snapshot: Encounter) -> int:
        """Number ``snapshot`` now, when it is taken (see :meth:`write`)."""
        with self._lock:
            self.saved = snapshot
            self._taken += 1
            return self._taken

    def write(self, draft: Encounter, ticket: int) -> None:
        """Save ``draft`` unless it was closed meanwhile or a newer snapshot is on disk.

        Raises StoreError (or OSError) when the store cannot write it."""
        with self._lock:
            if draft.id not in self._open:
                return  # left, signed or discarded meanwhile
            if ticket < self._written.get(draft.id, 0):
                return  # an autosave thread ran late: a newer snapshot is on disk
            self._written[draft.id] = ticket
            self._store.save_draft(draft)

    def open(self, draft: Encounter) -> bool:
        """Hold ``draft`` for this terminal; False if another terminal holds it."""
        with self._lock:
            if not self._store.claim_draft(draft.staff_id, draft.patient.id):
                return False
            self._open.add(draft.id)
            return True

    def close(self, draft: Encounter) -> None:
        """Stop writing ``draft`` and let another terminal resume it (leaving the intake)."""
        with self._lock:
            self._forget(draft)
            self._store.release_draft(draft.staff_id, draft.patient.id)

    def discard(self, draft: Encounter) -> None:
        """Close ``draft`` and delete it (signed, or started over; audited by the store)."""
        with self._lock:
            self._forget(draft)
            self.saved = None
            self._store.discard_draft(draft.staff_id, draft.patient.id)

    def close_all(self) -> None:
        """Sign-out, take-over, exit: every draft held here can be resumed elsewhere."""
        with self._lock:
            self._open.clear()
            self.current = self.saved = None
            self._store.release_drafts()

    def _forget(self, draft: Encounter) -> None:
        self._open.discard(draft.id)
        if self.current is not None and self.current.id == draft.id:
            self.current = None
