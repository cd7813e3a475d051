"""The procedure-assist record (from the status dialog of a patient in the room).

One dialog at 80x24: the procedure, the provider, the MA's role, the time-out (patient, site
and procedure confirmed), consent, the instrument packs by id (from the sterilizer log: a pack
that is unknown, failed an indicator or is recalled is refused by name), and a specimen with
its type, site and the label confirmed against two identifiers. A refusal is said under the
form and everything typed stays.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select, Static

from kiosk.errors import KioskError
from kiosk.models import Patient, utcnow
from kiosk.models.procedure import ROLE_WORDS, ProcedureAssist, Specimen, TimeOut
from kiosk.models.rooming import VisitRecord
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert

FIELDS = {
    "procedure": "Procedure",
    "provider": "Provider",
    "packs": "Packs",
    "specimen": "Specimen",
    "site": "Site",
}


TICKS = {
    "patient": "Time-out: patient confirmed",
    "site-ok": "Time-out: site confirmed",
    "what": "Time-out: procedure confirmed",
    "consent": "Consent documented",
    "label": "Specimen label confirmed with two identifiers",
}
CLOSE = Binding(
    "escape",
    "close",
    "Close",
    priority=True,
    id="procedure.close",
    tooltip="Close the procedure record without saving",
)


class Recorder(Protocol):
    def record_procedure(self, patient_id: str, assist: ProcedureAssist) -> VisitRecord: ...


class ProcedureModal(ModalScreen[VisitRecord | None]):
    """Record one procedure the MA assisted with."""

    BINDINGS: ClassVar[list[BindingType]] = [CLOSE]

    def __init__(self, board: Recorder, patient: Patient, staff_id: str) -> None:
        super().__init__()
        self.board = board
        self.patient = patient
        self.staff_id = staff_id

    def compose(self) -> ComposeResult:
        p = self.patient
        with Vertical(id="procedure-box"):
            yield Label(
                inert(f"Procedure assist: {p.family_name.upper()}, {p.given_name}"),
                id="procedure-title",
            )
            for key, hint in (
                ("procedure", "e.g. shave biopsy, left forearm"),
                ("provider", "name"),
            ):
                with Horizontal(classes="procedure-row"):
                    yield Label(FIELDS[key], classes="procedure-label")
                    yield VisibleInput(
                        id=f"procedure-{key}", compact=True, placeholder=hint, max_length=100
                    )
            with Horizontal(classes="procedure-row"):
                yield Label("MA's role", classes="procedure-label")
                roles = [(words, role) for role, words in ROLE_WORDS.items()]
                yield Select(roles, id="procedure-role", allow_blank=False, compact=True)
            for key in ("patient", "site-ok", "what", "consent"):
                yield Checkbox(TICKS[key], id=f"procedure-{key}", compact=True)
            with Horizontal(classes="procedure-row"):
                yield Label("Packs", classes="procedure-label")
                yield VisibleInput(
                    id="procedure-packs", compact=True, placeholder="PK-1, PK-2", max_length=200
                )
            for key, hint in (("specimen", "none, or e.g. tissue"), ("site", "e.g. left arm")):
                with Horizontal(classes="procedure-row"):
                    yield Label(FIELDS[key], classes="procedure-label")
                    yield VisibleInput(
                        id=f"procedure-{key}", compact=True, placeholder=hint, max_length=100
                    )
            yield Checkbox(TICKS["label"], id="procedure-label", compact=True)
            yield Static("", id="procedure-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(
                    "Record", id="procedure-record", variant="primary", action="screen.record"
                )
                yield Button("Close  Esc", id="procedure-close", action="screen.close")

    def on_mount(self) -> None:
        self.query_one("#procedure-procedure", VisibleInput).focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """A ticked box says "yes" in words (its X differs only by colour)."""
        key = (event.checkbox.id or "").removeprefix("procedure-")
        if key in TICKS:
            event.checkbox.label = f"{TICKS[key]}  — yes" if event.value else TICKS[key]

    def _text(self, key: str) -> str:
        return self.query_one(f"#procedure-{key}", VisibleInput).value.strip()

    def _ticked(self, key: str) -> bool:
        return self.query_one(f"#procedure-{key}", Checkbox).value

    def action_record(self) -> None:
        problem, assist = self._assist()
        if assist is None:
            self._say(problem)
            return
        self._save(assist)

    def _assist(self) -> tuple[str, ProcedureAssist | None]:
        from pydantic import ValidationError

        for key in ("procedure", "provider"):
            if not self._text(key):
                return f"{FIELDS[key]}: required.", None
        specimens: list[Specimen] = []
        if self._text("specimen"):
            if not self._text("site") or not self._ticked("label"):
                return "Specimen: give its site and confirm the label (two identifiers).", None
            specimens.append(
                Specimen(type=self._text("specimen"), site=self._text("site"), label_confirmed=True)
            )
        role = self.query_one("#procedure-role", Select).value
        try:
            assist = ProcedureAssist(
                procedure=self._text("procedure"),
                provider=self._text("provider"),
                at=utcnow(),
                by=self.staff_id,
                role=role if isinstance(role, str) else "assist",
                time_out=TimeOut(
                    patient_confirmed=self._ticked("patient"),
                    site_confirmed=self._ticked("site-ok"),
                    procedure_confirmed=self._ticked("what"),
                    at=utcnow(),
                ),
                consent_documented=self._ticked("consent"),
                packs=[p.strip() for p in self._text("packs").split(",") if p.strip()],
                specimens=specimens,
            )
        except ValidationError as error:
            first = error.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(p) for p in first["loc"] if not isinstance(p, int))
            said = first["msg"].removeprefix("Value error, ")
            return (f"{where}: {said}." if where else f"{said[:1].upper()}{said[1:]}."), None
        return "", assist

    @work(thread=True, exit_on_error=False, exclusive=True, group="procedure")
    def _save(self, assist: ProcedureAssist) -> None:
        try:
            record = self.board.record_procedure(self.patient.id, assist)
        except (ValueError, KioskError) as error:
            self.app.call_from_thread(self._say, str(error))
            return
        self.app.call_from_thread(self.dismiss, record)

    def _say(self, message: str) -> None:
        self.query_one("#procedure-error", Static).update(inert(message))

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["ProcedureModal", "Recorder"]
