"""Requests from the review: Ctrl+R (or the button) opens the dialog, by keys alone at 80x24;
a refill names a listed medication and the preferred pharmacy (checked), which the patient
keeps; a follow-up's "when" is read against the visit day; everything reaches the signed
encounter and is shown in the review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from review_samples import known_encounter
from textual.widgets import Input, Label, Select, Static
from ui_vitals_harness import StepHarness, step_screen, wait_for

from kiosk.models import Coverage, Encounter, History, Insurance, Medication, Pharmacy
from kiosk.screens.base import StepContext
from kiosk.screens.flow import new_draft, signed
from kiosk.screens.request import RequestDialog
from kiosk.screens.review import ReviewScreen

SIZE = (80, 24)


def draft(**update: object) -> Encounter:
    fields: dict[str, Any] = {
        "history": History(medications=[Medication(name="Lisinopril 10 mg")]),
        "insurance": Insurance(primary=Coverage(payer="Acme Health", member_id="AC123")),
        **update,
    }
    return known_encounter(pulse="88", **fields)


def request_lines(screen: ReviewScreen) -> list[str]:
    return [str(label.content) for label in screen.query(".review-request").results(Label)]


async def test_a_refill_by_keys_alone_fits_and_reaches_the_signed_encounter(
    context: Callable[..., StepContext],
) -> None:
    app = StepHarness(lambda: ReviewScreen(draft(), context()))
    async with app.run_test(size=SIZE) as pilot:
        review = await step_screen(pilot, ReviewScreen)
        assert request_lines(review) == []
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestDialog), "the dialog")
        dialog = app.screen
        await wait_for(pilot, lambda: app.focused is not None, "the focus")
        assert app.focused is dialog.query_one("#request-kind")
        # every field of a refill and both buttons are on the 80x24 screen
        for wid in ("kind", "medication", "pharmacy", "phone", "ncpdp", "add", "cancel"):
            region = dialog.query_one(f"#request-{wid}").region
            assert region.height >= 1, wid
            assert region.bottom <= 24, wid
            assert region.right <= 80, wid
        await pilot.press("enter")  # kind (refill) -> medication
        medication = dialog.query_one("#request-medication", Select)
        assert app.focused is medication
        # letters choose a closed drop-down in the kiosk (its key rules; the tmux test types
        # them): the harness has no key rules, so the choice is set here
        medication.value = "Lisinopril 10 mg"
        await pilot.press("enter")
        await pilot.press(*"Hometown Drug", "enter", *"555 201 0000", "enter")
        await pilot.press(*"1 Main St", "enter", *"0999018", "enter")
        message = dialog.query_one("#request-ncpdp-msg", Static)
        await wait_for(pilot, lambda: message.display, "the NCPDP message")
        assert "check digit" in str(message.render())
        ncpdp = dialog.query_one("#request-ncpdp", Input)
        assert ncpdp.value == "0999018"  # kept as typed
        assert dialog.focused is ncpdp
        await pilot.press("backspace", "7", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        await wait_for(pilot, lambda: request_lines(review), "the request line")
        assert request_lines(review) == ["• Refill: Lisinopril 10 mg to Hometown Drug"]
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    encounter = signed(app.outcomes[0].encounter)
    (refill,) = encounter.requests
    assert refill.kind == "refill"
    assert refill.medication == "Lisinopril 10 mg"
    assert refill.pharmacy == Pharmacy(
        name="Hometown Drug", phone="(555) 201-0000", address="1 Main St", ncpdp_id="0999017"
    )
    assert encounter.patient.preferred_pharmacy == refill.pharmacy


async def test_follow_up_and_prior_auth_from_the_button_and_escape_cancels(
    context: Callable[..., StepContext],
) -> None:
    app = StepHarness(lambda: ReviewScreen(draft(), context()))
    async with app.run_test(size=SIZE) as pilot:
        review = await step_screen(pilot, ReviewScreen)
        button = review.query_one("#review-add-request")
        await pilot.press("end")  # the record scrolled to its end, where the button is
        await wait_for(pilot, lambda: 0 < button.region.bottom <= 21, "the button in view")
        await pilot.click(button)
        await wait_for(pilot, lambda: isinstance(app.screen, RequestDialog), "the dialog")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        assert review.draft.requests == []
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestDialog), "the dialog")
        dialog = app.screen
        await wait_for(pilot, lambda: app.focused is not None, "the focus")
        kind = dialog.query_one("#request-kind", Select)
        kind.value = "follow-up"  # letters choose it in the kiosk (see above)
        await wait_for(pilot, lambda: kind.value == "follow-up", "the kind")
        await wait_for(pilot, lambda: dialog.query_one("#request-follow-up").display, "fields")
        assert not dialog.query_one("#request-refill").display
        await pilot.press("enter", *"soon", "ctrl+s")
        message = dialog.query_one("#request-when-msg", Static)
        await wait_for(pilot, lambda: message.display, "the when message")
        dialog.query_one("#request-when", Input).value = "2 weeks"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestDialog), "the dialog")
        dialog = app.screen
        dialog.query_one("#request-kind", Select).value = "prior-auth"
        await pilot.pause()
        dialog.query_one("#request-service", Input).value = "MRI lumbar spine"
        await pilot.click("#request-add")
        await wait_for(pilot, lambda: len(review.draft.requests) == 2, "two requests")
        await wait_for(pilot, lambda: len(request_lines(review)) == 2, "two lines")
        assert request_lines(review)[1] == (
            "• Prior authorization (service): MRI lumbar spine, payer Acme Health"
        )
    follow_up, auth = review.draft.requests
    assert follow_up.when is not None
    assert (follow_up.when - review.draft.day).days == 14
    assert (auth.kind, auth.coverage, auth.payer) == ("prior-auth", "primary", "Acme Health")


async def test_refill_without_a_medication_on_the_list_says_so(
    context: Callable[..., StepContext],
) -> None:
    bare = draft(history=History())
    app = StepHarness(lambda: ReviewScreen(bare, context()))
    async with app.run_test(size=SIZE) as pilot:
        await step_screen(pilot, ReviewScreen)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestDialog), "the dialog")
        dialog = app.screen
        await pilot.press("ctrl+s")
        message = dialog.query_one("#request-medication-msg", Static)
        await wait_for(pilot, lambda: message.display, "the message")
        assert "History step" in str(message.render())
        assert dialog.query_one("#request-pharmacy-msg", Static).display
        assert isinstance(app.screen, RequestDialog)


def test_a_new_draft_keeps_the_demographics_on_file() -> None:
    """What was on file when the intake began, for the export's patient update."""
    patient = draft().patient
    assert new_draft(patient, "ma1", "", None).patient_on_file == patient
    assert new_draft(patient, "ma1", "", None, registered=True).patient_on_file is None
