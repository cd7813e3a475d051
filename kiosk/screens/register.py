"""New patient registration: the minimum to open a chart, each field checked in plain words.

A bad value is kept as typed and flagged under its field; Continue stays blocked until every
field is valid. The checks are the core's identity validators. Dismisses with the new
Patient, or None (Back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, cast, get_args

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select

from kiosk.models import Patient, Sex
from kiosk.screens.base import (
    ENTER,
    ENTER_CHOICE,
    advance,
    after_pending_keys,
    form_fields,
    is_choice,
    next_field,
    size_classes,
)
from kiosk.validators.identity import Checked, check_birth_date, check_name, check_phone
from kiosk.widgets.labelled import LabelledInput
from kiosk.widgets.navbar import KeyLine
from kiosk.widgets.scroll import SCROLL_KEYS, ScrollBody, ScrollHow, scroll_body

MrnCheck = Callable[[str], Checked[str]]


def optional_phone(text: str) -> Checked[str]:
    """A phone number may be left empty here; if typed it must be a real one."""
    return Checked(True, "") if not text.strip() else check_phone(text)


class RegisterScreen(Screen[Patient | None]):
    """Family name, given name, date of birth, sex, MRN, phone."""

    TITLE = "New patient"
    AUTO_FOCUS = "#register-family"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,ctrl+b",
            "back",
            "Back",
            priority=True,
            id="register.back",
            tooltip="Back to the patient list; nobody is registered",
        ),
        Binding(
            "ctrl+n",
            "save",
            "Continue",
            priority=True,
            id="register.continue",
            tooltip="Continue (checks every field first)",
        ),
        ENTER,
        ENTER_CHOICE,
        *SCROLL_KEYS,
    ]

    def __init__(self, check_mrn: MrnCheck, mrn_in_use: Callable[[str], bool]) -> None:
        super().__init__(classes="form")
        self.add_class(*size_classes(self))
        self._check_mrn = check_mrn
        self._mrn_in_use = mrn_in_use

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with ScrollBody(id="register-body", can_focus=False), Vertical(classes="columns"):
            yield LabelledInput("Family name", id="register-family", required=True)
            yield LabelledInput("Given name", id="register-given", required=True)
            yield LabelledInput(
                "Date of birth", id="register-dob", required=True, placeholder="MM/DD/YYYY"
            )
            with Horizontal(classes="labelled-row"):
                yield Label("Sex", classes="labelled-label")
                yield Select(
                    [(s, s) for s in get_args(Sex)],
                    value="unknown",
                    allow_blank=False,
                    id="register-sex",
                )
            yield LabelledInput("MRN", id="register-mrn", required=True, max_length=40)
            yield LabelledInput("Phone", id="register-phone", placeholder="(555) 123-4567")
        with Horizontal(classes="buttons"):
            yield Button("Back  Esc", id="register-back", action="screen.back")
            yield Button(
                "Continue  Ctrl+N", id="register-save", variant="primary", action="screen.save"
            )
        yield KeyLine(id="keyline")

    def field(self, name: str) -> LabelledInput:
        return self.query_one(f"#register-{name}-field", LabelledInput)

    def action_scroll_body(self, how: ScrollHow) -> None:
        scroll_body(self, how)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter_field":
            return isinstance(self.focused, Input)
        if action == "enter_choice":
            return is_choice(self.focused)
        return True

    def action_enter_field(self) -> None:
        """The next field as Tab (the sex drop-down too: type its first letter there); on
        the last, Continue."""
        advance(self, form_fields(self), self.action_save)

    def action_enter_choice(self) -> None:
        """Enter on the sex drop-down moves on (Space or Down opens it)."""
        next_field(self, self.action_save)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = form_fields(self)
        if event.input not in fields or event.input is fields[-1]:
            self.action_save()
        else:
            fields[fields.index(event.input) + 1].focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Re-check a field while it is flagged, so the flag clears as soon as it is right."""
        if event.input.has_class("-flagged") and event.input.id:
            self.collect(only=event.input.id.removeprefix("register-"))

    def _checks(self, only: str | None) -> dict[str, Checked[Any]]:
        checks: dict[str, Checked[Any]] = {
            "family": check_name(self.field("family").value, label="family name"),
            "given": check_name(self.field("given").value, label="given name"),
            "dob": check_birth_date(self.field("dob").value),
            "mrn": self._check_mrn(self.field("mrn").value),
            "phone": optional_phone(self.field("phone").value),
        }
        mrn = checks["mrn"]
        if only in (None, "mrn") and mrn.ok and self._mrn_in_use(str(mrn.value)):
            checks["mrn"] = Checked(
                False, None, "This MRN belongs to another patient: search for them instead."
            )
        return checks

    def collect(self, only: str | None = None) -> Patient | None:
        """Check every field (or just ``only``); show messages; the Patient when all are valid."""
        checks = self._checks(only)
        for name, check in checks.items():
            if only is not None and only != name:
                continue
            if not check.ok:
                self.field(name).show_error(check.message)
            elif name == "dob":
                self.field(name).show_ok(f"= {check.value:%d %B %Y}")
            else:
                self.field(name).show_ok()
        if not all(check.ok for check in checks.values()):
            return None
        return Patient(
            id=str(checks["mrn"].value),
            family_name=str(checks["family"].value),
            given_name=str(checks["given"].value),
            birth_date=checks["dob"].value,
            sex=cast(Sex, self.query_one("#register-sex", Select).value),
            phone=str(checks["phone"].value or ""),
        )

    def action_save(self) -> None:
        after_pending_keys(self, self._save)

    def _save(self) -> None:
        if not self.is_current:
            return
        if self.collect() is None:
            for widget in self.query("Input.-flagged"):
                widget.focus()
                break
            self.app.bell()
            return
        self.dismiss(self.collect())

    def action_back(self) -> None:
        self.dismiss(None)

    def cancel(self) -> None:
        self.dismiss(None)
