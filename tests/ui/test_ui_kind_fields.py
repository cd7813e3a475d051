"""Every kind in the kind table has its field on its step, with the table's label and
placeholder (80x24): a kind added to the table but not laid out fails here."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Label
from ui_vitals_harness import StepHarness, infant, step_screen

from kiosk.models import Encounter
from kiosk.screens.base import StepContext, StepScreen
from kiosk.screens.poc import PocScreen
from kiosk.screens.vitals import VitalsScreen
from kiosk.validators.kinds import BLOOD_PRESSURE_FIELD, KIND_SPECS

SIZE = (80, 24)
STEPS: dict[str, type[StepScreen]] = {"vitals": VitalsScreen, "poc": PocScreen}


async def test_every_kind_is_typed_in_its_own_field(context: Callable[..., StepContext]) -> None:
    ctx = context()
    draft = Encounter(staff_id="ma1", patient=infant(), identity_confirmed=True)  # head circ.
    for section, cls in STEPS.items():
        app = StepHarness(lambda cls=cls: cls(draft, ctx))  # type: ignore[misc]
        async with app.run_test(size=SIZE) as pilot:
            screen = await step_screen(pilot, cls)
            for spec in KIND_SPECS.values():
                if not spec.required[0].startswith(f"{section}."):
                    continue
                form = spec.field
                widget_id = form.widget_id
                if form is BLOOD_PRESSURE_FIELD:
                    widget_id += "-0"
                field = screen.query_one(f"#{widget_id}-field")
                assert field.query_one(".mf-label", Label).content == form.label
                typed = screen.query_one(f"#{widget_id}", Input)
                assert typed.placeholder == form.placeholder(ctx.settings.unit_system)
