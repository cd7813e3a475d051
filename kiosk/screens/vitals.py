"""Step 6: vital signs, each checked as typed, with last values, trends and live BMI.

Every field is a :class:`~kiosk.widgets.measurement.MeasurementField`: the echo ("98.6 °F =
37.0 °C") and flag word follow each keystroke; a blood pressure spells out both parts' flags and
the review's reading category (:func:`kiosk.scoring.bp_category_text`) on a line of its own.
Errors appear on leaving the field and block Next. Last values are shown in the clinic's units;
a weight or height beyond the clinic's ``[change_limits]`` from the last visit
(:mod:`kiosk.validators.change`) holds Next until the MA ticks "Change from last visit
confirmed" (a saved reading that already passed Next counts as confirmed).
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
from textual.widgets import Button, Checkbox, Input, Label, Select

from kiosk.models import BloodPressure, Measurement, SpO2, Temperature
from kiosk.screens.vitals_changes import VitalsChanges
from kiosk.screens.vitals_fields import (
    ACVPU,
    BP_POSITIONS,
    BP_SITES,
    FIELDS,
    MAX_BP,
    O2_CHOICES,
    ROUTES,
    SCALE_2_TOOLTIP,
    bmi_text,
    bp_text,
)
from kiosk.validators.kinds import BLOOD_PRESSURE_FIELD, KindSpec
from kiosk.validators.ranges import default_table, spo2_scale2
from kiosk.widgets.field_input import FieldInput, VisibleInput, fit_density, keys_handled
from kiosk.widgets.measurement import MeasurementField
from kiosk.widgets.past import previous_text, trend_values
from kiosk.widgets.reading import NOT_TAKEN_OPTIONS
from kiosk.widgets.tick import Tick

_BP_ID = re.compile(r"^vitals-bp-(\d+)$")


class VitalsScreen(VitalsChanges):
    """Blood pressure, pulse, respiration, temperature, SpO2, height, weight, pain, ACVPU."""

    TITLE = "Vital signs"
    DEFAULT_CSS = """
    VitalsScreen #vitals-changes { height: auto; }
    VitalsScreen .vitals-change {
        height: auto;
        padding-left: 14;
        & > .vitals-change-text { width: 1fr; color: $text-warning; text-style: bold; }
        & > .vitals-change-ok { width: auto; }
        &.-hidden { display: none; }
    }
    VitalsScreen .vitals-change-ok.-flagged { border: tall $error; }
    """
    AUTO_FOCUS = "#vitals-bp-0"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "repeat_bp",
            "Repeat BP",
            priority=True,
            id="vitals.repeat_bp",
            tooltip="Repeat blood pressure (every reading is saved)",
        ),
        Binding(
            "ctrl+t",
            "not_taken",
            "Not taken",
            priority=True,
            id="vitals.not_taken",
            tooltip="Mark the focused reading not taken: refused, not done, unable",
        ),
    ]

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
                if spec.kind == "head_circumference" and self.age >= 2:
                    continue
                yield self._field(spec)
                if spec.kind == "weight":
                    yield Label("", id="vitals-bmi", classes="vitals-span", markup=False)
                    yield from self._change_rows()

    def _field(self, spec: KindSpec) -> MeasurementField:
        readings: list[Measurement] = getattr(self.draft.vitals, spec.kind)
        last = readings[-1] if readings else None
        extras: list[Any] = []
        if spec.kind == "temperature":
            route = last.route if isinstance(last, Temperature) else "oral"
            extras.append(
                Select(ROUTES, value=route, allow_blank=False, compact=True, id="vitals-temp-route")
            )
        if spec.kind == "spo2":
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
                Tick(
                    "Scale 2",
                    self.draft.vitals.spo2_scale == 2,
                    compact=True,
                    id="vitals-spo2-scale2",
                    tooltip=SCALE_2_TOOLTIP,
                )
            )
            extras.append(
                VisibleInput(
                    f"{flow:g}" if flow else "",
                    placeholder="L/min",
                    compact=True,
                    id="vitals-spo2-flow",
                    classes="vitals-flow" + ("" if on_o2 else " -hidden"),
                    tooltip="Oxygen flow in litres per minute",
                )
            )
        form = spec.field
        return MeasurementField(
            form.label,
            input_id=form.widget_id,
            validator=self.validators[spec.kind],
            value=self._initial_text(spec.kind, last),
            not_taken=last.not_taken if last is not None else None,
            placeholder=form.placeholder(self.system),
            previous=previous_text(self.past, spec.kind, self.system),
            trend=trend_values(self.past, spec.kind) if form.trend else None,
            extras=extras,
            id=f"{form.widget_id}-field",
            classes="vitals-field " + ("vitals-span" if extras else "vitals-cell"),
        )

    def _initial_text(self, name: str, last: Measurement | None) -> str:
        """The reading already in the draft; for pain, the score the patient gave with the
        chief complaint (shown for the MA to confirm, so it is not asked twice)."""
        if last is not None:
            return last.entered if last.not_taken is None else ""
        complaint = self.draft.complaint
        if name == "pain" and complaint is not None and complaint.severity is not None:
            return str(complaint.severity)
        return ""

    def _bp_field(self, index: int, bp: BloodPressure | None) -> MeasurementField:
        self._bp_count = max(self._bp_count, index + 1)
        form = BLOOD_PRESSURE_FIELD
        prefix = f"{form.widget_id}-{index}"
        not_taken = bp.systolic.not_taken if bp is not None else None
        return MeasurementField(
            form.label if index == 0 else f"BP repeat {index}",
            input_id=prefix,
            validator=self.bp_validator,
            value=bp_text(bp) if bp is not None and not_taken is None else "",
            not_taken=not_taken,
            placeholder=form.placeholder(self.system),
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
        if self.query_one("#vitals-spo2-scale2", Checkbox).value:
            self.validators["spo2"].ranges = spo2_scale2(default_table())
        for field in self.query(MeasurementField):
            field.resync()
        self._show_flow()
        self._update_bmi()
        for name in self._last:
            self._restore_confirmation(name, self.draft)
            self._update_change(name)

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        fit_density(self)

    # ------------------------------------------------------------------ actions

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
            self._update_change(event.field.input_id.removeprefix("vitals-"))

    @on(Select.Changed, "#vitals-spo2-o2")
    def _on_oxygen(self) -> None:
        self._show_flow()

    @on(Checkbox.Changed, "#vitals-spo2-scale2")
    def _on_scale2(self, event: Checkbox.Changed) -> None:
        """The provider's 88-92 % target: SpO2 is flagged against it, not against 96 %."""
        self.use_spo2_scale(2 if event.value else 1)

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

    async def action_enter_field(self) -> None:  # type: ignore[override]  # awaited by Textual
        """Enter in a field (the step's priority Enter binding): check it, then stay or move on.

        Keys reach the app in bursts over SSH ("135⏎22⏎" in one read), and the app passes each
        key to the widget focused when it reads it. So the decision is made while the app
        handles Enter, before it reads the next key: first the field takes every key typed
        before Enter (awaited here, which holds the app's key reading for that moment), then
        it is checked. A field that cannot be saved keeps the focus and says why, and the keys
        typed ahead of the refusal are dropped, not typed into it; a good one passes the focus
        on at once, and on the last field Enter is Next.
        """
        current = self.focused
        if not isinstance(current, Input):
            return
        await keys_handled(current)
        if self.focused is not current or not self.is_current:
            return  # a key handled meanwhile moved on (Ctrl+N, Ctrl+T)
        field = next((a for a in current.ancestors if isinstance(a, MeasurementField)), None)
        if field is not None and not field.check():
            self.app.bell()
            if isinstance(current, FieldInput):
                current.discard_typed_ahead()
            return
        inputs = [w for w in self.focus_chain if isinstance(w, Input)]  # shown fields only
        if current not in inputs or current is inputs[-1]:
            self.action_next()
            return
        following = inputs[inputs.index(current) + 1]
        self.set_focus(following)
        following.scroll_visible()
