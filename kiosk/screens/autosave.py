"""Autosave: the open step's typed text is written as a draft, and never lost to a lock.

The face-side half of draft keeping: :class:`DraftSaver` reads the open step's snapshot
(:meth:`kiosk.screens.base.StepScreen.snapshot`), hands it to
:class:`kiosk.services.OpenDrafts` (the one owner of the drafts this terminal holds) on a
worker thread, and shows a failed write next to nothing else: one toast, never a crash.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from kiosk.errors import plain_error

if TYPE_CHECKING:
    from textual.app import App

    from kiosk.models import Encounter
    from kiosk.services import OpenDrafts


class DraftSaver:
    """Opens, autosaves, closes and discards the intake's drafts for one app."""

    def __init__(self, app: App[Any], drafts: OpenDrafts) -> None:
        self.app = app
        self.drafts = drafts

    @property
    def current(self) -> Encounter | None:
        """The draft the intake has open, if any."""
        return self.drafts.current

    def set_current(self, draft: Encounter | None) -> None:
        self.drafts.current = draft

    def open(self, draft: Encounter) -> bool:
        """Hold ``draft`` for this terminal (from a worker thread); False if another holds it."""
        return self.drafts.open(draft)

    def close(self, draft: Encounter) -> None:
        """Leave ``draft``: no more autosaves, and another terminal may resume it."""
        self.drafts.close(draft)

    def discard(self, draft: Encounter) -> None:
        """Delete ``draft`` (signed or started over); no autosave in flight revives it."""
        self.drafts.discard(draft)

    def close_all(self) -> None:
        self.drafts.close_all()

    def snapshot(self) -> Encounter | None:
        """The open step's draft with its typed text, or None when no step is open."""
        if self.drafts.current is None:
            return None
        from kiosk.screens.base import StepScreen  # imported by then: a draft is open

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, StepScreen) and screen.is_mounted:
                try:
                    return screen.snapshot()
                except Exception:  # the step is being built or torn down
                    return None
        return None

    def tick(self) -> None:
        """Autosave the open step if its text changed since the last save."""
        snapshot = self.snapshot()
        if snapshot is not None and snapshot != self.drafts.saved:
            self.autosave(snapshot)

    def save_open_step(self) -> None:
        """Write the open step's draft now (before a lock or sign-out), on this thread."""
        snapshot = self.snapshot()
        if snapshot is not None:
            self._write(snapshot, self.drafts.ticket(snapshot))

    def autosave(self, draft: Encounter) -> None:
        """Save ``draft`` in a thread (after a step outcome); a failure is shown, never fatal."""
        ticket = self.drafts.ticket(draft)
        self.app.run_worker(lambda: self._write(draft, ticket), thread=True, exit_on_error=False)

    def write_now(self, draft: Encounter) -> None:
        """Save ``draft`` before returning (leaving an intake), from a worker thread."""
        self._write(draft, self.drafts.ticket(draft))

    def _write(self, draft: Encounter, ticket: int) -> None:
        try:
            self.drafts.write(draft, ticket)
        except Exception as error:
            message = f"The draft could not be saved: {plain_error(error)}"
            if threading.get_ident() == self.app._thread_id:
                self.app.notify(message, severity="error")
            else:
                self.app.call_from_thread(self.app.notify, message, severity="error")
