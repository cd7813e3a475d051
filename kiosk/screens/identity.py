"""Two identifiers before anything is charted (The Joint Commission NPSG.01.01.01).

The name and date of birth are shown large; the MA asks the patient and either ticks both
boxes or types the date of birth the patient says (it must match, and then ticks that box).
Continue stays disabled until both are confirmed. When the patient said both as shown, one key
(Ctrl+Y, or the "Both match" button) is the MA's affirmation of both: it ticks both boxes and
continues, unless a typed date of birth disagrees. Dismisses with True, or False for Back.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Header, Input, Label, Static

from kiosk.models import Patient
from kiosk.screens.base import (
    ENTER,
    ENTER_CHOICE,
    advance,
    after_pending_keys,
    is_choice,
    next_field,
    size_classes,
)
from kiosk.screens.styled_once import StyledOnce
from kiosk.validators.age import whole_years
from kiosk.validators.identity import check_birth_date
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert
from kiosk.widgets.navbar import KeyLine
from kiosk.widgets.scroll import SCROLL_KEYS, ScrollBody, ScrollHow, scroll_body
from kiosk.widgets.tick import Tick


class IdentityScreen(StyledOnce, Screen[bool]):
    """Confirm name and date of birth with the patient."""

    TITLE = "Confirm identity"
    AUTO_FOCUS = "#identity-name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,ctrl+b",
            "back",
            "Back",
            priority=True,
            id="identity.back",
            tooltip="Back to the patient list",
        ),
        Binding(
            "ctrl+n",
            "confirm",
            "Continue",
            priority=True,
            id="identity.continue",
            tooltip="Continue once name and date of birth are confirmed",
        ),
        Binding(
            "ctrl+y",
            "both_match",
            "Both match",
            priority=True,
            id="identity.both_match",
            tooltip="The patient said this name and this date of birth: confirm both, continue",
        ),
        ENTER,
        ENTER_CHOICE,
        *SCROLL_KEYS,
    ]

    def __init__(self, patient: Patient) -> None:
        super().__init__(classes="form")
        self.add_class(*size_classes(self))
        self.patient = patient

    def compose(self) -> ComposeResult:
        p = self.patient
        yield Header(icon="")
        with ScrollBody(id="identity-body", can_focus=False):
            yield Static(
                "Ask the patient: “Please tell me your full name and date of birth.”",
                classes="hint",
            )
            with Vertical(id="identity-card"):
                yield Static(
                    inert(f"{p.family_name.upper()}, {p.given_name} {p.middle_name}".strip()),
                    id="identity-show-name",
                )
                yield Static(
                    f"Born {p.birth_date:%B} {p.birth_date.day}, {p.birth_date.year}  "
                    f"({p.birth_date:%m/%d/%Y}) · "
                    f"{whole_years(p.birth_date, date.today())} years",
                    id="identity-show-dob",
                )
            yield Tick("Name confirmed", id="identity-name")
            yield Tick("Date of birth confirmed", id="identity-dob")
            yield Label("…or type the date of birth the patient says", classes="field-label")
            yield VisibleInput(placeholder="MM/DD/YYYY", id="identity-dob-typed")
            yield Static("", id="identity-message", classes="message", markup=False)
        with Horizontal(id="identity-buttons", classes="buttons"):
            yield Button("Back  Esc", id="identity-back", action="screen.back")
            yield Button("Both match  Ctrl+Y", id="identity-both", action="screen.both_match")
            yield Button(
                "Continue  Ctrl+N",
                id="identity-continue",
                variant="primary",
                action="screen.confirm",
                disabled=True,
            )
        yield KeyLine(id="keyline")

    @property
    def confirmed(self) -> bool:
        return (
            self.query_one("#identity-name", Checkbox).value
            and self.query_one("#identity-dob", Checkbox).value
        )

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#identity-continue", Button).disabled = not self.confirmed
        if self.confirmed:
            self.query_one("#identity-message", Static).update("")

    def action_scroll_body(self, how: ScrollHow) -> None:
        scroll_body(self, how)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter_field":
            return isinstance(self.focused, Input)
        if action == "enter_choice":
            return is_choice(self.focused)
        return True

    def action_enter_choice(self) -> None:
        """Enter on a box moves on (Space ticks it): to the next box, then the typed date."""
        next_field(self, self.action_confirm)

    def action_enter_field(self) -> None:
        """Enter after the typed date of birth: check it (once typed in full), then go on."""
        typed = self.query_one("#identity-dob-typed", Input)
        advance(self, [typed], lambda: self._typed_entered(typed.value))

    def _typed_entered(self, text: str) -> None:
        self._check_typed(text)
        if self.confirmed:
            self._confirm()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._check_typed(event.value)
        if self.confirmed:
            self.action_confirm()

    def on_input_changed(self, event: Input.Changed) -> None:
        if check_birth_date(event.value).ok:
            self._check_typed(event.value)

    def _check_typed(self, text: str) -> None:
        message = self.query_one("#identity-message", Static)
        checked = check_birth_date(text)
        said = checked.value
        if said is None:
            message.update(checked.message)
            message.add_class("error")
        elif said != self.patient.birth_date:
            message.update("Does not match the chart. Check the patient and the spelling.")
            message.add_class("error")
            self.query_one("#identity-dob", Checkbox).value = False
        else:
            message.update("Date of birth matches.")
            message.remove_class("error")
            self.query_one("#identity-dob", Checkbox).value = True

    def action_confirm(self) -> None:
        after_pending_keys(self, self._confirm)

    def _confirm(self) -> None:
        if not self.is_current:
            return
        if not self.confirmed:
            self.query_one("#identity-message", Static).update(
                "Confirm both the name and the date of birth with the patient first."
            )
            self.query_one("#identity-message", Static).add_class("error")
            self.app.bell()
            return
        self.dismiss(True)

    def action_both_match(self) -> None:
        after_pending_keys(self, self._both_match)

    def _both_match(self) -> None:
        """The MA affirms that the patient said the name and the date of birth shown: both
        boxes are ticked (seen) and the intake goes on. A date typed in the field that is
        not the chart's refuses it: the patient said something else."""
        if not self.is_current:
            return
        typed = self.query_one("#identity-dob-typed", Input).value
        if typed.strip():
            self._check_typed(typed)
            if not self.query_one("#identity-dob", Checkbox).value:
                self.app.bell()
                return
        self.query_one("#identity-name", Checkbox).value = True
        self.query_one("#identity-dob", Checkbox).value = True
        self._confirm()

    def action_back(self) -> None:
        self.dismiss(False)

    def cancel(self) -> None:
        self.dismiss(False)
