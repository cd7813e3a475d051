"""KioskApp: start-up, the session and the app-wide keys (docs/ARCHITECTURE.md, "The face").

The session worker runs :class:`kiosk.screens.session.Session` (sign in, the intake through
:class:`kiosk.screens.flow.IntakeHost`, sign out). Drafts: :mod:`kiosk.screens.autosave`; the
idle lock: :class:`kiosk.screens.lock.IdleLock`; privacy: :mod:`kiosk.widgets.private_app`.
The sign-in screen is drawn first; a thread loads the core (settings, store, pint) behind it.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.worker import Worker, WorkerState

from kiosk.errors import plain_error
from kiosk.screens.keys import APP_BINDINGS, PATIENT_REFUSED, KeyRules
from kiosk.screens.lock import IdleLock
from kiosk.screens.session import Session
from kiosk.screens.typeahead import TypeAhead
from kiosk.widgets.private_app import PrivateApp
from kiosk.widgets.theme import KIOSK_THEME

if TYPE_CHECKING:
    from kiosk.models import Encounter
    from kiosk.screens.autosave import DraftSaver
    from kiosk.screens.base import StepContext
    from kiosk.services import Core


class KioskApp(PrivateApp):
    """The exam-room intake kiosk."""

    CSS_PATH = Path(__file__).with_name("kiosk.tcss")  # absolute: subclasses live elsewhere
    TITLE = "Exam-room intake"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 (App's type)
    # under 40 rows, kiosk.tcss draws form widgets without borders (one class change per resize)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]  # noqa: RUF012
    BINDINGS = APP_BINDINGS

    def __init__(self, args: argparse.Namespace | None = None) -> None:
        super().__init__()
        self.register_theme(KIOSK_THEME)  # critical stays red at 16 colours
        self.theme = KIOSK_THEME.name
        self.args = args or argparse.Namespace(config=None, data_dir=None, demo=False)
        self.core: Core | None = None
        self.core_error: str | None = None
        self._core_loaded = asyncio.Event()
        self._drafts: DraftSaver | None = None
        self.session = Session(self)
        self.idle = IdleLock(self)
        self.typeahead = TypeAhead(self)  # keys typed while one screen closes, for the next
        self.key_rules = KeyRules()  # letters on a button are no press; on a drop-down choose

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self.typeahead.schedule)
        self.guard_signals()
        self.start_session()
        self.call_after_refresh(self.first_frame_drawn)

    def first_frame_drawn(self) -> None:
        """The sign-in screen is on the terminal: load the core behind it."""
        self.run_worker(self._load_core, thread=True, exit_on_error=False, name="load-core")
        self.set_interval(1.0, self._tick)

    def _load_core(self) -> Core:
        from kiosk.services import load_core

        core = load_core(self.args)
        import kiosk.screens.flow  # noqa: F401  (the steps, so the first one opens at once)

        return core

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.name == "load-core":
            if event.state is WorkerState.SUCCESS:
                self.core = worker.result
                self.core_ready()
            elif event.state is WorkerState.ERROR:
                self.core_error = plain_error(worker.error)
                self._core_loaded.set()
                signin = self.session.signin
                if signin is not None and signin.is_mounted:
                    signin.core_failed(self.core_error)
        elif worker.name == "session" and event.state is WorkerState.ERROR:
            # never lose the kiosk to a bug in one intake: say so, keep the draft, start over
            self.notify(f"Something went wrong: {plain_error(worker.error)}", severity="error")
            self.end_session(record=True)

    def core_ready(self) -> None:
        """Settings, store and staff accounts are open: sign-in can check a PIN."""
        assert self.core is not None
        from kiosk.screens.autosave import DraftSaver
        from kiosk.services import OpenDrafts

        self.title = self.core.settings.clinic_name
        self._drafts = DraftSaver(self, OpenDrafts(self.core.store))
        self.log_privately()
        self._core_loaded.set()
        signin = self.session.signin
        if signin is not None and signin.is_mounted:
            signin.core_ready(self.core.demo_credentials)

    async def authenticate(self, staff_id: str, pin: str) -> str:
        """Check a staff id and PIN (in a thread: Argon2 is deliberately slow)."""
        await self._core_loaded.wait()
        if self.core is None:
            raise RuntimeError(self.core_error or "the kiosk could not start")
        member = await asyncio.to_thread(self.core.staff.authenticate, staff_id, pin)
        return member.staff_id

    # ------------------------------------------------------------------ the session

    @work(exclusive=True, group="session", exit_on_error=False, name="session")
    async def start_session(self) -> None:
        await self.session.run()

    @property
    def staff_id(self) -> str | None:
        """The staff member signed in at this kiosk, if any."""
        return self.session.staff_id

    @property
    def sign_out_pending(self) -> bool:
        return self.session.sign_out_pending

    def record_sign_out(self, detail: str = "") -> None:
        self.session.record_sign_out(detail)

    def end_session(self, *, record: bool, next_staff: str | None = None) -> None:
        self.session.end(record=record, next_staff=next_staff)

    def end_abruptly(self, reason: str) -> None:
        self.session.record_sign_out(detail=f"session ended: {reason}")

    def private_log_dir(self) -> Path | None:
        return self.core.settings.active_data_dir if self.core else None

    def step_context(self, previous: Encounter | None, history: list[Encounter]) -> StepContext:
        assert self.core is not None
        assert self.staff_id is not None
        from kiosk.screens.base import StepContext  # the step machinery: after sign-in only

        staff_id = self.staff_id

        async def check_pin(pin: str) -> None:
            await self.authenticate(staff_id, pin)

        return StepContext(
            self.core.settings, self.core.store, staff_id, previous, history, check_pin
        )

    # ------------------------------------------------------------------ drafts

    @property
    def drafts(self) -> DraftSaver:
        assert self._drafts is not None, "no draft before the core is loaded"
        return self._drafts

    @property
    def draft(self) -> Encounter | None:
        """The draft the intake has open, if any."""
        return self._drafts.current if self._drafts is not None else None

    def save_open_step(self) -> None:
        if self._drafts is not None:
            self._drafts.save_open_step()

    def _tick(self) -> None:
        """Once a second: idle lock, and autosave of the open step's typed text."""
        if self.core is None or self.idle.locked:
            return
        if self.staff_id and self.idle.idle_for() > self.core.settings.idle_lock_seconds:
            self.idle.lock()
        else:
            self.drafts.tick()

    def close_all_drafts(self) -> None:
        if self._drafts is not None:
            self._drafts.close_all()

    def on_unmount(self) -> None:
        with suppress(Exception):  # the process may live on (tests): let go of held drafts
            self.close_all_drafts()
        if self.core is not None and self.core.sync is not None:
            self.core.sync.stop()
        self.unguard()

    # ------------------------------------------------------------------ app-wide keys

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.idle.touched()
        if isinstance(event, events.Key):
            if self.idle.drops_keys():
                return  # typed before the lock could be seen: not a PIN, not a sign-in try
            if self.typeahead.take(event, signed_in=self.staff_id is not None):
                return
            if self.key_rules.drop(self, event):
                return
            self.key_rules.focus_first_field(self)
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked, no help, sign-out or second lock gets past the lock screen."""
        if action == "toggle_focused":  # Space ticks a box or presses a button, now
            return self.key_rules.space_acts(self)
        if action in {"sign_out", "lock"} and self.staff_id is None:
            return False  # nobody to sign out or lock: hidden from the footer
        if getattr(self.screen, "PATIENT_FACING", False) and action in PATIENT_REFUSED:
            return False  # the patient holds the screen: only finishing or a staff PIN
        return not (self.idle.locked and action in {"help", "sign_out", "lock"})

    def action_help(self) -> None:  # F1: at the current screen's section
        from kiosk.screens.help import HelpScreen, section_for

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(section_for(self.screen)))

    def action_toggle_focused(self) -> None:
        self.key_rules.press_space(self)

    def action_quit_kiosk(self) -> None:
        """Quitting is only possible when nobody is signed in."""
        if self.staff_id is None and not self.idle.locked:
            self.exit()
        else:
            self.notify("Sign out first (Ctrl+O).", severity="warning")

    def action_sign_out(self) -> None:
        self.session.ask_sign_out()

    def action_lock(self) -> None:
        self.idle.lock()


def main(args: argparse.Namespace, app_class: type[KioskApp] = KioskApp) -> int:
    """Run the kiosk until it is quit from the sign-in screen (or crashes, privately)."""
    from kiosk import privacy

    privacy.harden_process()
    app = app_class(args)
    privacy.install_excepthook(app.private_log_dir)
    app.run()
    return app.return_code or 0
