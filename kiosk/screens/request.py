"""Hand a request over: a refill, a referral, a prior authorization or a follow-up.

Opened from the review (Ctrl+R, or its "Add request" button). One compact dialog: the kind
first (letters choose it: "f" follow-up, "p" prior authorization), then only that kind's
fields, one row each so it fits 80x24. Enter walks the fields and adds the request on the
last; Ctrl+S adds it from anywhere; Esc cancels. A refill names a medication from the list
and the patient's preferred pharmacy (prefilled when known; its phone and NCPDP id checked);
a prior authorization's payer is one of the visit's coverages. Nothing here approves
anything: the request is a task for the provider or the front office.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from kiosk.models import REQUEST_KINDS, Encounter, Pharmacy, Request
from kiosk.screens.base import ENTER, ENTER_CHOICE, advance, form_fields, is_choice, next_field
from kiosk.validators.identity import check_phone
from kiosk.validators.requests import check_follow_up, check_ncpdp
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert
from kiosk.widgets.tick import Tick

URGENCIES = [("Routine", "routine"), ("Urgent", "urgent"), ("As soon as possible", "asap")]


class RequestDialog(ModalScreen[Request | None]):
    """Dismisses with the new :class:`Request`, or None when cancelled."""

    AUTO_FOCUS = "#request-kind"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            priority=True,
            id="request.cancel",
            tooltip="Close without adding a request",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Add request",
            priority=True,
            id="request.save",
            tooltip="Add the request (checks its fields first)",
        ),
        ENTER,
        ENTER_CHOICE,
    ]

    def __init__(self, draft: Encounter) -> None:
        super().__init__()
        self.draft = draft

    # ------------------------------------------------------------------ layout

    def _row(self, label: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="request-row"):
            yield Label(label, classes="request-label")
            yield widget
        message = Static("", id=f"{widget.id}-msg", classes="request-message", markup=False)
        message.display = False
        yield message

    def _input(self, wid: str, value: str = "", placeholder: str = "") -> Input:
        return VisibleInput(
            value=value, placeholder=placeholder, id=wid, max_length=200, compact=True
        )

    def compose(self) -> ComposeResult:
        pharmacy = self.draft.patient.preferred_pharmacy
        medications = [(inert(m.name), m.name) for m in self.draft.history.medications]
        coverages = [
            (inert(f"{key}: {c.payer}"), key)
            for key, c in (
                ("primary", self.draft.insurance.primary),
                ("secondary", self.draft.insurance.secondary),
            )
            if c is not None
        ]
        with Vertical(id="request-box"):
            yield Label("Hand over a request (the provider or front office acts on it)")
            kinds = [(title, kind) for kind, title in REQUEST_KINDS.items()]
            yield from self._row(
                "Request",
                Select(kinds, value="refill", allow_blank=False, id="request-kind", compact=True),
            )
            with Vertical(id="request-refill", classes="request-kind"):
                yield from self._row(
                    "Medication",
                    Select(
                        medications,
                        prompt="(none on the list)" if not medications else "Choose one",
                        id="request-medication",
                        compact=True,
                    ),
                )
                yield from self._row(
                    "Pharmacy", self._input("request-pharmacy", pharmacy.name if pharmacy else "")
                )
                yield from self._row(
                    "Its phone", self._input("request-phone", pharmacy.phone if pharmacy else "")
                )
                yield from self._row(
                    "Its address",
                    self._input("request-address", pharmacy.address if pharmacy else ""),
                )
                yield from self._row(
                    "NCPDP ID",
                    self._input("request-ncpdp", pharmacy.ncpdp_id if pharmacy else "", "7 digits"),
                )
            with Vertical(id="request-referral", classes="request-kind"):
                yield from self._row("Specialty", self._input("request-specialty"))
                yield from self._row("Reason", self._input("request-reason"))
                yield from self._row(
                    "Urgency",
                    Select(
                        URGENCIES,
                        value="routine",
                        allow_blank=False,
                        id="request-urgency",
                        compact=True,
                    ),
                )
            with Vertical(id="request-prior-auth", classes="request-kind"):
                yield from self._row("Service or drug", self._input("request-service"))
                with Horizontal(classes="request-row"):
                    yield Label("", classes="request-label")
                    yield Tick("It is a drug", id="request-drug", compact=True)
                yield from self._row(
                    "Payer",
                    Select(
                        coverages,
                        prompt="(no coverage on file)" if not coverages else "Choose one",
                        value=coverages[0][1] if coverages else Select.NULL,
                        id="request-payer",
                        compact=True,
                    ),
                )
            with Vertical(id="request-follow-up", classes="request-kind"):
                yield from self._row(
                    "When", self._input("request-when", placeholder="2 weeks, 3 months, a date")
                )
                yield from self._row("Reason", self._input("request-why"))
            with Horizontal(id="request-buttons"):
                yield Button("Cancel  Esc", id="request-cancel", action="screen.cancel")
                yield Button(
                    "Add request  Ctrl+S",
                    id="request-add",
                    variant="success",
                    action="screen.save",
                )

    def on_mount(self) -> None:
        self._show_kind("refill")

    @on(Select.Changed, "#request-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self._show_kind(str(event.value))

    def _show_kind(self, kind: str) -> None:
        for box in self.query(".request-kind"):
            box.display = box.id == f"request-{kind}"

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter_field":
            return isinstance(self.focused, Input)
        if action == "enter_choice":
            return is_choice(self.focused)
        return True

    def action_enter_field(self) -> None:
        advance(self, form_fields(self), self.action_save)

    def action_enter_choice(self) -> None:
        next_field(self, self.action_save)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # ------------------------------------------------------------------ checking

    def _text(self, wid: str) -> str:
        return self.query_one(f"#{wid}", Input).value.strip()

    def _choice(self, wid: str) -> Any:
        value = self.query_one(f"#{wid}", Select).value
        return None if value is Select.NULL else value

    def _say(self, wid: str, message: str) -> None:
        shown = self.query_one(f"#{wid}-msg", Static)
        shown.update(message)
        shown.display = bool(message)
        self.query_one(f"#{wid}").set_class(bool(message), "-flagged")

    def action_save(self) -> None:
        """Check the chosen kind's fields; add the request, or say what is wrong by each."""
        kind = str(self._choice("request-kind"))
        errors: dict[str, str] = {}
        fields: dict[str, Any] = {"kind": kind}
        if kind == "refill":
            fields.update(self._refill(errors))
        elif kind == "referral":
            for wid, what in (("request-specialty", "specialty"), ("request-reason", "reason")):
                fields[what] = self._text(wid)
                if not fields[what]:
                    errors[wid] = f"Enter the {what}."
            fields["urgency"] = self._choice("request-urgency")
        elif kind == "prior-auth":
            fields["service"] = self._text("request-service")
            if not fields["service"]:
                errors["request-service"] = "Enter the service or drug needing authorization."
            fields["service_is_drug"] = self.query_one("#request-drug", Checkbox).value
            coverage = self._choice("request-payer")
            if coverage:
                chosen = getattr(self.draft.insurance, coverage)
                fields.update(coverage=coverage, payer=chosen.payer if chosen else "")
        else:
            typed = self._text("request-when")
            when = check_follow_up(typed, today=self.draft.day)
            if not when.ok:
                errors["request-when"] = when.message
            fields.update(when_text=typed, when=when.value, reason=self._text("request-why"))
        for box in self.query(f"#request-{kind} .request-message"):
            wid = (box.id or "").removesuffix("-msg")
            self._say(wid, errors.get(wid, ""))
        if errors:
            first = next(iter(errors))
            self.query_one(f"#{first}").focus()
            return
        self.dismiss(Request.model_validate(fields))

    def _refill(self, errors: dict[str, str]) -> dict[str, Any]:
        medication = self._choice("request-medication")
        if not medication:
            errors["request-medication"] = (
                "Choose a medication from the list (add it on the History step first)."
                if self.draft.history.medications
                else "No medications on the list: add it on the History step first."
            )
        name = self._text("request-pharmacy")
        if not name:
            errors["request-pharmacy"] = "Enter the pharmacy's name."
        phone = self._text("request-phone")
        if phone:
            checked = check_phone(phone)
            if not checked.ok:
                errors["request-phone"] = checked.message
            phone = checked.value or phone
        ncpdp = check_ncpdp(self._text("request-ncpdp"))
        if not ncpdp.ok:
            errors["request-ncpdp"] = ncpdp.message
        if errors:
            return {}
        pharmacy = Pharmacy(
            name=name,
            phone=phone,
            address=self._text("request-address"),
            ncpdp_id=ncpdp.value or "",
        )
        return {"medication": medication, "pharmacy": pharmacy}
