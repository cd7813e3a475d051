"""The idle lock: an opaque screen over the intake that shows no patient data.

HIPAA 164.312(a)(2)(iii) asks for automatic logoff; on a shared exam-room screen that means
hiding the chart when the MA walks away. The lock is a full Screen with an opaque background,
so nothing of the screens beneath is drawn (Textual only blends lower screens through a
transparent background). It shows the clinic, the time and who locked it.

The locked staff id is filled in, so the same person types only the PIN; the app then pops the
lock and Textual gives focus back to the exact field left, text intact. Anyone else may type
their own id: the app saves the first person's draft and starts afresh for the newcomer. This
screen only collects text and shows the answer; checking the PIN is the app's job.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert

if TYPE_CHECKING:
    from kiosk.screens.host import KioskHost

LOCK_SETTLE_SECONDS = 0.75
"""Keys typed until this long after the lock appears are dropped: they were meant for the
field the MA was typing in, not for the PIN (and an Enter must not count a failed sign-in)."""

Unlock = Callable[[str, str], Awaitable[str]]
"""(staff id, PIN) -> the signed-in staff id; raises an exception whose str is the message."""


class LockScreen(Screen[str]):
    """Hides everything until a staff member signs in; dismisses with their staff id."""

    AUTO_FOCUS = "#lock-pin"
    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "nothing",
            show=False,
            priority=True,
            id="lock.stay",
            tooltip="Esc does not close the lock",
        ),
    ]
    # Kept here rather than in kiosk.tcss: opacity is a privacy guarantee of this screen, and
    # must not depend on another file's rules.
    DEFAULT_CSS = """
    LockScreen {
        background: $background;
        align: center middle;
    }
    LockScreen #lock-box {
        width: 60;
        max-width: 100%;
        height: auto;
        padding: 0 2;
        border: round $primary;
        background: $surface;
    }
    LockScreen #lock-clinic { text-style: bold; width: 100%; content-align: center middle; }
    LockScreen #lock-clock { width: 100%; content-align: center middle; }
    LockScreen #lock-title { width: 100%; content-align: center middle; color: $warning; }
    LockScreen #lock-message { height: auto; color: $error; }
    LockScreen Button { width: 100%; }
    """

    def __init__(self, staff_id: str, unlock: Unlock, *, clinic: str = "") -> None:
        super().__init__(id="lock-screen")
        self.locked_by = staff_id
        self._unlock = unlock
        self._clinic = clinic

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Label(inert(self._clinic or "Exam-room intake"), id="lock-clinic")
            yield Static(self._now(), id="lock-clock")
            yield Static("Locked — sign in to continue", id="lock-title")
            yield Static(inert(f"Locked by {self.locked_by}. Someone else may sign in too."))
            yield Label("Staff id")
            yield VisibleInput(value=self.locked_by, id="lock-staff", max_length=64, compact=True)
            yield Label("PIN")
            yield Input(id="lock-pin", password=True, max_length=128, compact=True)
            yield Static("", id="lock-message", markup=False)
            yield Button("Unlock  Enter", id="lock-go", variant="primary", action="screen.unlock")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    @staticmethod
    def _now() -> str:
        return datetime.now().strftime("%A %d %B %Y  %H:%M")

    def _tick(self) -> None:
        self.query_one("#lock-clock", Static).update(self._now())

    def action_nothing(self) -> None:
        """Esc does not close the lock."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "lock-staff":
            self.query_one("#lock-pin", Input).focus()
        else:
            self.action_unlock()

    def action_unlock(self) -> None:
        staff_id = self.query_one("#lock-staff", Input).value.strip()
        pin = self.query_one("#lock-pin", Input).value
        if not staff_id or not pin:
            self._show("Enter your staff id and PIN.")
            self.query_one("#lock-pin" if staff_id else "#lock-staff", Input).focus()
            return
        self._check(staff_id, pin)

    @work(exclusive=True, group="unlock", exit_on_error=False)
    async def _check(self, staff_id: str, pin: str) -> None:
        button = self.query_one("#lock-go", Button)
        button.disabled = True
        self._show("Checking…", error=False)
        pin_input = self.query_one("#lock-pin", Input)
        try:
            signed_in = await self._unlock(staff_id, pin)
        except Exception as error:  # AuthError or a store failure: show it, stay locked
            pin_input.value = ""
            pin_input.focus()
            self._show(str(error) or "Sign-in failed.")
            return
        finally:
            button.disabled = False
        pin_input.value = ""
        self.dismiss(signed_in)

    def _show(self, message: str, *, error: bool = True) -> None:
        label = self.query_one("#lock-message", Static)
        label.update(inert(message))  # an error's text may quote what was typed
        label.set_class(error, "error")


class IdleLock:
    """The app's lock: when to lock, locking (draft saved, audited, screen hidden), unlocking.

    The same person's PIN returns to the exact field; someone else signing in ends the first
    session (its draft kept for its owner) and starts theirs.
    """

    def __init__(self, app: KioskHost) -> None:
        self.app = app
        self.locked = False
        self.settles_at = 0.0
        """Monotonic time from which keys typed at the lock screen are read."""
        self._last_input = time.monotonic()

    def touched(self) -> None:
        """A key or a touch: the idle time starts again."""
        self._last_input = time.monotonic()

    def idle_for(self) -> float:
        return time.monotonic() - self._last_input

    def drops_keys(self) -> bool:
        """Keys typed before the lock could be seen are dropped."""
        return self.locked and time.monotonic() < self.settles_at

    def lock(self) -> None:
        """Save the draft, then hide everything behind the lock until someone signs in."""
        app = self.app
        if app.staff_id is None or self.locked or app.core is None:
            return
        self.locked = True
        self.settles_at = time.monotonic() + LOCK_SETTLE_SECONDS
        app.save_open_step()
        try:
            app.core.staff.record("lock", app.staff_id)
        except Exception:
            app.notify("Could not record the lock in the audit trail.", severity="error")
        app.clear_notifications()  # a toast would stay visible on the lock screen
        app.push_screen(LockScreen(app.staff_id, self._unlock, clinic=app.title), self._unlocked)

    async def _unlock(self, staff_id: str, pin: str) -> str:
        """The same person unlocks; someone else, once signed in, ends the first session.

        Only a successful sign-in ends it: a stranger's wrong PIN leaves it intact.
        """
        from kiosk.store.staff import normalise_id

        app = self.app
        assert app.core is not None
        same = app.staff_id is not None and normalise_id(staff_id) == app.staff_id
        purpose: Literal["unlock", "sign-in"] = "unlock" if same else "sign-in"
        member = await asyncio.to_thread(
            app.core.staff.authenticate, staff_id, pin, purpose=purpose
        )
        if not same and app.staff_id is not None:
            app.save_open_step()
            app.record_sign_out()
        return member.staff_id

    def _unlocked(self, staff_id: str | None) -> None:
        self.locked = False
        self.settles_at = 0.0
        self.touched()
        if staff_id is not None and staff_id != self.app.staff_id:
            self.app.end_session(record=False, next_staff=staff_id)
