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

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

Unlock = Callable[[str, str], Awaitable[str]]
"""(staff id, PIN) -> the signed-in staff id; raises an exception whose str is the message."""


class LockScreen(Screen[str]):
    """Hides everything until a staff member signs in; dismisses with their staff id."""

    AUTO_FOCUS = "#lock-pin"
    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "nothing", show=False, priority=True),
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
            yield Label(self._clinic or "Exam-room intake", id="lock-clinic")
            yield Static(self._now(), id="lock-clock")
            yield Static("Locked — sign in to continue", id="lock-title")
            yield Static(f"Locked by {self.locked_by}. Someone else may sign in too.")
            yield Label("Staff id")
            yield Input(value=self.locked_by, id="lock-staff", max_length=64, compact=True)
            yield Label("PIN")
            yield Input(id="lock-pin", password=True, max_length=128, compact=True)
            yield Static("", id="lock-message")
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
        label.update(message)
        label.set_class(error, "error")
