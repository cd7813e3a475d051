"""Demographics and insurance: review what the chart says, edit, mark insurance changed or
self-pay. Everything is pre-filled from the draft (carried forward), so usually the MA only
reads and presses Enter.

Next checks every field at once: each problem is said under its own field, what was typed
stays, and the focus goes to the first bad field. The state is a US two-letter code and the
ZIP 5 digits or ZIP+4 in a US clinic (the ``country`` setting; Canadian and UK postal codes
otherwise, see :mod:`kiosk.validators.address`); the clinic's ``required_fields`` for the
patient (phone, address, emergency contact) are asked for here, not only at signing.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast, get_args

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from kiosk.models import (
    Address,
    Coverage,
    EmergencyContact,
    Encounter,
    Insurance,
    Patient,
    Relationship,
    Sex,
)
from kiosk.screens.base import StepScreen
from kiosk.validators.address import check_postal_code, check_state
from kiosk.validators.identity import (
    Checked,
    check_birth_date,
    check_member_id,
    check_name,
    check_phone,
)
from kiosk.widgets.labelled import LabelledInput
from kiosk.widgets.tick import Tick

# (widget id suffix, label, required)
PATIENT_FIELDS = (
    ("family", "Family name", True),
    ("given", "Given name", True),
    ("middle", "Middle name", False),
    ("preferred", "Preferred name", False),
    ("dob", "Date of birth", True),
    ("phone", "Phone", False),
    ("address1", "Address", False),
    ("city", "City", False),
    ("state", "State", False),
    ("postal", "ZIP / postal code", False),
    ("ec-name", "Emergency contact", False),
    ("ec-phone", "Contact's phone", False),
)
REQUIRED_BY_SETTING: dict[str, str] = {
    "phone": "patient.phone",
    "address1": "patient.address",
    "ec-name": "patient.emergency_contact",
}
"""Fields the clinic's ``required_fields`` can make required, by widget suffix."""
REQUIRED_WORDS: dict[str, str] = {
    "phone": "phone number",
    "address1": "address",
    "ec-name": "emergency contact's name",
}
COVERAGE_FIELDS = (
    ("payer", "Insurer (payer)"),
    ("plan", "Plan"),
    ("member", "Member id"),
    ("group", "Group number"),
    ("subscriber", "Subscriber"),
)


