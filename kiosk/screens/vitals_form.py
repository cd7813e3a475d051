"""Reading the vitals form into the model: the half of the vitals step that is not layout.

:class:`VitalsForm` knows the fields by id, checks them all on Next (required items, the
oxygen flow, weight and height together) and builds :class:`~kiosk.models.Vitals` from them,
keeping the time of any reading unchanged since the draft was saved. ``vitals.py`` lays the
fields out and handles the keys.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widgets import Checkbox, Input, Select

from kiosk.models import BloodPressure, Encounter, Measurement, SpO2, Temperature, Vitals
from kiosk.screens.base import StepScreen
from kiosk.screens.vitals_fields import FIELDS, bp_text
from kiosk.validators import to_measurement
from kiosk.validators.change import CHANGE_KINDS
from kiosk.validators.cross import CrossCheck, check_weight_height
from kiosk.validators.kinds import KIND_SPECS, KindSpec
from kiosk.validators.ranges import default_table, spo2_scale2
from kiosk.validators.readings import check_flow
from kiosk.widgets.measurement import MeasurementField
from kiosk.widgets.past import last_reading, past_encounters
from kiosk.widgets.validation import (
    BloodPressureValidator,
    VitalValidator,
    bp_result,
    vital_result,
)


class VitalsForm(StepScreen):
    """The vitals step's fields and how they become the encounter's Vitals."""

    STEP = "vitals"

    def __init__(self, draft: Encounter, ctx: Any) -> None:
        super().__init__(draft, ctx)
        self.system = ctx.settings.unit_system
        self.age = draft.patient.age_on(draft.day)
        self.past = past_encounters(ctx.previous, ctx.history)
        self.validators: dict[str, VitalValidator] = {
            spec.kind: VitalValidator(spec.kind, self.system, self.age) for spec in FIELDS
        }
        self.bp_validator = BloodPressureValidator(self.system, self.age)
        self._bp_count = 0
        self._last: dict[str, tuple[float, date]] = {}
        """Canonical weight/height of the last visit that took one, and that visit's day."""
        for name in CHANGE_KINDS:
            found = last_reading(self.past, name)
            if found is not None and isinstance(found[0], Measurement) and found[0].value:
                self._last[name] = (found[0].value, found[1])
        self._confirmed: dict[str, float] = {}
        """The value whose change from the last visit the MA confirmed, per kind."""

    def fields(self) -> list[MeasurementField]:
        return list(self.query(MeasurementField))

    def use_spo2_scale(self, scale: int) -> None:
        """Flag SpO2 against NEWS2 scale 2's 88-92 % target (2) or the clinic's table (1)."""
        self.validators["spo2"].ranges = spo2_scale2(default_table()) if scale == 2 else None
        field = self.field("spo2")
        if field is not None and field.is_mounted:
            field.recheck()

    def field(self, name: str) -> MeasurementField | None:
        """The field for a Vitals name ("pulse"), or blood pressure index ("bp-1")."""
        widget_id = f"vitals-{name}" if name.startswith("bp-") else None
        for spec in FIELDS:
            if spec.kind == name:
                widget_id = spec.field.widget_id
        if widget_id is None:
            return None
        found = self.query(f"#{widget_id}-field")
        return found.first(MeasurementField) if found else None

    # ------------------------------------------------------------------ protocol

    def collect(self) -> Encounter | None:
        required = set(self.ctx.settings.required_fields)
        ok = True
        for field in self.fields():
            if field.input_id.startswith("vitals-bp-"):
                # One reading satisfies "required": the repeats are optional.
                needed = field.input_id == "vitals-bp-0" and "vitals.blood_pressure" in required
            else:
                spec = next(s for s in FIELDS if s.field.widget_id == field.input_id)
                needed = spec.required[0] in required
            ok = field.check(required=needed) and ok
        spo2 = self.field("spo2")
        flow = self.query_one("#vitals-spo2-flow", Input)
        on_o2 = self.query_one("#vitals-spo2-o2", Select).value == "oxygen"
        problem = check_flow(flow.value)[1] if on_o2 and spo2 and spo2.not_taken is None else ""
        flow.set_class(bool(problem), "-invalid")
        if problem and spo2 is not None:
            spo2.show_message(problem)
            ok = False
        cross = self._cross_check() if ok else None
        if cross is not None and not cross.ok:
            for name in cross.fields:
                if (pointed := self.field(name)) is not None:
                    pointed.show_message(cross.message)
            ok = False
        if not ok:
            return None
        vitals = self._vitals()
        own = {k: v for k, v in self.draft.form_text.items() if not k.startswith("vitals-")}
        return self.draft.model_copy(update={"vitals": vitals, "form_text": own})

    def _cross_check(self) -> CrossCheck | None:
        """Weight and height together (swapped, or a BMI no person has); None if not both."""
        weight, height = self.field("weight"), self.field("height")
        if weight is None or height is None or weight.not_taken or height.not_taken:
            return None
        if not weight.text.strip() or not height.text.strip():
            return None
        return check_weight_height(
            vital_result(weight.result), vital_result(height.result), age_years=self.age
        )

    def _vitals(self) -> Vitals:
        values: dict[str, Any] = {"consciousness": self.query_one("#vitals-acvpu", Select).value}
        values["spo2_scale"] = 2 if self.query_one("#vitals-spo2-scale2", Checkbox).value else 1
        values["blood_pressure"] = [
            bp for i in range(self._bp_count) if (bp := self._blood_pressure(i)) is not None
        ]
        for spec in FIELDS:
            field = self.field(spec.kind)
            if field is None:
                continue
            reading = self._measurement(spec, field)
            values[spec.kind] = [reading] if reading is not None else []
        return Vitals(**values)

    def _kept_time(self, name: str, entered: str) -> dict[str, Any]:
        """Keep the original time of a reading that is unchanged since the draft was saved."""
        for old in getattr(self.draft.vitals, name):
            if isinstance(old, BloodPressure):
                if old.systolic.not_taken is None and bp_text(old) == entered:
                    return {"taken_at": old.systolic.taken_at}
            elif old.entered == entered and old.not_taken is None:
                return {"taken_at": old.taken_at}
        return {}

    def _measurement(self, spec: KindSpec, field: MeasurementField) -> Measurement | None:
        cls: type[Measurement] = Measurement
        extra: dict[str, Any] = {}
        if spec.kind == "temperature":
            cls, extra = Temperature, {"route": self.query_one("#vitals-temp-route", Select).value}
        elif spec.kind == "spo2":
            on_o2 = self.query_one("#vitals-spo2-o2", Select).value == "oxygen"
            flow = (
                check_flow(self.query_one("#vitals-spo2-flow", Input).value)[0] if on_o2 else None
            )
            cls, extra = SpO2, {"on_oxygen": on_o2, "o2_flow_l_min": flow}
        if field.not_taken is not None:
            extra.pop("o2_flow_l_min", None)
            return cls(kind=spec.kind, unit=spec.canonical, not_taken=field.not_taken, **extra)
        text = field.text.strip()
        if not text:
            return None
        check = vital_result(field.result)  # the field's own check of this text
        kept = self._kept_time(spec.kind, check.entered)
        return to_measurement(check, cls=cls, **kept, **extra)

    def _blood_pressure(self, index: int) -> BloodPressure | None:
        field = self.query_one(f"#vitals-bp-{index}-field", MeasurementField)
        where = {
            "position": self.query_one(f"#vitals-bp-{index}-position", Select).value,
            "site": self.query_one(f"#vitals-bp-{index}-site", Select).value,
        }
        if field.not_taken is not None:
            reason = field.not_taken
            parts = {
                kind: Measurement(kind=kind, unit=KIND_SPECS[kind].canonical, not_taken=reason)
                for kind in ("systolic", "diastolic")
            }
            return BloodPressure(**parts, **where)
        text = field.text.strip()
        if not text:
            return None
        systolic, diastolic = bp_result(field.result)
        kept = self._kept_time("blood_pressure", f"{systolic.entered}/{diastolic.entered}")
        return BloodPressure(
            systolic=to_measurement(systolic, **kept),
            diastolic=to_measurement(diastolic, **kept),
            **where,
        )
