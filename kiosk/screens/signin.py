"""Sign-in: staff id and PIN; nothing else is reachable until it succeeds.

The screen renders before the core (store, validators, pint) is imported: the app loads the
core in a thread after the first frame and calls :meth:`SignInScreen.core_ready` or
:meth:`SignInScreen.core_failed`. Checking a PIN is the app's job (``authenticate``), so this
screen only collects text and shows the answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from kiosk.screens.keys import ENTER, advance, after_pending_keys
from kiosk.screens.styled_once import StyledOnce, size_classes
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert

Authenticate = Callable[[str, str], Awaitable[str]]
"""(staff id, PIN) -> the signed-in staff id; raises an exception whose str is the message."""


class SignInScreen(StyledOnce, Screen[str]):
    """Collects staff id and PIN; dismisses with the authenticated staff id."""

    TITLE = "Sign in"
    AUTO_FOCUS = "#signin-staff"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "app.quit_kiosk",
            "Quit",
            priority=True,
            id="signin.quit",
            tooltip="Quit the kiosk (only when nobody is signed in)",
        ),
        ENTER,
    ]

    def __init__(
        self,
        authenticate: Authenticate,
        *,
        clinic: str = "",
        loaded: bool = False,
        demo_credentials: tuple[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.add_class(*size_classes(self))  # styled once for the terminal's size, not twice
        self._authenticate = authenticate
        self._clinic = clinic
        self._loaded = loaded
        self._demo_credentials = demo_credentials

    def on_mount(self) -> None:
        if self._loaded:
            self.core_ready(self._demo_credentials)

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            yield Label(inert(self._clinic or "Exam-room intake"), id="signin-clinic")
            yield Label("Staff id", classes="field-label")
            yield VisibleInput(placeholder="staff id", id="signin-staff", max_length=64)
            yield Label("PIN", classes="field-label")
            yield Input(placeholder="PIN", id="signin-pin", password=True, max_length=32)
            yield Static("", id="signin-message", classes="message", markup=False)
            yield Static("Starting…", id="signin-status", classes="hint")
            with Horizontal(id="signin-buttons"):
                yield Button("Quit  Ctrl+Q", id="signin-quit", action="app.quit_kiosk")
                yield Button(
                    "Sign in  Enter", id="signin-go", variant="primary", action="screen.sign_in"
                )
        # one line of text, not Header/Footer: they are the dearest widgets of the first frame
        yield Static("F1 help  ·  Enter sign in  ·  Ctrl+Q quit", id="signin-keys")

    # ------------------------------------------------------------------ app -> screen

    def core_ready(self, demo_credentials: tuple[str, str] | None) -> None:
        """The store is open: show the demo account (demo mode) or nothing."""
        status = self.query_one("#signin-status", Static)
        if demo_credentials:
            staff_id, pin = demo_credentials
            shown = f"Demo mode: synthetic patients only.\nStaff id: {staff_id}   PIN: {pin}"
            status.update(inert(shown, lines=True))
        else:
            status.update("")

    def core_failed(self, message: str) -> None:
        """The store or configuration could not be opened: say so, keep the kiosk alive."""
        # the message quotes file names and values: shown as it reads, never as markup
        self.query_one("#signin-status", Static).update(inert(f"Cannot start: {message}"))
        self.query_one("#signin-status", Static).add_class("error")

    # ------------------------------------------------------------------ events

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return isinstance(self.focused, Input) if action == "enter_field" else True

    def action_enter_field(self) -> None:
        """Staff id -> PIN -> sign in, safe when both arrive in one burst."""
        advance(self, list(self.query(Input).results(Input)), self._sign_in)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "signin-staff":
            self.query_one("#signin-pin", Input).focus()
        else:
            self.action_sign_in()

    def action_sign_in(self) -> None:
        after_pending_keys(self, self._sign_in)

    def _sign_in(self) -> None:
        staff_id = self.query_one("#signin-staff", Input).value.strip()
        pin = self.query_one("#signin-pin", Input).value
        if not staff_id or not pin:
            self._show_error("Enter your staff id and PIN.")
            self.query_one("#signin-staff" if not staff_id else "#signin-pin", Input).focus()
            return
        self._check(staff_id, pin)

    @work(exclusive=True, group="signin", exit_on_error=False)
    async def _check(self, staff_id: str, pin: str) -> None:
        self.query_one("#signin-go", Button).disabled = True
        self.query_one("#signin-message", Static).update("Checking…")
        try:
            signed_in = await self._authenticate(staff_id, pin)
        except Exception as error:  # AuthError or a store failure: show it, never crash
            pin_input = self.query_one("#signin-pin", Input)
            pin_input.value = ""
            pin_input.focus()
            self._show_error(str(error) or "Sign-in failed.")
            return
        finally:
            self.query_one("#signin-go", Button).disabled = False
        self.dismiss(signed_in)

    def _show_error(self, message: str) -> None:
        label = self.query_one("#signin-message", Static)
        label.update(inert(message))
        label.add_class("error")
