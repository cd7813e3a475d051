"""Fewer keys for an intake (issue 11) at 80x24: one key per dipstick pad and "all negative",
both identifiers affirmed with one key, the complaint's details skipped together. Each key is
a deliberate act with its own binding: nothing is chosen or confirmed without the MA."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select, Static
from ui_helpers import fill, make_app, sign_in, wait_for, wait_screen
from ui_vitals_harness import StepHarness, adult, step_screen

from kiosk.models import ChiefComplaint, Encounter
from kiosk.screens.base import StepContext
from kiosk.screens.complaint import ComplaintScreen
from kiosk.screens.help import KEYS
from kiosk.screens.identity import IdentityScreen
from kiosk.screens.poc import PocScreen
from kiosk.widgets.dipstick import ChoiceRow

SIZE = (80, 24)
PADS = ("glucose", "bilirubin", "ketones", "blood", "protein", "urobilinogen", "leukocytes")


class KioskKeysHarness(StepHarness):
    """The harness without Textual's command palette (the kiosk has none: Ctrl+P is a step key)."""

    ENABLE_COMMAND_PALETTE = False


def poc_harness(ctx: StepContext) -> StepHarness:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    return StepHarness(lambda: PocScreen(draft, ctx))


def pads(screen: PocScreen) -> dict[str, str | None]:
    return {(row.id or "").removeprefix("poc-urine-"): row.value for row in screen.query(ChoiceRow)}


async def test_a_strip_is_typed_as_it_is_read_one_key_per_pad(
    context: Callable[..., StepContext],
) -> None:
    app = poc_harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        # one burst, as over SSH: each key reads its pad and moves on to the next
        await pilot.press("n", "t", "1", "2", "3", "4", "n", "p")
        assert pads(screen) == {
            "glucose": "negative",
            "bilirubin": "trace",
            "ketones": "1+",
            "blood": "2+",
            "protein": "3+",
            "urobilinogen": "4+",
            "leukocytes": "negative",
            "nitrite": "positive",
        }
        assert screen.focused is screen.query_one("#poc-urine-ph", Select)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    urine = app.outcomes[0].encounter.poc.urine
    assert urine is not None
    assert (urine.glucose, urine.blood, urine.nitrite) == ("negative", "2+", "positive")


async def test_a_result_the_pad_does_not_have_is_refused_and_backspace_undoes(
    context: Callable[..., StepContext],
) -> None:
    app = poc_harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        glucose = screen.query_one("#poc-urine-glucose", ChoiceRow)
        await pilot.press("p")  # glucose has no "positive": nothing chosen, the focus stays
        assert glucose.value is None
        assert screen.focused is glucose
        await pilot.press("2", "shift+tab", "backspace")
        assert glucose.value is None  # back to "not done"
        assert screen.focused is glucose
        nitrite = screen.query_one("#poc-urine-nitrite", ChoiceRow)
        nitrite.focus()
        await pilot.press("3")  # nitrite is negative or positive only
        assert nitrite.value is None


async def test_all_negative_fills_only_the_pads_not_read_then_goes_to_ph(
    context: Callable[..., StepContext],
) -> None:
    app = poc_harness(context())
    async with app.run_test(size=SIZE) as pilot:
        await step_screen(pilot, PocScreen)
        # a burst: two pads read, all the others negative, Next; Next sees every pad
        await pilot.press("t", "1", "ctrl+a", "ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    urine = app.outcomes[0].encounter.poc.urine
    assert urine is not None
    assert (urine.glucose, urine.bilirubin) == ("trace", "1+")
    rest = (*PADS[2:], "nitrite")
    assert {pad: getattr(urine, pad) for pad in rest} == dict.fromkeys(rest, "negative")
    assert (urine.ph, urine.specific_gravity) == (None, None)  # values, never assumed


async def test_all_negative_is_a_button_too_and_moves_to_ph(
    context: Callable[..., StepContext],
) -> None:
    app = poc_harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        button = screen.query_one("#poc-all-negative", Button)
        assert button.region.width > 0
        assert button.region.y < SIZE[1]
        await pilot.click("#poc-all-negative")
        await wait_for(pilot, lambda: pads(screen)["nitrite"] == "negative", "all negative")
        assert set(pads(screen).values()) == {"negative"}
        assert screen.focused is screen.query_one("#poc-urine-ph", Select)
        assert "Ctrl+A All negative" in str(screen.query_one("#keyline", Static).render())


async def test_the_complaints_details_are_skipped_together(
    context: Callable[..., StepContext],
) -> None:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    app = KioskKeysHarness(lambda: ComplaintScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ComplaintScreen)
        await pilot.press(*"cough", "enter", *"2 days", "ctrl+p", "4")
        assert screen.focused is screen.query_one("#complaint-pain", Input)
        await pilot.press("enter")  # the last field: Next
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    complaint = app.outcomes[0].encounter.complaint
    assert isinstance(complaint, ChiefComplaint)
    assert (complaint.text, complaint.onset, complaint.severity) == ("cough", "2 days", 4)
    assert complaint.location == complaint.timing == ""


async def open_identity(pilot: Pilot[None]) -> IdentityScreen:
    await sign_in(pilot)
    patients = await wait_screen(pilot, "PatientScreen")
    fill(patients, patient_search="rivera")
    await wait_for(pilot, lambda: getattr(patients, "shown_query", None) == "rivera", "hits")
    patients.query_one("#patient-search", Input).focus()
    await pilot.press("enter")
    identity = await wait_screen(pilot, IdentityScreen)
    assert isinstance(identity, IdentityScreen)
    return identity


async def test_both_identifiers_affirmed_with_one_key(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        identity = await open_identity(pilot)
        assert "Both match" in str(identity.query_one("#identity-both", Button).label)
        await pilot.press("ctrl+y")
        await wait_screen(pilot, "DemographicsScreen")
        assert app.draft is not None
        assert app.draft.identity_confirmed


async def test_one_key_refuses_when_the_typed_date_of_birth_disagrees(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        identity = await open_identity(pilot)
        fill(identity, identity_dob_typed="03/08/1984")  # the chart says 03/07/1984
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.screen is identity
        assert not identity.query_one("#identity-dob", Checkbox).value
        assert "Does not match" in str(identity.query_one("#identity-message", Static).render())
        await pilot.click("#identity-both")  # the button is the same act: refused too
        await pilot.pause()
        assert app.screen is identity


def test_the_help_lists_the_new_keys() -> None:
    rows = {(where, key) for where, key, _ in KEYS}
    assert ("Confirm identity", "Ctrl+Y") in rows
    assert ("Chief complaint", "Ctrl+P") in rows
    assert ("Point-of-care", "Ctrl+A") in rows
    for key in ("N", "T", "1", "P", "Backspace"):
        assert any(where == "Point-of-care" and key in k.split("  or  ") for where, k in rows), key
