"""KioskApp: the thin router of the intake kiosk.

The app owns the signed-in staff member, the encounter draft and the store; screens receive
what they need and hand results back. One worker (:meth:`KioskApp._session`) signs someone in
and runs :class:`kiosk.screens.flow.Intake` (patient -> identity -> steps -> sign -> patient list).

The sign-in screen is drawn before the core (settings, store, pint) is imported; a thread
worker loads it after the first frame, and a failure is shown on screen, not as a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, RadioButton
from textual.worker import Worker, WorkerState

from kiosk.screens.signin import SignInScreen

if TYPE_CHECKING:
    from rich.console import RenderableType

    from kiosk.models import Encounter
    from kiosk.privacy import SignalGuard
    from kiosk.screens.base import StepContext
    from kiosk.services import Core


LOCK_SETTLE_SECONDS = 0.75
"""Keys typed until this long after the lock appears are dropped: they were meant for the
field the MA was typing in, not for the PIN (and an Enter must not count a failed sign-in)."""


class KioskApp(App[None]):
    """The exam-room intake kiosk."""

    CSS_PATH = "kiosk.tcss"
    TITLE = "Exam-room intake"
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 (App's type)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit_kiosk", "Quit", show=False, priority=True),
        Binding("ctrl+c", "nothing", show=False, priority=True, system=True),
        # priority: the focus moves while the app reads Tab, so keys typed right after it
        # (a burst over SSH) land in the next field, not in the one being left
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
        Binding("space", "toggle_focused", show=False, priority=True),
        Binding("f1", "help", "Help", priority=True, id="app.help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+l", "lock", "Lock", priority=True, id="app.lock"),
        Binding("ctrl+o", "sign_out", "Sign out", priority=True, id="app.sign_out"),
    ]

    def __init__(self, args: argparse.Namespace | None = None) -> None:
        super().__init__()
        self.args = args or argparse.Namespace(config=None, data_dir=None, demo=False)
        self.core: Core | None = None
        self.core_error: str | None = None
        self._core_loaded = asyncio.Event()
        self.staff_id: str | None = None
        self.draft: Encounter | None = None
        self._saved_draft: Encounter | None = None
        self._open: set[str] = set()
        """Ids of the drafts this terminal holds open (claimed in the store); autosaves of any
        other draft (one left, signed or discarded meanwhile) are dropped."""
        self._draft_lock = threading.Lock()
        """Serialises draft writes, closes and discards, so no late autosave revives a draft
        that was just signed, discarded or handed back."""
        self._drafts_taken = 0
        self._draft_written: dict[str, int] = {}
        """Snapshots are numbered when taken; a write older than the last one written for the
        same draft is skipped (an autosave thread that runs late must not undo a newer save,
        such as the one before a lock)."""
        self._sign_out_pending = False
        self._draft_kept_on_sign_out = False
        """Ctrl+O left an intake: the sign-in screen says that its draft is kept."""
        self._next_staff: str | None = None
        self._locked = False
        self._lock_settle_until = 0.0
        self._last_input = time.monotonic()
        self._signin: SignInScreen | None = None
        from kiosk.screens.typeahead import TypeAhead

        self.typeahead = TypeAhead(self)
        """Keys typed while one screen closes, for the next one (kiosk.screens.typeahead)."""
        from kiosk.screens.keys import KeyRules

        self.key_rules = KeyRules()
        """Letters on a button are no press; letters on a drop-down choose (kiosk.screens.keys)."""
        self.exit_on_ready = os.environ.get("KIOSK_EXIT_ON_READY", "")
        """Benchmarks only: "frame" exits after the first frame, "core" once the store is open."""

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self.typeahead.schedule)
        self._install_privacy()
        self._session()
        self.call_after_refresh(self._first_frame)

    def _first_frame(self) -> None:
        if self.exit_on_ready == "frame":
            self.exit()
            return
        self.run_worker(self._load_core, thread=True, exit_on_error=False, name="load-core")
        self.set_interval(1.0, self._tick)

    def _load_core(self) -> Core:
        from kiosk.services import load_core

        return load_core(self.args)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.name == "load-core":
            if event.state is WorkerState.SUCCESS:
                self.core = worker.result
                self._core_ready()
            elif event.state is WorkerState.ERROR:
                self.core_error = _plain_error(worker.error)
                self._core_loaded.set()
                if self._signin is not None and self._signin.is_mounted:
                    self._signin.core_failed(self.core_error)
        elif worker.name == "session" and event.state is WorkerState.ERROR:
            # never lose the kiosk to a bug in one intake: say so, keep the draft, start over
            self.notify(f"Something went wrong: {_plain_error(worker.error)}", severity="error")
            self._end_session(record=True)

    def _core_ready(self) -> None:
        assert self.core is not None
        self.title = self.core.settings.clinic_name
        self._privacy_core_ready()
        self._core_loaded.set()
        if self._signin is not None and self._signin.is_mounted:
            self._signin.core_ready(self.core.demo_credentials)
        if self.exit_on_ready == "core":
            self.exit()

    async def authenticate(self, staff_id: str, pin: str) -> str:
        """Check a staff id and PIN (in a thread: Argon2 is deliberately slow)."""
        await self._core_loaded.wait()
        if self.core is None:
            raise RuntimeError(self.core_error or "the kiosk could not start")
        member = await asyncio.to_thread(self.core.staff.authenticate, staff_id, pin)
        return member.staff_id

    # ------------------------------------------------------------------ the session

    @work(exclusive=True, group="session", exit_on_error=False, name="session")
    async def _session(self) -> None:
        """Sign in (or take over from the lock), run the intake loop, sign out; forever."""
        while True:
            if self._next_staff is not None:
                self.staff_id, self._next_staff = self._next_staff, None
            else:
                core = self.core
                self._signin = SignInScreen(
                    self.authenticate,
                    clinic=self.title,
                    loaded=core is not None,
                    demo_credentials=core.demo_credentials if core else None,
                )
                self.staff_id = await self.push_screen_wait(self._signin)
                self._signin = None
            self._sign_out_pending = False
            self._last_input = time.monotonic()
            assert self.core is not None
            from kiosk.screens.flow import (
                Intake,  # the models (pydantic): never before the first frame
            )

            await Intake(self, self.core, self.staff_id).run()
            self._record_sign_out()
            if self._draft_kept_on_sign_out:
                self._draft_kept_on_sign_out = False
                self.notify("Signed out; the draft of the intake is kept.", timeout=8)

    def _record_sign_out(self) -> None:
        """Audit the sign-out and forget the staff member and every draft reference."""
        if self.core is not None and self.staff_id is not None:
            try:
                self.core.staff.record("sign-out", self.staff_id)
            except Exception:  # the audit trail failing must not keep someone signed in
                self.notify("Could not record the sign-out in the audit trail.", severity="error")
        self._close_all_drafts()
        self.staff_id = None
        self.draft = None
        self._saved_draft = None
        self._sign_out_pending = False

    def _end_session(self, *, record: bool, next_staff: str | None = None) -> None:
        """Stop the intake at once (lock take-over, crash): save the draft, clear every screen."""
        self.save_open_step()
        if record:
            self._record_sign_out()
        self._close_all_drafts()
        self.staff_id, self.draft, self._saved_draft = None, None, None
        self._next_staff = next_staff
        self.workers.cancel_group(self, "session")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._session()

    @property
    def lock_settles_at(self) -> float:
        """Monotonic time from which keys typed at the lock screen are read."""
        return self._lock_settle_until

    @property
    def sign_out_pending(self) -> bool:
        return self._sign_out_pending

    def step_context(self, previous: Encounter | None, history: list[Encounter]) -> StepContext:
        assert self.core is not None
        assert self.staff_id is not None
        from kiosk.screens.base import StepContext  # the step machinery: after sign-in only

        return StepContext(self.core.settings, self.core.store, self.staff_id, previous, history)

    # ------------------------------------------------------------------ drafts

    def set_draft(self, draft: Encounter | None) -> None:
        """The flow tells the app which draft is open (autosaved while it is)."""
        self.draft = draft

    def _tick(self) -> None:
        """Once a second: idle lock, and autosave of the open step's typed text."""
        if self.core is None or self._locked:
            return
        idle = time.monotonic() - self._last_input
        if self.staff_id and idle > self.core.settings.idle_lock_seconds:
            self.lock()
            return
        snapshot = self._open_step_snapshot()
        if snapshot is not None and snapshot != self._saved_draft:
            self._saved_draft = snapshot
            order = self._draft_order()
            self.run_worker(
                lambda: self._write_draft(snapshot, order=order),
                thread=True,
                exit_on_error=False,
                name="autosave",
            )

    def _open_step_snapshot(self) -> Encounter | None:
        """The open step's draft with its typed text, or None when no step is open."""
        if self.draft is None:
            return None
        from kiosk.screens.base import StepScreen  # imported by then: a draft is open

        for screen in reversed(self.screen_stack):
            if isinstance(screen, StepScreen) and screen.is_mounted:
                try:
                    return screen.snapshot()
                except Exception:  # the step is being built or torn down
                    return None
        return None

    def save_open_step(self) -> None:
        """Write the open step's draft now (before a lock or sign-out), on this thread."""
        snapshot = self._open_step_snapshot()
        if snapshot is not None:
            self._write_draft(snapshot, order=self._draft_order(), from_thread=False)

    def autosave(self, draft: Encounter) -> None:
        """Save ``draft`` in a thread (after a step outcome); a failure is shown, never fatal."""
        self._saved_draft = draft
        order = self._draft_order()
        self.run_worker(
            lambda: self._write_draft(draft, order=order), thread=True, exit_on_error=False
        )

    def write_draft_now(self, draft: Encounter) -> None:
        """Save ``draft`` before returning (leaving an intake), from a worker thread."""
        self._saved_draft = draft
        self._write_draft(draft, order=self._draft_order())

    def _draft_order(self) -> int:
        """A number for a draft snapshot, taken when the snapshot is (see ``_write_draft``)."""
        with self._draft_lock:
            self._drafts_taken += 1
            return self._drafts_taken

    def _write_draft(self, draft: Encounter, *, order: int, from_thread: bool = True) -> None:
        assert self.core is not None
        try:
            with self._draft_lock:
                if draft.id not in self._open:
                    return  # left, signed or discarded meanwhile
                if order < self._draft_written.get(draft.id, 0):
                    return  # an autosave thread ran late: a newer snapshot is on disk
                self._draft_written[draft.id] = order
                self.core.store.save_draft(draft)
        except Exception as error:
            message = f"The draft could not be saved: {_plain_error(error)}"
            if from_thread:
                self.call_from_thread(self.notify, message, severity="error")
            else:
                self.notify(message, severity="error")

    def open_draft(self, draft: Encounter) -> bool:
        """Hold ``draft`` for this terminal (from a worker thread); False if another holds it."""
        assert self.core is not None
        with self._draft_lock:
            if not self.core.store.claim_draft(draft.staff_id, draft.patient.id):
                return False
            self._open.add(draft.id)
            return True

    def close_draft(self, draft: Encounter) -> None:
        """Stop autosaving ``draft`` and let another terminal resume it (leaving the intake)."""
        assert self.core is not None
        with self._draft_lock:
            self._open.discard(draft.id)
            if self.draft is not None and self.draft.id == draft.id:
                self.draft = None
            self.core.store.release_draft(draft.staff_id, draft.patient.id)

    def discard_draft(self, draft: Encounter) -> None:
        """Close ``draft`` and delete its file (audited); no autosave in flight revives it."""
        assert self.core is not None
        with self._draft_lock:
            self._open.discard(draft.id)
            if self.draft is not None and self.draft.id == draft.id:
                self.draft = None
            self._saved_draft = None
            self.core.store.discard_draft(draft.staff_id, draft.patient.id)

    def _close_all_drafts(self) -> None:
        """Sign-out, take-over: every draft this terminal held can be resumed elsewhere."""
        with self._draft_lock:
            self._open.clear()
            if self.core is not None:
                self.core.store.release_drafts()

    # ------------------------------------------------------------------ app-wide keys

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = time.monotonic()
        if isinstance(event, events.Key):
            if self._locked and time.monotonic() < self._lock_settle_until:
                return  # typed before the lock could be seen: not a PIN, not a sign-in try
            if self.typeahead.take(event, signed_in=self.staff_id is not None):
                return
            if self.key_rules.drop(self, event):
                return
            if self.focused is None:
                self._focus_first_field()
        await super().on_event(event)

    def _focus_first_field(self) -> None:
        """A key typed the instant a screen appears goes to its first field, not nowhere.

        Textual sets AUTO_FOCUS when the screen resumes, which can come after its first
        frame; a burst typed on seeing that frame would lose its first characters.
        """
        screen = self.screen
        selector = screen.AUTO_FOCUS if screen.AUTO_FOCUS is not None else self.AUTO_FOCUS
        if not selector or not screen.is_mounted:
            return
        for widget in screen.query(selector):
            if widget.focusable:
                screen.set_focus(widget)
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked, no help, sign-out or second lock gets past the lock screen."""
        if action == "toggle_focused":  # Space ticks a box now, before a Tab typed after it
            if isinstance(self.focused, Button):  # and presses a button (not a question's:
                return not isinstance(self.screen, ModalScreen)  # a typed name's space)
            return isinstance(self.focused, Checkbox | RadioButton)
        if action in {"sign_out", "lock"} and self.staff_id is None:
            return False  # nobody to sign out or lock: hidden from the footer
        return not (self._locked and action in {"help", "sign_out", "lock"})

    def action_help(self) -> None:
        from kiosk.screens.help import HelpScreen, section_for

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(section_for(self.screen)))

    def action_toggle_focused(self) -> None:
        if isinstance(self.focused, Checkbox | RadioButton):
            self.focused.toggle()
        elif isinstance(self.focused, Button):
            self.focused.action_press()

    def action_nothing(self) -> None:
        """Ctrl+C does nothing: no copying patient data, no quitting."""

    def action_quit_kiosk(self) -> None:
        """Quitting is only possible when nobody is signed in."""
        if self.staff_id is None and not self._locked:
            self.exit()
        else:
            self.notify("Sign out first (Ctrl+O).", severity="warning")

    def action_sign_out(self) -> None:
        """Sign out; during an intake ask first (the draft is kept)."""
        if self.staff_id is None:
            return
        from kiosk.screens.base import StepOutcome, StepScreen
        from kiosk.widgets.confirm import ConfirmModal

        screen = self.screen
        if isinstance(screen, StepScreen):

            def answered(leave: bool | None) -> None:
                if leave:
                    self._sign_out_pending = True
                    self._draft_kept_on_sign_out = True
                    screen.dismiss(StepOutcome("leave", screen.snapshot()))

            self.push_screen(ConfirmModal.sign_out_intake(), answered)
            return
        self._sign_out_pending = True
        cancel = getattr(screen, "cancel", None)
        if callable(cancel):
            cancel()

    def copy_to_clipboard(self, text: str) -> None:
        """Never put text on the clipboard: it may hold patient data."""

    # ------------------------------------------------------------------ idle lock

    def action_lock(self) -> None:
        self.lock()

    def lock(self) -> None:
        """Save the draft, then hide everything behind the lock until someone signs in."""
        if self.staff_id is None or self._locked or self.core is None:
            return
        from kiosk.screens.lock import LockScreen

        self._locked = True
        self._lock_settle_until = time.monotonic() + LOCK_SETTLE_SECONDS
        self.save_open_step()
        try:
            self.core.staff.record("lock", self.staff_id)
        except Exception:
            self.notify("Could not record the lock in the audit trail.", severity="error")
        self.clear_notifications()  # a toast would stay visible on the lock screen
        self.push_screen(LockScreen(self.staff_id, self._unlock, clinic=self.title), self._unlocked)

    async def _unlock(self, staff_id: str, pin: str) -> str:
        """The same person unlocks; someone else, once signed in, ends the first session.

        Only a successful sign-in ends it: a stranger's wrong PIN leaves it intact.
        """
        from kiosk.store.staff import normalise_id

        assert self.core is not None
        same = self.staff_id is not None and normalise_id(staff_id) == self.staff_id
        purpose: Literal["unlock", "sign-in"] = "unlock" if same else "sign-in"
        member = await asyncio.to_thread(
            self.core.staff.authenticate, staff_id, pin, purpose=purpose
        )
        if not same and self.staff_id is not None:
            self.save_open_step()
            self._record_sign_out()
        return member.staff_id

    def _unlocked(self, staff_id: str | None) -> None:
        self._locked = False
        self._lock_settle_until = 0.0
        self._last_input = time.monotonic()
        if staff_id is not None and staff_id != self.staff_id:
            self._end_session(record=False, next_staff=staff_id)

    # ------------------------------------------------------------------ privacy (kiosk.privacy)

    _signal_guard: SignalGuard | None = None
    _crash_key: str = ""

    def _install_privacy(self) -> None:
        """A dropped SSH session or a stop signal saves the draft and exits (not under test)."""
        from kiosk.privacy import SignalGuard

        self._crash_key = os.environ.get("KIOSK_TEST_CRASH_KEY", "")
        if not self.is_headless:
            self._signal_guard = SignalGuard(self._on_signal)

    def _privacy_core_ready(self) -> None:
        """Warnings and errors go to the private log in the data folder, values withheld."""
        if not self.is_headless and self.core is not None:
            from kiosk.privacy import configure_logging

            with suppress(OSError):
                configure_logging(self.core.settings.active_data_dir)

    def on_unmount(self) -> None:
        with suppress(Exception):  # the process may live on (tests): let go of held drafts
            self._close_all_drafts()
        if self._signal_guard is not None:
            self._signal_guard.remove()

    def _on_signal(self, name: str) -> None:
        """SIGHUP (SSH dropped), SIGTERM, SIGINT: save the draft, audit the sign-out, exit."""
        with suppress(Exception):
            self.save_open_step()
        lost = name in {"SIGHUP", "terminal lost"}
        if self.core is not None and self.staff_id is not None:
            reason = "connection lost" if lost else name
            with suppress(Exception):
                self.core.staff.record("sign-out", self.staff_id, detail=f"session ended: {reason}")
        self.staff_id, self.draft, self._saved_draft = None, None, None
        stopped = "The kiosk was stopped; the open intake was saved as a draft."
        self.exit(return_code=0, message=None if lost else stopped)

    def panic(self, *renderables: RenderableType) -> None:
        """Textual's emergency exit, used when reading the terminal fails (a dropped SSH
        connection often shows up here before SIGHUP): save the draft, print no details."""
        self._on_signal("terminal lost")

    def emergency_save(self) -> None:
        """Called by :func:`kiosk.privacy.report_crash` before the app exits."""
        self.save_open_step()

    def _handle_exception(self, error: Exception) -> None:
        """A crash: one sentence on the terminal, the traceback without values in the log.

        Textual's own handler prints a traceback with local variables, which hold patient data.
        """
        from kiosk.privacy import report_crash

        report_crash(self, error, self.core.settings.active_data_dir if self.core else None)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """No screenshots: the screen shows patient data."""

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """No screenshot files either (Textual's screenshot action and web delivery)."""
        return None

    def on_key(self, event: events.Key) -> None:
        """Test-only crash hook (``KIOSK_TEST_CRASH_KEY``): a bug with the patient in a local."""
        if self._crash_key and event.key == self._crash_key:
            patient = self.draft.patient if self.draft is not None else None
            raise RuntimeError(f"test crash while {patient!r} is open")


def _plain_error(error: BaseException | None) -> str:
    """A one-line message for a person: KioskError text as is, others by kind, no traceback
    (an exception's own text may quote patient data)."""
    from kiosk.errors import KioskError

    if error is None:
        return "unknown error"
    if isinstance(error, KioskError):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.strerror or type(error).__name__} ({Path(str(error.filename or '')).name})"
    return type(error).__name__


def main(args: argparse.Namespace) -> int:
    """Run the kiosk until it is quit from the sign-in screen (or crashes, privately)."""
    from kiosk import privacy

    privacy.harden_process()
    app = KioskApp(args)
    privacy.install_excepthook(lambda: app.core.settings.active_data_dir if app.core else None)
    app.run()
    return app.return_code or 0