class DemographicsScreen(StepScreen):
    """Patient details and insurance (primary coverage; self-pay)."""

    STEP: ClassVar[str] = "demographics"
    TITLE: ClassVar[str] = "Demographics"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+p",
            "self_pay",
            "Self-pay",
            priority=True,
            id="demographics.self_pay",
            tooltip="Mark the visit self-pay",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("Patient — read each line back to the patient", classes="section-title")
        with Vertical(classes="columns"):
            for suffix, label, required in PATIENT_FIELDS:
                if suffix == "state" and self.ctx.settings.country != "US":
                    label = "State / region"
                needed = required or REQUIRED_BY_SETTING.get(suffix) in self._required
                yield LabelledInput(label, id=f"demographics-{suffix}", required=needed)
                if suffix == "dob":
                    with Horizontal(classes="labelled-row"):
                        yield Label("Sex", classes="labelled-label")
                        yield Select(
                            [(s, s) for s in get_args(Sex)],
                            allow_blank=False,
                            value="unknown",
                            id="demographics-sex",
                        )
        yield Static("Insurance", classes="section-title")
        with Horizontal(classes="row checks"):
            yield Tick("Changed since last visit", id="demographics-ins-changed")
            yield Tick("Self-pay (no insurance)  Ctrl+P", id="demographics-self-pay")
        with Vertical(classes="columns", id="demographics-coverage"):
            for suffix, label in COVERAGE_FIELDS:
                yield LabelledInput(label, id=f"demographics-{suffix}")
            with Horizontal(classes="labelled-row"):
                yield Label("Relationship", classes="labelled-label")
                yield Select(
                    [(r, r) for r in get_args(Relationship)],
                    allow_blank=False,
                    value="self",
                    id="demographics-relationship",
                )

    # ------------------------------------------------------------------ restore

    def restore(self) -> None:
        p, ins = self.draft.patient, self.draft.insurance
        ec = p.emergency_contact
        values = {
            "family": p.family_name,
            "given": p.given_name,
            "middle": p.middle_name,
            "preferred": p.preferred_name,
            "dob": f"{p.birth_date:%Y-%m-%d}",
            "phone": p.phone,
            "address1": p.address.line1,
            "city": p.address.city,
            "state": p.address.state,
            "postal": p.address.postal_code,
            "ec-name": ec.name if ec else "",
            "ec-phone": ec.phone if ec else "",
        }
        cov = ins.primary
        if cov is not None:
            values.update(
                payer=cov.payer,
                plan=cov.plan,
                member=cov.member_id,
                group=cov.group,
                subscriber=cov.subscriber_name,
            )
            self.query_one("#demographics-relationship", Select).value = cov.relationship
        for suffix, value in values.items():
            inp = self.query_one(f"#demographics-{suffix}", Input)
            with inp.prevent(Input.Changed):
                inp.value = value
        self.query_one("#demographics-sex", Select).value = p.sex
        self._set_check("demographics-ins-changed", ins.changed_since_last_visit)
        self._set_check("demographics-self-pay", ins.self_pay)
        self._sync_coverage()

    def _set_check(self, widget_id: str, value: bool) -> None:
        box = self.query_one(f"#{widget_id}", Checkbox)
        with box.prevent(Checkbox.Changed):
            box.value = value

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "demographics-self-pay":
            self._sync_coverage()

    def _sync_coverage(self) -> None:
        """Self-pay hides the coverage fields (kept, not erased, in case it was a mistake)."""
        self_pay = self.query_one("#demographics-self-pay", Checkbox).value
        self.query_one("#demographics-coverage").display = not self_pay

    def action_self_pay(self) -> None:
        box = self.query_one("#demographics-self-pay", Checkbox)
        box.value = not box.value

    # ------------------------------------------------------------------ collect

    def _text(self, suffix: str) -> str:
        return self.query_one(f"#demographics-{suffix}", Input).value.strip()

    def _field(self, suffix: str) -> LabelledInput:
        return self.query_one(f"#demographics-{suffix}-field", LabelledInput)

    @property
    def _required(self) -> tuple[str, ...]:
        return self.ctx.settings.required_fields

    def _checks(self) -> dict[str, Checked[Any]]:
        """Every field's check, all at once; a missing optional field counts as fine."""
        ok: Checked[Any] = Checked(True, "")
        country = self.ctx.settings.country
        checks: dict[str, Checked[Any]] = {
            "family": check_name(self._text("family"), label="family name"),
            "given": check_name(self._text("given"), label="given name"),
            "dob": check_birth_date(self._text("dob")),
            "phone": check_phone(self._text("phone")) if self._text("phone") else ok,
            "address1": ok,
            "city": ok,
            "state": check_state(self._text("state"), country=country),
            "postal": check_postal_code(self._text("postal"), country=country),
            "ec-name": ok,
            "ec-phone": check_phone(self._text("ec-phone")) if self._text("ec-phone") else ok,
        }
        for suffix in ("middle", "preferred"):
            checks[suffix] = (
                check_name(self._text(suffix), label="name") if self._text(suffix) else ok
            )
        for suffix, name in REQUIRED_BY_SETTING.items():
            if name in self._required and not self._text(suffix):
                checks[suffix] = _bad(f"Required: enter the {REQUIRED_WORDS[suffix]}.")
        if self._text("ec-phone") and not self._text("ec-name"):
            checks["ec-name"] = _bad("Whose phone number is this? Enter the contact's name.")
        checks["payer"] = checks["member"] = ok  # self-pay: nothing to say there
        if not self.query_one("#demographics-self-pay", Checkbox).value:
            payer, member = self._text("payer"), self._text("member")
            checks["payer"] = ok if payer else _bad("Enter the insurer, or tick Self-pay (Ctrl+P).")
            checks["member"] = check_member_id(member)
        return checks

    def collect(self) -> Encounter | None:
        checks = self._checks()
        for suffix, check in checks.items():
            if check.ok:
                self._field(suffix).show_ok()
            else:
                self._field(suffix).show_error(check.message)
        if not all(check.ok for check in checks.values()):
            return None
        self_pay = self.query_one("#demographics-self-pay", Checkbox).value
        coverage: Coverage | None = None
        if not self_pay:
            relationship = self.query_one("#demographics-relationship", Select).value
            coverage = Coverage(
                payer=self._text("payer"),
                plan=self._text("plan"),
                member_id=str(checks["member"].value),
                group=self._text("group"),
                subscriber_name=self._text("subscriber"),
                relationship=cast(Relationship, relationship),
            )
        ec_name = self._text("ec-name")
        contact = (
            EmergencyContact(name=ec_name, phone=str(checks["ec-phone"].value)) if ec_name else None
        )
        patient = Patient.model_validate(
            {
                **self.draft.patient.model_dump(),
                "family_name": checks["family"].value,
                "given_name": checks["given"].value,
                "middle_name": self._text("middle"),
                "preferred_name": self._text("preferred"),
                "birth_date": checks["dob"].value,
                "phone": checks["phone"].value,
                "sex": self.query_one("#demographics-sex", Select).value,
                "address": Address(
                    line1=self._text("address1"),
                    line2=self.draft.patient.address.line2,
                    city=self._text("city"),
                    state=str(checks["state"].value),
                    postal_code=str(checks["postal"].value),
                    country=self.ctx.settings.country,
                ),
                "emergency_contact": contact,
            }
        )
        insurance = Insurance(
            primary=coverage,
            secondary=self.draft.insurance.secondary if coverage else None,
            self_pay=self_pay,
            changed_since_last_visit=self.query_one("#demographics-ins-changed", Checkbox).value,
        )
        return self.draft.model_copy(update={"patient": patient, "insurance": insurance})


def _bad(message: str) -> Checked[Any]:
    return Checked(False, None, message)
