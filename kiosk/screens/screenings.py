"""Screenings: the instruments due for this patient, asked by the MA or by the patient alone.

Which are due comes from the clinic's ``[screenings]`` rules (age, sex, days since the last one
done at an earlier visit: :mod:`kiosk.screening.due`). For each due one the MA asks it (Ask:
one question at a time), or skips it with a reason; Ctrl+P hands the screen to the patient for
every one still open (:mod:`kiosk.screens.patient_mode`). The answers, total, band and flags
are shown here, and answers the patient gave alone must be ticked as reviewed before Next.
Tobacco is asked on the History step; its answer is shown here, not asked again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Label, Select, Static

from kiosk.models import (
    SKIP_REASONS,
    Encounter,
    Language,
    ScreeningId,
    ScreeningResult,
    Screenings,
)
from kiosk.screening import Due, due_screenings, instruments, last_done, result_for
from kiosk.screens.base import StepContext, StepScreen
from kiosk.screens.patient_mode import Asked, QuestionsScreen
from kiosk.validators.age import whole_years
from kiosk.widgets.inert import inert
from kiosk.widgets.tick import Tick

SKIP_WORDS: dict[str, str] = {
    "declined": "declined",
    "done-elsewhere": "done elsewhere",
    "not-appropriate": "not appropriate",
}
TOBACCO_WORDS: dict[str, str] = {
    "never": "never smoked",
    "former": "former smoker",
    "current": "current smoker",
    "unknown": "not recorded",
}


def result_line(result: ScreeningResult | None) -> str:
    """ "PHQ-9 14 moderate · positive · CRITICAL: …", "skipped: declined", "not asked"."""
    if result is None:
        return "not asked yet"
    if result.skipped:
        return f"skipped: {SKIP_WORDS[result.skipped]}"
    if result.total is None:
        return f"started: {len(result.answers)} answered (Ask to go on)"
    name = instruments()[result.instrument].max_total
    parts = [f"{result.form} {result.total}", result.band]
    if result.positive and result.band not in ("positive", "at risk"):
        parts.append("positive")
    parts += [f"CRITICAL: {text}" for text in result.critical]
    by = "by the patient" if result.answered_by == "patient" else "asked by staff"
    language = "" if result.language == "en" else f", {result.language}"
    return " · ".join(parts) + f"  ({by}{language}; of {name})"


def answer_lines(result: ScreeningResult | None) -> list[str]:
    """Each question answered, in short, with the answer chosen (for the MA's review)."""
    if result is None or result.skipped:
        return []
    instrument = instruments()[result.instrument]
    lines = []
    for code, value in result.answers.items():
        item = instrument.item(code)
        [answer] = [a for a in instrument.choices(item) if a.value == value]
        text = item.text if len(item.text) <= 48 else item.text[:47] + "…"
        lines.append(f"  {text}: {answer.text} ({value})")
    return lines


class ScreeningsScreen(StepScreen):
    """The due screenings of this visit."""

    STEP: ClassVar[str] = "screenings"
    TITLE: ClassVar[str] = "Screenings"
    AUTO_FOCUS = "#step-body Button, #step-body Select"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+p",
            "hand_over",
            "To the patient",
            priority=True,
            id="screenings.patient",
            tooltip="Hand the screen to the patient for every open screening (their PIN-less "
            "mode; your PIN brings it back)",
        ),
        Binding(
            "ctrl+k",
            "reviewed",
            "Reviewed",
            priority=True,
            id="screenings.reviewed",
            tooltip="The patient's answers reviewed with them",
        ),
    ]

    def __init__(self, draft: Encounter, ctx: StepContext, *, position: str = "") -> None:
        super().__init__(draft, ctx, position=position)
        self.results: dict[ScreeningId, ScreeningResult] = {
            r.instrument: r for r in draft.screenings.results
        }
        patient = draft.patient
        self.dues: list[Due] = due_screenings(
            self.ctx.settings.screenings,
            whole_years(patient.birth_date, draft.day),
            patient.sex,
            last_done(self.ctx.history),
            draft.day,
        )

    @property
    def due(self) -> list[ScreeningId]:
        return [d.instrument for d in self.dues if d.due]

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Due for this patient today. Ask each one, skip it with a reason, or hand the "
            "screen to the patient (Ctrl+P).",
            classes="hint",
        )
        tobacco = TOBACCO_WORDS[self.draft.history.social.tobacco]
        yield Static(
            f"Tobacco: {tobacco} (from the History step; not asked again)",
            id="screenings-tobacco",
        )
        yield Button(
            "Hand the screen to the patient  Ctrl+P", id="screenings-patient", compact=True
        )
        yield Tick(
            "The patient's answers reviewed with them  (Ctrl+K)",
            value=self.draft.screenings.reviewed,
            id="screenings-reviewed",
        )
        yield Static("", id="screenings-message", markup=False)
        defs = instruments()
        shown = [d for d in self.dues if d.due or d.instrument in self.results]
        for due in shown:
            name = due.instrument
            yield Label(
                f"{defs[name].title} — {'due' if due.due else 'not due'} ({due.why})",
                classes="screenings-title",
            )
            yield Static("", id=f"screenings-{name}-status", markup=False)
            with Horizontal(classes="screenings-row"):
                yield Button(f"Ask {defs[name].name}", id=f"screenings-{name}-ask", compact=True)
                yield Select(
                    [(f"Skip: {SKIP_WORDS[r]}", r) for r in SKIP_REASONS],
                    prompt="Skip: why…",
                    id=f"screenings-{name}-skip",
                    compact=True,
                )
        others = [d for d in self.dues if d not in shown]
        if others:
            words = "; ".join(f"{defs[d.instrument].name} ({d.why})" for d in others)
            yield Static(f"Not due: {words}", id="screenings-not-due", markup=False)
        if not shown:
            yield Static("No screening is due at this visit.", id="screenings-none")

    def restore(self) -> None:
        for name, result in self.results.items():
            if result.skipped:
                found = self.query(f"#screenings-{name}-skip")
                if found:
                    select = found.first(Select)
                    with select.prevent(Select.Changed):
                        select.value = result.skipped
        self._refresh()

    def form_text(self) -> dict[str, str]:
        """Nothing typed: the answers and skips live in the section (see snapshot)."""
        return {}

    def _refresh(self) -> None:
        for name in instruments():
            found = self.query(f"#screenings-{name}-status")
            if found:
                result = self.results.get(name)  # type: ignore[call-overload]
                lines = [result_line(result), *answer_lines(result)]
                found.first(Static).update(inert("\n".join(lines), lines=True))
        by_patient = any(r.answered_by == "patient" for r in self.results.values())
        self.query_one("#screenings-reviewed").display = by_patient
        pending = self._pending()
        self.query_one("#screenings-patient", Button).disabled = not pending

    def _pending(self) -> list[ScreeningId]:
        """Due and neither finished nor skipped."""
        return [
            name
            for name in self.due
            if name not in self.results
            or not (self.results[name].done or self.results[name].skipped)
        ]

    # ------------------------------------------------------------------ the section

    def section(self) -> Screenings:
        reviewed = self.query_one("#screenings-reviewed", Checkbox).value
        ordered = [self.results[n] for n in instruments() if n in self.results]
        return Screenings(results=ordered, due=self.due, reviewed=reviewed)

    def snapshot(self) -> Encounter:
        return super().snapshot().model_copy(update={"screenings": self.section()})

    def collect(self) -> Encounter | None:
        section = self.section()
        message = self.query_one("#screenings-message", Static)
        tick = self.query_one("#screenings-reviewed", Checkbox)
        if any(r.answered_by == "patient" for r in section.results) and not section.reviewed:
            message.update("Review the patient's answers with them, then tick 'reviewed'.")
            tick.add_class("-flagged")
            return None
        tick.remove_class("-flagged")
        message.update("")
        return self.draft.model_copy(update={"screenings": section})

    # ------------------------------------------------------------------ asking

    @on(Button.Pressed, "#step-body Button")
    def _pressed(self, event: Button.Pressed) -> None:
        ident = event.button.id or ""
        if ident == "screenings-patient":
            event.stop()
            self.action_hand_over()
        elif ident.endswith("-ask"):
            event.stop()
            name = ident.removeprefix("screenings-").removesuffix("-ask")
            self._ask([name], patient=False)  # type: ignore[list-item]

    @on(Select.Changed)
    def _skip_chosen(self, event: Select.Changed) -> None:
        ident = event.select.id or ""
        name = ident.removeprefix("screenings-").removesuffix("-skip")
        if name not in instruments():
            return
        instrument: ScreeningId = name  # type: ignore[assignment]
        if event.select.is_blank():
            current = self.results.get(instrument)
            if current is not None and current.skipped:
                del self.results[instrument]
        else:
            self.results[instrument] = ScreeningResult(
                instrument=instrument,
                skipped=event.select.value,
                at=datetime.now(UTC),
            )
        self._refresh()

    def action_hand_over(self) -> None:
        pending = self._pending()
        if not pending:
            self.notify("No screening is open: nothing to hand over.")
            return
        self._ask(pending, patient=True)

    def action_reviewed(self) -> None:
        tick = self.query_one("#screenings-reviewed", Checkbox)
        if not tick.display:
            self.notify("The patient answered nothing alone: nothing to review.")
            return
        tick.value = not tick.value
        tick.focus()

    def _ask(self, names: list[ScreeningId], *, patient: bool) -> None:
        answers = {
            n: dict(self.results[n].answers)
            for n in names
            if n in self.results and not self.results[n].skipped
        }
        screen = QuestionsScreen(
            names,
            answers,
            sex=self.draft.patient.sex,
            always_phq9=self.ctx.settings.screenings.phq9_always,
            patient=patient,
            check_pin=self.ctx.check_pin,
            progress=lambda name, given: self._answered(name, given, patient, screen.language),
        )
        self.app.push_screen(screen, self._asked)

    def _answered(
        self, name: ScreeningId, given: dict[str, int], patient: bool, language: Language
    ) -> None:
        """One more answer: kept as a started result, so autosave and a lock keep it."""
        self.results[name] = ScreeningResult(
            instrument=name,
            answers=given,
            answered_by="patient" if patient else "staff",
            language=language,
            at=datetime.now(UTC),
        )

    def _asked(self, asked: Asked | None) -> None:
        if asked is None:
            return
        now = datetime.now(UTC)
        unanswered = set(asked.unanswered)
        always = self.ctx.settings.screenings.phq9_always
        for name, given in asked.answers.items():
            if not given:
                continue
            codes = {item.code for item in instruments()[name].asked}
            if codes & unanswered:
                self.results[name] = ScreeningResult(
                    instrument=name,
                    answers=given,
                    answered_by=asked.by,
                    language=asked.language,
                    at=now,
                )
                continue
            self.results[name] = result_for(
                name,
                given,
                self.draft.patient.sex,
                by=asked.by,
                language=asked.language,
                at=now,
                always=always,
            )
        if asked.by == "patient":
            self.query_one("#screenings-reviewed", Checkbox).value = False
        self._refresh()
        self.call_after_refresh(self._focus_after)

    def _focus_after(self) -> None:
        tick = self.query_one("#screenings-reviewed", Checkbox)
        if tick.display and not tick.value:
            tick.focus()
