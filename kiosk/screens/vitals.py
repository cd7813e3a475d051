"""Step 6: vital signs, each checked as typed, with last values, trends and live BMI.

Every field is a :class:`~kiosk.widgets.measurement.MeasurementField`: the echo ("98.6 °F =
37.0 °C") and flag word follow each keystroke; errors appear on leaving the field and block Next.
Blood pressure may be repeated (Ctrl+R or the button) and every reading is saved. Head
circumference is asked only for children under 2. Empty means "not entered", which is allowed
unless the clinic's ``required_fields`` say otherwise; a reading can also be marked not taken
with a reason (the select beside it, or Ctrl+T).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label, Select

from kiosk.models import BloodPressure, Encounter, Measurement, SpO2, Temperature, Vitals
from kiosk.screens.base import StepScreen
from kiosk.screens.vitals_fields import (
    ACVPU,
    BP_POSITIONS,
    BP_SITES,
    FIELDS,
    MAX_BP,
    O2_CHOICES,
    ROUTES,
    FieldSpec,
    bmi_text,
    bp_text,
    flow_error,
    parse_flow,
)
from kiosk.validators import check_blood_pressure, to_measurement
from kiosk.validators.cross import CrossCheck, check_weight_height
from kiosk.validators.ranges import KINDS
from kiosk.validators.textual import BloodPressureValidator, VitalValidator
from kiosk.widgets.measurement import NOT_TAKEN_OPTIONS, MeasurementField, fit_density
from kiosk.widgets.past import past_encounters, previous_text, trend_values

_BP_ID = re.compile(r"^vitals-bp-(\d+)$")


class Entered(Message):
    """Enter was pressed in ``input``; posted to it so it is handled after its pending keys."""

    def __init__(self, input: Input, last: bool) -> None:
        super().__init__()
        self.input = input
        self.last = last
        """True when ``input`` is the last field: a valid Enter there is Next."""


class VitalsScreen(StepScreen):
    """Blood pressure, pulse, respiration, temperature, SpO2, height, weight, pain, ACVPU."""

    STEP = "vitals"
    TITLE = "Vital signs"
    AUTO_FOCUS = "#vitals-bp-0"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "repeat_bp", "Repeat BP", priority=True, id="vitals.repeat_bp"),
        Binding("ctrl+t", "not_taken", "Not taken", priority=True, id="vitals.not_taken"),
    ]

    def __init__(self, draft: Encounter, ctx: Any) -> None:
        super().__init__(draft, ctx)
        self.system = ctx.settings.unit_system
        self.age = draft.patient.age_on(draft.day)
        self.past = past_encounters(ctx.previous, ctx.history)
        self.validators: dict[str, VitalValidator] = {
            spec.name: VitalValidator(spec.kind, self.system, self.age) for spec in FIELDS
        }
        self.bp_validator = BloodPressureValidator(self.system, self.age)
        self._bp_count = 0

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        vitals = self.draft.vitals
        typed_bp = [int(m.group(1)) for k in self.draft.form_text if (m := _BP_ID.match(k))]
        count = min(max(len(vitals.blood_pressure), max(typed_bp, default=-1) + 1, 1), MAX_BP)
        with Container(id="vitals-grid"):
            for index in range(count):
                bp = vitals.blood_pressure[index] if index < len(vitals.blood_pressure) else None
                yield self._bp_field(index, bp)
            with Horizontal(id="vitals-actions", classes="vitals-span"):
                yield Button(
                    "Repeat BP  Ctrl+R",
                    id="vitals-repeat-bp",
                    classes="small",
                    compact=True,
                    action="screen.repeat_bp",
                    tooltip="Add another blood pressure reading; every reading is saved",
                )
                yield Label("Consciousness", classes="mf-label", id="vitals-acvpu-label")
                yield Select(
                    ACVPU,
                    value=vitals.consciousness,
                    allow_blank=False,
                    compact=True,
                    id="vitals-acvpu",
                    tooltip="ACVPU, for NEWS2",
                )
            for spec in FIELDS:
                if spec.name == "head_circumference" and self.age >= 2:
                    continue
                yield self._field(spec)
                if spec.name == "weight":
                    yield Label("", id="vitals-bmi", classes="vitals-span", markup=False)

    def _field(self, spec: FieldSpec) -> MeasurementField:
        readings: list[Measurement] = getattr(self.draft.vitals, spec.name)
        last = readings[-1] if readings else None
        extras: list[Any] = []
        if spec.name == "temperature":
            route = last.route if isinstance(last, Temperature) else "oral"
            extras.append(
                Select(ROUTES, value=route, allow_blank=False, compact=True, id="vitals-temp-route")
            )
        if spec.name == "spo2":
            on_o2 = isinstance(last, SpO2) and last.on_oxygen
            flow = last.o2_flow_l_min if isinstance(last, SpO2) else None
            extras.append(
                Select(
                    O2_CHOICES,
                    value="oxygen" if on_o2 else "air",
                    allow_blank=False,
                    compact=True,
                    id="vitals-spo2-o2",
                )
            )
            extras.append(
                Input(
                    f"{flow:g}" if flow else "",
                    placeholder="L/min",
                    compact=True,
                    id="vitals-spo2-flow",
                    classes="vitals-flow" + ("" if on_o2 else " -hidden"),
                    tooltip="Oxygen flow in litres per minute",
                )
            )
        return MeasurementField(
            spec.label,
            input_id=spec.widget_id,
            validator=self.validators[spec.name],
            value=last.entered if last is not None and last.not_taken is None else "",
            not_taken=last.not_taken if last is not None else None,
            placeholder=spec.placeholder(self.system),
            previous=previous_text(self.past, spec.name),
            trend=trend_values(self.past, spec.name) if spec.trend else None,
            extras=extras,
            id=f"{spec.widget_id}-field",
            classes="vitals-field" + (" vitals-span" if extras else ""),
        )

    def _bp_field(self, index: int, bp: BloodPressure | None) -> MeasurementField:
        self._bp_count = max(self._bp_count, index + 1)
        prefix = f"vitals-bp-{index}"
        not_taken = bp.systolic.not_taken if bp is not None else None
        return MeasurementField(
            "Blood pressure" if index == 0 else f"BP repeat {index}",
            input_id=prefix,
            validator=self.bp_validator,
            value=bp_text(bp) if bp is not None and not_taken is None else "",
            not_taken=not_taken,
            placeholder="sys/dia",
            previous=previous_text(self.past, "blood_pressure") if index == 0 else "",
            trend=trend_values(self.past, "blood_pressure") if index == 0 else None,
            extras=[
                Select(
                    BP_POSITIONS,
                    value=bp.position if bp else "sitting",
                    allow_blank=False,
                    compact=True,
                    id=f"{prefix}-position",
                ),
                Select(
                    BP_SITES,
                    value=bp.site if bp else "left-arm",
                    allow_blank=False,
                    compact=True,
                    id=f"{prefix}-site",
                ),
            ],
            id=f"{prefix}-field",
            classes="vitals-field vitals-bp vitals-span",
        )

    def on_mount(self) -> None:
        super().on_mount()  # restores form_text without firing change handlers
        fit_density(self)
        for field in self.query(MeasurementField):
            field.resync()
        self._show_flow()
        self._update_bmi()

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        fit_density(self)

    # ------------------------------------------------------------------ fields

    def fields(self) -> list[MeasurementField]:
        return list(self.query(MeasurementField))

    def field(self, name: str) -> MeasurementField | None:
        """The field for a Vitals name ("pulse"), or blood pressure index ("bp-1")."""
        widget_id = f"vitals-{name}" if name.startswith("bp-") else None
        for spec in FIELDS:
            if spec.name == name:
                widget_id = spec.widget_id
        if widget_id is None:
            return None
        found = self.query(f"#{widget_id}-field")
        return found.first(MeasurementField) if found else None

    async def action_repeat_bp(self) -> None:
        """Add another blood-pressure field below the last one and move to it."""
        if self._bp_count >= MAX_BP:
            self.notify(f"At most {MAX_BP} blood pressure readings.", severity="warning")
            return
        last = self.query_one(f"#vitals-bp-{self._bp_count - 1}-field")
        field = self._bp_field(self._bp_count, None)
        await self.query_one("#vitals-grid").mount(field, after=last)
        fit_density(self)
        field.input.focus()
        field.scroll_visible()

    def action_not_taken(self) -> None:
        """Cycle the focused field's "not taken" reason: taken, refused, not done, unable."""
        focused = self.focused
        field = next(
            (a for a in (focused.ancestors if focused else []) if isinstance(a, MeasurementField)),
            None,
        )
        if field is None:
            self.notify("Move to a measurement first, then press Ctrl+T.")
            return
        reasons = [value for _, value in NOT_TAKEN_OPTIONS]
        current = field.not_taken or "taken"
        following = reasons[(reasons.index(current) + 1) % len(reasons)]
        field.set_not_taken(None if following == "taken" else following)
        if following != "taken":
            field.query_one(f"#{field.input_id}-nt").focus()

    @on(MeasurementField.Changed)
    def _on_measurement(self, event: MeasurementField.Changed) -> None:
        if event.field.input_id in ("vitals-height", "vitals-weight"):
            self._update_bmi()

    @on(Select.Changed, "#vitals-spo2-o2")
    def _on_oxygen(self) -> None:
        self._show_flow()

    def _show_flow(self) -> None:
        on_o2 = self.query_one("#vitals-spo2-o2", Select).value == "oxygen"
        self.query_one("#vitals-spo2-flow", Input).set_class(not on_o2, "-hidden")

    def _update_bmi(self) -> None:
        height, weight = self.field("height"), self.field("weight")
        label = self.query_one("#vitals-bmi", Label)
        h = height.reading.value if height is not None and height.not_taken is None else None
        w = weight.reading.value if weight is not None and weight.not_taken is None else None
        text = bmi_text(w, h, self.age)
        cross = self._cross_check() if text else None
        if cross is not None and not cross.ok:
            text = cross.message
        label.update(text, layout=False)  # fixed size (CSS): repaint only, per keystroke
        label.set_class(cross is not None and not cross.ok, "warning")

    def action_enter_field(self) -> None:
        """Enter in a field (the step's priority Enter binding): move on at once, then check
        the field once it has all its keys.

        Keys reach the app in bursts over SSH ("135⏎22⏎" in one packet). The app routes each
        key to the focused widget as it reads it, so the focus must move now, while the app
        reads Enter, or the next number lands in this field. The check waits for the field's
        own queue (an :class:`Entered` message behind the keys already sent to it); a field
        that cannot be saved takes the focus back and shows why; on the last field it is Next.
        """
        current = self.focused
        if not isinstance(current, Input):
            return
        inputs = [w for w in self.focus_chain if isinstance(w, Input)]  # shown fields only
        last = current not in inputs or current is inputs[-1]
        if not last:
            self.set_focus(inputs[inputs.index(current) + 1])
        current.post_message(Entered(current, last))

    @on(Entered)
    def _on_entered(self, event: Entered) -> None:
        field = next((a for a in event.input.ancestors if isinstance(a, MeasurementField)), None)
        if field is not None and not field.check():
            self.set_focus(event.input)
            self.app.bell()
        elif event.last:
            self.action_next()

    # ------------------------------------------------------------------ protocol

    def collect(self) -> Encounter | None:
        required = set(self.ctx.settings.required_fields)
        ok = True
        for field in self.fields():
            if field.input_id.startswith("vitals-bp-"):
                # One reading satisfies "required": the repeats are optional.
                needed = field.input_id == "vitals-bp-0" and "vitals.blood_pressure" in required
            else:
                name = next(s.name for s in FIELDS if s.widget_id == field.input_id)
                needed = f"vitals.{name}" in required
            ok = field.check(required=needed) and ok
        spo2 = self.field("spo2")
        flow = self.query_one("#vitals-spo2-flow", Input)
        on_o2 = self.query_one("#vitals-spo2-o2", Select).value == "oxygen"
        problem = flow_error(flow.value) if on_o2 and spo2 and spo2.not_taken is None else ""
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
            self.validators["weight"].check(weight.text),
            self.validators["height"].check(height.text),
        )

    def _vitals(self) -> Vitals:
        values: dict[str, Any] = {"consciousness": self.query_one("#vitals-acvpu", Select).value}
        values["blood_pressure"] = [
            bp for i in range(self._bp_count) if (bp := self._blood_pressure(i)) is not None
        ]
        for spec in FIELDS:
            field = self.field(spec.name)
            if field is None:
                continue
            reading = self._measurement(spec, field)
            values[spec.name] = [reading] if reading is not None else []
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

    def _measurement(self, spec: FieldSpec, field: MeasurementField) -> Measurement | None:
        cls: type[Measurement] = Measurement
        extra: dict[str, Any] = {}
        if spec.name == "temperature":
            cls, extra = Temperature, {"route": self.query_one("#vitals-temp-route", Select).value}
        elif spec.name == "spo2":
            on_o2 = self.query_one("#vitals-spo2-o2", Select).value == "oxygen"
            flow = parse_flow(self.query_one("#vitals-spo2-flow", Input).value) if on_o2 else None
            cls, extra = SpO2, {"on_oxygen": on_o2, "o2_flow_l_min": flow}
        if field.not_taken is not None:
            extra.pop("o2_flow_l_min", None)
            return cls(kind=spec.kind, unit=KINDS[spec.kind], not_taken=field.not_taken, **extra)
        text = field.text.strip()
        if not text:
            return None
        check = self.validators[spec.name].check(text)
        kept = self._kept_time(spec.name, check.entered)
        return to_measurement(check, cls=cls, **kept, **extra)

    def _blood_pressure(self, index: int) -> BloodPressure | None:
        field = self.query_one(f"#vitals-bp-{index}-field", MeasurementField)
        where = {
            "position": self.query_one(f"#vitals-bp-{index}-position", Select).value,
            "site": self.query_one(f"#vitals-bp-{index}-site", Select).value,
        }
        if field.not_taken is not None:
            parts = {
                kind: Measurement(kind=kind, unit="mm[Hg]", not_taken=field.not_taken)
                for kind in ("systolic", "diastolic")
            }
            return BloodPressure(**parts, **where)
        text = field.text.strip()
        if not text:
            return None
        systolic, diastolic = check_blood_pressure(text, age_years=self.age, system=self.system)
        kept = self._kept_time("blood_pressure", f"{systolic.entered}/{diastolic.entered}")
        return BloodPressure(
            systolic=to_measurement(systolic, **kept),
            diastolic=to_measurement(diastolic, **kept),
            **where,
        )
