"""The screenings step and patient mode, in the whole app at 80x24 (pilot).

Patient mode: every app and screen binding is tried and none leaves the questions; the idle
lock hands back to the step; the MA's PIN after the last answer returns to the same step, the
answers shown for review. Spanish: no untranslated string reaches the patient. The item-9
flag blocks signing until "provider notified".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select, Static
from ui_helpers import PIN, fill, make_app, open_patient, wait_for, wait_screen

from kiosk.screens.keys import APP_BINDINGS
from kiosk.screens.patient_mode import QuestionsScreen
from kiosk.screens.screenings import ScreeningsScreen


async def to_screenings(pilot: Pilot[Any]) -> ScreeningsScreen:
    demo = await open_patient(pilot)  # Ana Rivera, 42, female: PHQ, GAD-7, AUDIT-C due
    fill(demo, demographics_phone="(555) 010-2233")
    await pilot.press("ctrl+n")
    hist = await wait_screen(pilot, "HistoryScreen")
    hist.query_one("#history-reviewed", Checkbox).value = True
    await pilot.press("ctrl+n")
    comp = await wait_screen(pilot, "ComplaintScreen")
    fill(comp, complaint_text="low mood")
    await pilot.press("ctrl+n")
    screen = await wait_screen(pilot, "ScreeningsScreen")
    assert isinstance(screen, ScreeningsScreen)
    return screen


async def hand_over(pilot: Pilot[Any], language: str) -> QuestionsScreen:
    await pilot.press("ctrl+p")
    questions = await wait_screen(pilot, "QuestionsScreen")
    assert isinstance(questions, QuestionsScreen)
    assert questions.phase == "language"
    await pilot.click(f"#questions-lang-{language}")
    await wait_for(pilot, lambda: questions.phase == "question", "the first question")
    return questions


def shown_text(screen: Any) -> str:
    return "\n".join(str(w.render()) for w in screen.query("Static, Button, Label") if w.display)


async def test_patient_mode_cannot_reach_any_other_screen_by_any_key(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_screenings(pilot)
        questions = await hand_over(pilot, "en")
        stack = list(app.screen_stack)
        assert "Rivera" not in shown_text(questions)  # no patient banner, nobody's data
        keys = {b.key for b in APP_BINDINGS if hasattr(b, "key")}  # type: ignore[union-attr]
        keys |= {k for s in (ScreeningsScreen, QuestionsScreen) for k in _keys(s)}
        keys |= {
            "ctrl+n",
            "ctrl+e",
            "ctrl+g",
            "ctrl+k",
            "ctrl+c",
            "ctrl+q",
            "f1",
            "ctrl+b",
            "question_mark",
        }
        keys |= {"escape", "tab", "shift+tab", "enter", "space", "ctrl+p", "ctrl+l", "ctrl+o"}
        for key in sorted(keys - {"1", "2", "3", "4", "5", "enter", "space"}):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is questions, key
            assert app.screen_stack == stack, key
        # the Staff button asks for the PIN; a wrong one stays
        await pilot.click("#questions-staff")
        await wait_for(pilot, lambda: questions.phase == "staff", "the PIN")
        questions.query_one("#questions-pin", Input).value = "0000"
        await pilot.press("enter")
        message = questions.query_one("#questions-message", Static)
        await wait_for(pilot, lambda: "Wrong" in str(message.render()), "a wrong PIN refused")
        assert app.screen is questions
        await pilot.press("escape")  # back to the questions, not out
        assert questions.phase == "question"
        assert app.screen is questions


def _keys(screen: type[Any]) -> set[str]:
    out: set[str] = set()
    for binding in screen.BINDINGS:
        out.update(part.strip() for part in binding.key.split(","))
    return out


async def test_spanish_patient_mode_then_the_mas_pin_returns_to_the_step(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await to_screenings(pilot)
        questions = await hand_over(pilot, "es")
        position = questions.query_one("#questions-position", Static)
        assert str(position.render()).startswith("Pregunta 1 de 2")  # PHQ-2 first
        assert "Poco interés" in str(questions.query_one("#questions-text", Static).render())
        answered = 0
        while questions.phase == "question":
            shown = shown_text(questions)
            assert "Not at all" not in shown
            await pilot.press("3" if answered == 0 else "2")  # PHQ-2 of 3: the rest is asked
            answered += 1
            await pilot.pause()
        assert questions.phase == "done"
        assert questions.tr.missing == set()  # every string the patient saw was translated
        assert "devuelva la pantalla" in shown_text(questions)
        questions.query_one("#questions-pin", Input).value = PIN
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is step, "back at the same step")
        assert answered == 9 + 1 + 7 + 1 + 3  # PHQ-9 + difficulty, GAD-7 + difficulty, AUDIT-C
        phq = step.results["phq"]
        assert (phq.form, phq.total, phq.language, phq.answered_by) == (
            "PHQ-9",
            10,
            "es",
            "patient",
        )
        assert phq.critical  # item 9 answered "several days"
        status = str(step.query_one("#screenings-phq-status", Static).render())
        assert "PHQ-9 10 · moderate · positive · CRITICAL" in status
        assert "CRITICAL" in status
        # the MA reviews before going on
        await pilot.press("ctrl+n")
        assert app.screen is step
        assert "Review the patient's answers" in str(
            step.query_one("#screenings-message", Static).render()
        )
        await pilot.press("ctrl+k")
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "VitalsScreen")
        assert app.draft is not None
        assert app.draft.screenings.reviewed


async def test_item9_blocks_signing_until_provider_notified(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await to_screenings(pilot)
        await pilot.click("#screenings-phq-ask")  # the MA asks
        questions = await wait_screen(pilot, "QuestionsScreen")
        assert isinstance(questions, QuestionsScreen)
        assert questions.phase == "question"  # staff mode: no language choice
        for key in ["3", "3", "2", "2", "2", "2", "2", "1", "2", "1"]:
            await pilot.press(key)
            await pilot.pause()
        await wait_for(pilot, lambda: app.screen is step, "back at the step")
        assert step.results["phq"].total == 10
        for name in ("gad7", "auditc"):
            step.query_one(f"#screenings-{name}-skip", Select).value = "declined"
        await pilot.pause()
        await pilot.press("ctrl+n")
        vitals = await wait_screen(pilot, "VitalsScreen")
        fill(vitals, vitals_bp_0="120/80", vitals_pulse="70", vitals_temp="98.6")
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "PocScreen")
        await pilot.press("ctrl+n")
        review = await wait_screen(pilot, "ReviewScreen")
        text = shown_text(review)
        assert "CRITICAL  PHQ-9 item 9" in text
        assert "PHQ-9 10 moderate" in text
        assert "GAD-7: skipped (declined)" in text
        sign = review.query_one("#nav-next", Button)
        assert sign.disabled
        await pilot.press("ctrl+g")
        assert app.screen is review  # not signed
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert not sign.disabled
        await pilot.press("ctrl+g")
        await wait_screen(pilot, "PatientScreen")

    from kiosk.store import EncounterStore

    store = EncounterStore(data_dir, staff_id="test")
    try:
        [latest] = [e for e in store.for_patient("MRN-1001") if e.screenings.results]
        assert latest.provider_notified
        assert [r.instrument for r in latest.screenings.results] == ["phq", "gad7", "auditc"]
    finally:
        store.close()


async def test_the_idle_lock_hands_patient_mode_back_to_the_step(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await to_screenings(pilot)
        questions = await hand_over(pilot, "en")
        await pilot.press("1")
        await pilot.pause()
        app.idle.lock()  # as the idle timer does
        lock = await wait_screen(pilot, "LockScreen")
        lock.query_one("#lock-pin", Input).value = PIN
        lock.query_one("#lock-pin", Input).focus()
        await wait_for(pilot, lambda: not app.idle.drops_keys(), "the lock to settle")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is step, "the step, not the questions")
        assert questions not in app.screen_stack
        started = step.results["phq"]
        assert (started.total, started.answers) == (None, {"44250-9": 0})  # the answer kept
        assert "started: 1 answered" in str(step.query_one("#screenings-phq-status").render())
