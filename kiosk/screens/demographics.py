"""Demographics and insurance: review what the chart says, edit, mark insurance changed or
self-pay. Everything is pre-filled from the draft (carried forward), so usually the MA only
reads and presses Enter.
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
        Binding("ctrl+p", "self_pay", "Self-pay", priority=True),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("Patient — read each line back to the patient", classes="section-title")
        with Vertical(classes="columns"):
            for suffix, label, required in PATIENT_FIELDS:
                yield LabelledInput(label, id=f"demographics-{suffix}", required=required)
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

    def _checks(self) -> dict[str, Checked[Any]]:
        """Every field's check; a missing optional field counts as fine."""
        ok: Checked[Any] = Checked(True, "")
        checks: dict[str, Checked[Any]] = {
            "family": check_name(self._text("family"), label="family name"),
            "given": check_name(self._text("given"), label="given name"),
            "dob": check_birth_date(self._text("dob")),
            "phone": check_phone(self._text("phone")) if self._text("phone") else ok,
            "ec-phone": check_phone(self._text("ec-phone")) if self._text("ec-phone") else ok,
        }
        for suffix in ("middle", "preferred"):
            if self._text(suffix):
                checks[suffix] = check_name(self._text(suffix), label="name")
        if self._text("ec-phone") and not self._text("ec-name"):
            checks["ec-name"] = _bad("Whose phone number is this? Enter the contact's name.")
        if not self.query_one("#demographics-self-pay", Checkbox).value:
            payer, member = self._text("payer"), self._text("member")
            if not payer and not member:
                checks["payer"] = _bad("Enter the insurance, or tick Self-pay (Ctrl+P).")
            else:
                checks["payer"] = ok if payer else _bad("Enter the insurer, or tick Self-pay.")
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
                    city=self._text("city"),
                    state=self._text("state"),
                    postal_code=self._text("postal"),
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
