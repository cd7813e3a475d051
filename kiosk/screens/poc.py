"""Step 7: point-of-care tests — urine dipstick, fingerstick glucose, the clinic's catalog
tests (kiosk.screens.poc_tests: kit lot, QC and result checked as each is recorded with
Ctrl+D), vision and hearing screening (kiosk.screens.poc_screenings).

"Not done" is the default for everything: nothing is required unless the clinic's
``required_fields`` name ``poc.urine`` or ``poc.glucose``. Each dipstick pad is a row of tap
targets (Left/Right choose, Up/Down/Enter move between rows); pH and specific gravity are
selects; the glucose field is a measurement field like the vitals (mg/dL or mmol/L, echo and
flag as typed), with fasting and meter lot beside it.

Keys for a strip read as it is read: one key per pad (n, t, 1-4, p; the focus moves on, see
:mod:`kiosk.widgets.dipstick`), and Ctrl+A ("All negative", also a button) sets every pad not
yet read to negative and goes on to pH. A pad already read is never changed by it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select

from kiosk.models import Encounter, GlucoseTest, PocTests, UrineDipstick
from kiosk.screens.base import StepScreen, after_pending_keys
from kiosk.screens.poc_screenings import Screenings
from kiosk.screens.poc_tests import CatalogTests
from kiosk.units import symbol
from kiosk.validators import to_measurement
from kiosk.validators.glucose import GlucoseCheck, MeterLimits
from kiosk.validators.kinds import KIND_SPECS
from kiosk.validators.poc_catalog import cached_catalog
from kiosk.widgets.dipstick import (
    LEVELS,
    NITRITE,
    PH_VALUES,
    SG_VALUES,
    ChoiceRow,
    DipstickField,
)
from kiosk.widgets.field_input import VisibleInput, fit_density
from kiosk.widgets.measurement import MeasurementField
from kiosk.widgets.validation import GlucoseValidator, vital_result

FASTING: list[tuple[str, str]] = [("fasting?", ""), ("fasting", "yes"), ("not fasting", "no")]
FASTED = {True: "yes", False: "no"}
ROW_PREFIX = "poc-urine-"


def _expiry_error(text: str, today: date) -> str:
    if not text.strip():
        return ""
    try:
        expiry = date.fromisoformat(text.strip())
    except ValueError:
        return "Type the strip expiry as YYYY-MM-DD, e.g. 2027-03-31."
    if expiry < today:
        return f"The strip lot expired on {expiry}: read the urine with an unexpired strip."
    return ""


class PocScreen(StepScreen):
    """Urine dipstick rows and fingerstick glucose; everything defaults to not done."""

    STEP = "poc"
    TITLE = "Point-of-care tests"
    AUTO_FOCUS = "#poc-urine-glucose"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+a",
            "all_negative",
            "All negative",
            priority=True,
            id="poc.all_negative",
            tooltip="Every dipstick pad not yet read: negative (pads read stay); then pH",
        ),
        Binding(
            "ctrl+d",
            "record_test",
            "Record test",
            priority=True,
            id="poc.record_test",
            tooltip="Record the catalog test in the row: kit lot, QC and result are checked",
        ),
    ]

    def __init__(self, draft: Encounter, ctx: Any) -> None:
        super().__init__(draft, ctx)
        age = draft.patient.age_on(draft.day)
        settings = ctx.settings
        meter = MeterLimits(settings.glucose_meter_lo_mg_dl, settings.glucose_meter_hi_mg_dl)
        self.catalog = cached_catalog(settings.poc_catalog_file)
        self.age = age
        self.glucose_unit = settings.bare_glucose_unit
        self.glucose_validator = GlucoseValidator(
            settings.unit_system, age, meter, default_unit=self.glucose_unit
        )

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        urine = self.draft.poc.urine or UrineDipstick()
        glucose = self.draft.poc.glucose
        with Horizontal(id="poc-urine-head", classes="poc-row"):
            yield Label("Urine dipstick  (not done unless a pad is read)", classes="poc-title")
            # a touch target for the key; not a Tab stop (the pads come first)
            button = Button(
                "All negative  Ctrl+A",
                id="poc-all-negative",
                classes="small",
                action="screen.all_negative",
                compact=True,
            )
            button.can_focus = False
            yield button
        for analyte in UrineDipstick.ANALYTES:
            yield DipstickField(
                analyte, LEVELS, value=getattr(urine, analyte), row_id=f"{ROW_PREFIX}{analyte}"
            )
        yield DipstickField("nitrite", NITRITE, value=urine.nitrite, row_id="poc-urine-nitrite")
        with Horizontal(classes="poc-row"):
            yield Label("pH", classes="poc-label")
            yield Select(
                [(v, v) for v in PH_VALUES],
                prompt="not done",
                value=f"{urine.ph:.1f}" if urine.ph is not None else Select.NULL,
                compact=True,
                id="poc-urine-ph",
                classes="poc-select",
            )
            yield Label("Spec. gravity", classes="poc-label poc-second")
            yield Select(
                [(v, v) for v in SG_VALUES],
                prompt="not done",
                value=f"{urine.specific_gravity:.3f}" if urine.specific_gravity else Select.NULL,
                compact=True,
                id="poc-urine-sg",
                classes="poc-select",
            )
        with Horizontal(classes="poc-row"):
            yield Label("Strip lot", classes="poc-label")
            yield VisibleInput(
                urine.strip_lot,
                placeholder="lot",
                compact=True,
                id="poc-urine-lot",
                max_length=40,
                classes="poc-input",
            )
            yield Label("Expiry", classes="poc-label poc-second")
            yield VisibleInput(
                urine.strip_expiry.isoformat() if urine.strip_expiry else "",
                placeholder="YYYY-MM-DD",
                compact=True,
                id="poc-urine-expiry",
                max_length=10,
                classes="poc-input",
            )
        yield Label("", id="poc-urine-message", classes="poc-message", markup=False)
        yield Label("Fingerstick glucose", classes="poc-title")
        fasting = "" if glucose is None or glucose.fasting is None else FASTED[glucose.fasting]
        form = KIND_SPECS["glucose"].field
        yield MeasurementField(
            form.label,
            input_id=form.widget_id,
            validator=self.glucose_validator,
            value=glucose.entered if glucose is not None and glucose.not_taken is None else "",
            not_taken=glucose.not_taken if glucose is not None else None,
            placeholder=symbol(self.glucose_unit),
            extras=[
                Select(
                    FASTING,
                    value=fasting,
                    allow_blank=False,
                    compact=True,
                    id="poc-glucose-fasting",
                ),
                VisibleInput(
                    glucose.meter_lot if glucose else "",
                    placeholder="meter lot",
                    compact=True,
                    id="poc-glucose-lot",
                    max_length=40,
                ),
            ],
            id="poc-glucose-field",
        )
        yield CatalogTests(
            self.catalog,
            self.draft.poc.results,
            data_dir=self.ctx.store.folder.data_dir,
            operator=self.ctx.staff_id,
        )
        yield Screenings(self.draft.poc.vision, self.draft.poc.hearing, self.age)

    def on_mount(self) -> None:
        super().on_mount()
        fit_density(self)
        for row in self.query(ChoiceRow):
            if row.id in self.draft.form_text:
                row.value = self.draft.form_text[row.id] or None
        self.query_one(MeasurementField).resync()

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        fit_density(self)

    def action_all_negative(self) -> None:
        """At once, as the key is read (the pad keys before it act as they are read too): the
        keys typed after it go to pH, and a Next typed after it sees every pad."""
        for row in self.query(ChoiceRow):
            if row.value is None:
                row.value = "negative"
        ph = self.query_one("#poc-urine-ph", Select)
        self.set_focus(ph)
        ph.scroll_visible()

    def action_record_test(self) -> None:
        """Record the catalog test in the row (also the row's Record button), once the field
        in focus has taken the keys typed before Ctrl+D (a priority binding the app runs as it
        reads it: in a burst "neg^D" the result would still be empty)."""
        after_pending_keys(self, self.query_one(CatalogTests).record)

    # ------------------------------------------------------------------ protocol

    def snapshot(self) -> Encounter:
        """The draft and the text typed, with the catalog results recorded so far (a result is
        recorded when Ctrl+D accepts it, not at Next: Back or a crash must keep it)."""
        base = super().snapshot()
        results = self.query_one(CatalogTests).results
        return base.model_copy(update={"poc": base.poc.model_copy(update={"results": results})})

    def form_text(self) -> dict[str, str]:
        texts = super().form_text()
        for row in self.query(ChoiceRow):
            if row.id:
                texts[row.id] = row.value or ""
        return texts

    def urine(self) -> UrineDipstick | None:
        """The dipstick as chosen, or None when no pad was read."""
        values: dict[str, Any] = {
            row.id.removeprefix(ROW_PREFIX): row.value for row in self.query(ChoiceRow) if row.id
        }
        ph = self.query_one("#poc-urine-ph", Select).selection
        sg = self.query_one("#poc-urine-sg", Select).selection
        values["ph"] = float(ph) if ph else None
        values["specific_gravity"] = float(sg) if sg else None
        if all(v is None for v in values.values()):
            return None
        expiry = self.query_one("#poc-urine-expiry", Input).value.strip()
        values["strip_lot"] = self.query_one("#poc-urine-lot", Input).value.strip()
        values["strip_expiry"] = date.fromisoformat(expiry) if expiry else None
        urine = UrineDipstick(**values)
        old = self.draft.poc.urine
        if old is not None and old.model_dump(exclude={"taken_at"}) == urine.model_dump(
            exclude={"taken_at"}
        ):
            return old  # unchanged since the draft was saved: keep when it was read
        return urine

    def glucose(self) -> GlucoseTest | None:
        field = self.query_one(MeasurementField)
        fasting_choice = self.query_one("#poc-glucose-fasting", Select).value
        extra: dict[str, Any] = {
            "fasting": {"yes": True, "no": False}.get(str(fasting_choice)),
            "meter_lot": self.query_one("#poc-glucose-lot", Input).value.strip(),
        }
        if field.not_taken is not None:
            unit = KIND_SPECS["glucose"].canonical
            return GlucoseTest(kind="glucose", unit=unit, not_taken=field.not_taken, **extra)
        text = field.text.strip()
        if not text:
            return None
        old = self.draft.poc.glucose
        if old is not None and old.entered == text and old.not_taken is None:
            extra["taken_at"] = old.taken_at
        check = vital_result(field.result)  # the field's own check of this text
        if isinstance(check, GlucoseCheck):
            extra["comparator"] = check.comparator  # the meter's HI / LO
        reading = to_measurement(check, cls=GlucoseTest, **extra)
        assert isinstance(reading, GlucoseTest)
        return reading

    def collect(self) -> Encounter | None:
        required = set(self.ctx.settings.required_fields)
        field = self.query_one(MeasurementField)
        ok = field.check(required="poc.glucose" in required)
        expiry = self.query_one("#poc-urine-expiry", Input)
        problem = _expiry_error(expiry.value, self.draft.day)
        expiry.set_class(bool(problem), "-invalid")
        if not problem and "poc.urine" in required and self.urine() is None:
            problem = "Required: read at least one pad, or ask the provider to waive the test."
            self.query_one(f"#{ROW_PREFIX}glucose", ChoiceRow).add_class("-invalid")
        else:
            self.query_one(f"#{ROW_PREFIX}glucose", ChoiceRow).remove_class("-invalid")
        message = self.query_one("#poc-urine-message", Label)
        message.update(problem)
        message.set_class(bool(problem), "-shown")
        screenings = self.query_one(Screenings).collect()
        if problem or not ok or screenings is None:
            return None
        vision, hearing = screenings
        poc = PocTests(
            urine=self.urine(),
            glucose=self.glucose(),
            results=self.query_one(CatalogTests).results,
            vision=vision,
            hearing=hearing,
        )
        own = {k: v for k, v in self.draft.form_text.items() if not k.startswith("poc-")}
        return self.draft.model_copy(update={"poc": poc, "form_text": own})
