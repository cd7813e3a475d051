"""The review step: flags first, scores, what blocks signing, the critical acknowledgement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from review_samples import known_encounter
from textual.widgets import Button, Checkbox, Input, Label
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import (
    ChiefComplaint,
    Encounter,
)
from kiosk.screens.base import StepContext
from kiosk.screens.flow import signed
from kiosk.screens.review import ReviewScreen
from kiosk.screens.review_text import blockers, flags, score_lines

SIZE = (80, 24)


def harness(draft: Encounter, ctx: StepContext) -> StepHarness:
    return StepHarness(lambda: ReviewScreen(draft, ctx))


def texts(screen: ReviewScreen, selector: str) -> list[str]:
    return [str(label.content) for label in screen.query(selector).results(Label)]


# ---------------------------------------------------------------- the words, without an app


def test_flags_put_critical_first_then_abnormal() -> None:
    found = flags(known_encounter())
    assert found[0].critical
    assert found[0].text == "CRITICAL HIGH  Pulse 135/min"
    assert not any(f.critical for f in found[1:])
    assert "high  Systolic BP 150 mmHg" in [f.text for f in found]
    assert found[-1].text == "abnormal  Urine protein 2+"


def test_scores_for_a_known_encounter() -> None:
    lines = [text for text, _ in score_lines(known_encounter())]
    assert lines[0] == "BMI 25.3 kg/m²: pre-obese (overweight)"
    assert lines[1].startswith("BP reading category: hypertension stage 2")
    assert lines[2] == "NEWS2 8 — high risk: emergency response"
    assert lines[3] == "  (RR 2 · SpO2 2 · air/O2 0 · systolic 0 · pulse 3 · ACVPU 0 · temp 1)"
    assert dict(score_lines(known_encounter()))[lines[2]] == "error"


def test_scores_for_a_child_give_the_caveats() -> None:
    child = adult(born=(datetime.now(UTC) - timedelta(days=365 * 8)).date())
    lines = [text for text, _ in score_lines(known_encounter(child))]
    assert "BMI-for-age percentile needed" in lines[0]
    assert "do not apply under 18" in lines[1]
    assert lines[2] == "NEWS2: not used under 16 years"


def test_blockers_list_missing_required_and_unchecked_text() -> None:
    draft = known_encounter(form_text={"vitals-temp": "37.2", "review-notified": "1"})
    problems = blockers(draft, ("vitals.pain", "vitals.pulse"))
    assert problems[0] == "Missing: pain score"
    assert "Vital signs" in problems[1]
    assert "'37.2'" in problems[1]
    assert len(problems) == 2
    assert blockers(known_encounter(), ("vitals.pulse",)) == []


# ---------------------------------------------------------------- the screen


async def test_review_shows_flags_first_and_scores(context: Callable[..., StepContext]) -> None:
    app = harness(known_encounter(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ReviewScreen)
        flag_labels = list(screen.query(".review-flag").results(Label))
        assert str(flag_labels[0].content) == "CRITICAL HIGH  Pulse 135/min"
        assert flag_labels[0].has_class("error")
        assert all(label.has_class("warning") for label in flag_labels[1:])
        headings = texts(screen, ".review-heading")
        assert headings.index("Flags") < headings.index("Scores") < headings.index("Vital signs")
        lines = texts(screen, ".review-score")
        assert "BMI 25.3 kg/m²: pre-obese (overweight)" in lines
        assert "NEWS2 8 — high risk: emergency response" in lines
        assert any("hypertension stage 2" in line for line in lines)


async def test_a_critical_value_demands_the_acknowledgement(
    context: Callable[..., StepContext],
) -> None:
    app = harness(known_encounter(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ReviewScreen)
        sign = screen.query_one("#nav-next", Button)
        assert "Sign" in str(sign.label)
        assert sign.disabled
        await pilot.press("ctrl+g")
        status = screen.query_one("#review-status", Label)
        await wait_for(pilot, lambda: "Provider notified" in str(status.content), "the refusal")
        assert app.outcomes == []
        await pilot.press("ctrl+k")
        box = screen.query_one("#review-notified", Checkbox)
        await wait_for(pilot, lambda: box.value, "the acknowledgement")
        await wait_for(pilot, lambda: not sign.disabled, "Sign enabled")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    outcome = app.outcomes[0]
    assert outcome.action == "next"
    assert outcome.encounter.provider_notified
    assert signed(outcome.encounter).status == "signed"


async def test_without_critical_values_sign_goes_straight_through(
    context: Callable[..., StepContext],
) -> None:
    app = harness(known_encounter(pulse="88"), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ReviewScreen)
        assert not screen.query("#review-notified")
        assert not screen.query_one("#nav-next", Button).disabled
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    assert not app.outcomes[0].encounter.provider_notified


async def test_missing_required_and_unchecked_text_block_signing(
    context: Callable[..., StepContext],
) -> None:
    draft = known_encounter(pulse="88", form_text={"vitals-temp": "37.2"})
    app = harness(draft, context(required_fields=("vitals.pain",)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ReviewScreen)
        blocked = texts(screen, ".review-blocker")
        assert blocked[0] == "• Missing: pain score"
        assert "'37.2'" in blocked[1]
        assert screen.query_one("#nav-next", Button).disabled
        await pilot.press("ctrl+g")
        status = screen.query_one("#review-status", Label)
        await wait_for(pilot, lambda: "Cannot sign" in str(status.content), "the refusal")
        assert app.outcomes == []


async def test_review_shows_every_part_of_the_complaint(
    context: Callable[..., StepContext],
) -> None:
    complaint = ChiefComplaint(
        text="sore throat", onset="2 days ago", character="scratchy", relieving="tea", severity=4
    )
    app = harness(known_encounter(complaint=complaint), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ReviewScreen)
        lines = texts(screen, ".review-line")
        start = lines.index("sore throat")
        assert lines[start : start + 5] == [
            "sore throat",
            "Onset: 2 days ago",
            "Character: scratchy",
            "Better with: tea",
            "Severity 4/10",
        ]
        assert not any(line.startswith(("Location:", "Timing:")) for line in lines)


async def test_provider_notified_records_the_providers_name_and_the_time(
    context: Callable[..., StepContext],
) -> None:
    app = harness(known_encounter(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ReviewScreen)
        await pilot.press("ctrl+k")
        told = screen.query_one("#review-provider", Input)
        told.value = "Dr. Osei"
        before = datetime.now(UTC)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    notice = app.outcomes[0].encounter.provider_notice
    assert notice is not None
    assert notice.provider == "Dr. Osei"
    assert notice.at >= before
    assert signed(app.outcomes[0].encounter).provider_notice == notice
