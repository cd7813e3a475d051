"""The questions of the due screenings, one at a time: asked by the MA, or by the patient alone.

Patient mode (the MA hands the touch screen over): the patient chooses a language, then sees
one question at a time with large answer buttons and the progress, and nothing else: no
patient banner, no step keys, no help, lock or sign-out (the app refuses them while a
``PATIENT_FACING`` screen is on top). The only ways out are the last answer ("please hand the
screen back", then the MA's PIN) or the Staff button (the MA's PIN). The idle lock still
applies; after it the kiosk returns to the screenings step for the MA, never to the questions.

Every text the patient reads goes through the chosen language's gettext catalog
(:mod:`kiosk.screening.i18n`); the staff-facing PIN line stays in English.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from kiosk.models import Language, ScreeningId, Sex
from kiosk.screening import LANGUAGES, Catalog, Instrument, Item, catalog, instruments, questions
from kiosk.widgets.inert import inert

CheckPin = Callable[[str], Awaitable[None]]
"""Checks the MA's PIN; raises an exception whose text is the message when it is wrong."""
Progress = Callable[[ScreeningId, dict[str, int]], None]
"""Told every answer (instrument, its answers so far), so autosave keeps them."""

HAND_BACK = "Please hand the screen back to the staff."
THANKS = "Thank you. Your answers are saved."
INTRO = "These questions are for you. Tap the answer that fits best."
POSITION = "Question {n} of {total}"
PREVIOUS = "Previous question"
STAFF = "Staff"
KEYS_HINT = "Keys: 1-5 choose an answer, Esc the previous question."

_KEYS = tuple(str(n) for n in range(1, 6))


@dataclass
class Asked:
    """What the questions screen hands back."""

    answers: dict[ScreeningId, dict[str, int]]
    """Every instrument's answers so far (item code -> score)."""
    language: Language = "en"
    finished: bool = False
    """Every question was answered."""
    by: Literal["patient", "staff"] = "staff"
    ended_by_lock: bool = False
    """The idle lock came while the patient had the screen."""
    unanswered: list[str] = field(default_factory=list)


def _choose_bindings() -> list[BindingType]:
    return [
        Binding(
            key,
            f"choose({int(key) - 1})",
            key,
            show=False,
            id=f"questions.choose_{key}",
            tooltip="Choose the answer with this number",
        )
        for key in _KEYS
    ]


class QuestionsScreen(Screen[Asked]):
    """One question at a time over every instrument given; dismisses with the answers."""

    AUTO_FOCUS = "#questions-answers Button, #questions-languages Button"
    ALLOW_SELECT = False
    ANSWER_KEYS: ClassVar[tuple[str, ...]] = _KEYS
    """Digits choose an answer even on a focused button (kiosk.screens.keys.KeyRules)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        *_choose_bindings(),
        Binding(
            "escape",
            "previous",
            "Previous question",
            show=False,
            priority=True,
            id="questions.previous",
            tooltip="The previous question (the MA: on the first, back to the step)",
        ),
        Binding(
            "ctrl+b",
            "stop",
            "Stop",
            show=False,
            priority=True,
            id="questions.stop",
            tooltip="The MA asking: back to the step, the answers so far kept",
        ),
        Binding("up", "app.focus_previous", show=False, id="questions.up", tooltip="Answer above"),
        Binding("down", "app.focus_next", show=False, id="questions.down", tooltip="Answer below"),
    ]

    def __init__(
        self,
        asked: list[ScreeningId],
        answers: dict[ScreeningId, dict[str, int]],
        *,
        sex: Sex,
        always_phq9: bool,
        patient: bool,
        check_pin: CheckPin | None = None,
        progress: Progress | None = None,
        language: Language | None = None,
    ) -> None:
        super().__init__(id="questions-screen", classes="questions")
        self.asked = asked
        self.answers: dict[ScreeningId, dict[str, int]] = {
            name: dict(answers.get(name, {})) for name in asked
        }
        self.sex: Sex = sex
        self.always_phq9 = always_phq9
        self.patient = patient
        self._check_pin = check_pin
        self._progress = progress
        self.language: Language = language or "en"
        self.tr: Catalog = catalog(self.language)
        self.phase: Literal["language", "question", "done", "staff"] = (
            "language" if patient and language is None else "question"
        )
        self.index = 0
        self._suspended = False

    @property
    def PATIENT_FACING(self) -> bool:
        """The patient holds the screen: the app refuses help, lock and sign-out."""
        return self.patient

    # ------------------------------------------------------------------ questions

    def sequence(self) -> list[tuple[Instrument, Item]]:
        """Every question to ask now, in order (a negative PHQ-2 shortens it)."""
        defs = instruments()
        out: list[tuple[Instrument, Item]] = []
        for name in self.asked:
            instrument = defs[name]
            answers = self.answers[name]
            out += [
                (instrument, item)
                for item in questions(instrument, answers, always=self.always_phq9)
            ]
        return out

    def _first_unanswered(self) -> int:
        for index, (instrument, item) in enumerate(self.sequence()):
            if item.code not in self.answers[instrument.id]:  # type: ignore[index]
                return index
        return 0

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Vertical(id="questions-languages", classes="questions-phase"):
            yield Static("Choose your language  ·  Elija su idioma", id="questions-choose")
            for code, name in LANGUAGES.items():
                yield Button(name, id=f"questions-lang-{code}", classes="questions-answer")
        with VerticalScroll(id="questions-body", classes="questions-phase", can_focus=False):
            yield Static("", id="questions-position", markup=False)
            yield Static("", id="questions-preamble", markup=False)
            yield Static("", id="questions-text", markup=False)
            with Vertical(id="questions-answers"):
                for n in range(1, len(_KEYS) + 1):
                    yield Button("", id=f"questions-answer-{n}", classes="questions-answer")
        with Vertical(id="questions-done", classes="questions-phase"):
            yield Static("", id="questions-thanks", markup=False)
            yield Static("", id="questions-hand-back", markup=False)
            yield Label("Staff: your PIN returns to the intake", id="questions-pin-label")
            yield Input(id="questions-pin", password=True, max_length=128, compact=True)
            yield Static("", id="questions-message", markup=False)
            with Horizontal(id="questions-pin-buttons"):
                yield Button("Continue  Enter", id="questions-pin-go", variant="primary")
                yield Button("", id="questions-resume")
        with Horizontal(id="questions-bar"):
            yield Button("", id="questions-previous", compact=True)
            yield Button("", id="questions-staff", compact=True)
        yield Static("", id="questions-keys", markup=False)

    def on_mount(self) -> None:
        self.index = self._first_unanswered()
        self._show()

    def _show(self) -> None:
        tr = self.tr
        for phase in ("languages", "body", "done"):
            self.query_one(f"#questions-{phase}").display = False
        bar = self.query_one("#questions-bar")
        self.query_one("#questions-previous", Button).label = tr.gettext(PREVIOUS) + "  Esc"
        staff = self.query_one("#questions-staff", Button)
        staff.label = tr.gettext(STAFF) if self.patient else "Back to the step  Ctrl+B"
        self.query_one("#questions-keys", Static).update(tr.gettext(KEYS_HINT))
        if self.phase == "language":
            self.query_one("#questions-languages").display = True
            bar.display = False
            self.query_one("#questions-lang-en", Button).focus()
            return
        if self.phase in ("done", "staff"):
            self.query_one("#questions-done").display = True
            bar.display = False
            finished = self.phase == "done"
            self.query_one("#questions-thanks", Static).update(
                tr.gettext(THANKS) if finished else ""
            )
            self.query_one("#questions-hand-back", Static).update(
                tr.gettext(HAND_BACK) if finished else ""
            )
            resume = self.query_one("#questions-resume", Button)
            resume.display = not finished
            resume.label = tr.gettext(PREVIOUS)
            self.query_one("#questions-pin", Input).focus()
            return
        bar.display = True
        self.query_one("#questions-body").display = True
        sequence = self.sequence()
        self.index = max(0, min(self.index, len(sequence) - 1))
        instrument, item = sequence[self.index]
        position = tr.format(POSITION, n=self.index + 1, total=len(sequence))
        filled = round(20 * (self.index + 1) / len(sequence))
        self.query_one("#questions-position", Static).update(
            f"{position}   {'█' * filled}{'░' * (20 - filled)}"
        )
        intro = tr.gettext(INTRO) + "\n" if self.patient and self.index == 0 else ""
        self.query_one("#questions-preamble", Static).update(
            intro + tr.gettext(instrument.preamble)
        )
        self.query_one("#questions-text", Static).update(tr.gettext(item.text))
        chosen = self.answers[instrument.id].get(item.code)  # type: ignore[index]
        choices = instrument.choices(item)
        buttons = list(self.query("#questions-answers Button").results(Button))
        for n, button in enumerate(buttons):
            button.display = n < len(choices)
            if n < len(choices):
                button.label = inert(f"{n + 1}  {tr.gettext(choices[n].text)}")
                button.variant = "primary" if choices[n].value == chosen else "default"
        shown = buttons[: len(choices)]
        focus = next((b for b in shown if b.variant == "primary"), shown[0])
        focus.focus(scroll_visible=False)

    # ------------------------------------------------------------------ answering

    @on(Button.Pressed, ".questions-answer")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        ident = event.button.id or ""
        if ident.startswith("questions-lang-"):
            self._choose_language(ident.removeprefix("questions-lang-"))
        elif ident.startswith("questions-answer-"):
            self.action_choose(int(ident.removeprefix("questions-answer-")) - 1)

    def _choose_language(self, code: str) -> None:
        self.language = "es" if code == "es" else "en"
        self.tr = catalog(self.language)
        self.phase = "question"
        self._show()

    def action_choose(self, number: int) -> None:
        if self.phase == "language":
            codes = list(LANGUAGES)
            if number < len(codes):
                self._choose_language(codes[number])
            return
        if self.phase != "question":
            return
        instrument, item = self.sequence()[self.index]
        choices = instrument.choices(item)
        if number >= len(choices):
            self.app.bell()
            return
        name: ScreeningId = instrument.id  # type: ignore[assignment]
        self.answers[name][item.code] = choices[number].value
        if self._progress is not None:
            self._progress(name, dict(self.answers[name]))
        sequence = self.sequence()
        if self.index + 1 < len(sequence):
            self.index += 1
            self._show()
        elif self.patient:
            self.phase = "done"
            self._show()
        else:
            self._finish(finished=True)

    def action_previous(self) -> None:
        if self.phase == "question" and self.index > 0:
            self.index -= 1
            self._show()
        elif self.phase == "question" and not self.patient:
            self._finish(finished=False)
        elif self.phase == "staff":
            self.phase = "question"
            self._show()

    def action_stop(self) -> None:
        if not self.patient:
            self._finish(finished=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return not self.patient
        return True

    @on(Button.Pressed, "#questions-previous, #questions-resume")
    def _previous_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_previous()

    @on(Button.Pressed, "#questions-staff")
    def _staff_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if not self.patient:
            self._finish(finished=False)
            return
        self.phase = "staff"
        self._show()

    # ------------------------------------------------------------------ handing back

    @on(Button.Pressed, "#questions-pin-go")
    def _pin_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._check(self.query_one("#questions-pin", Input).value)

    @on(Input.Submitted, "#questions-pin")
    def _pin_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._check(event.value)

    @work(exclusive=True, group="questions-pin", exit_on_error=False)
    async def _check(self, pin: str) -> None:
        message = self.query_one("#questions-message", Static)
        pin_input = self.query_one("#questions-pin", Input)
        if not pin:
            message.update("Type the PIN of the staff member signed in.")
            return
        if self._check_pin is None:
            message.update("No staff sign-in on this terminal.")
            return
        message.update("Checking…")
        try:
            await self._check_pin(pin)
        except Exception as error:  # a wrong PIN, a waiting terminal, a store failure
            pin_input.value = ""
            pin_input.focus()
            message.update(inert(str(error) or "Sign-in failed."))
            return
        pin_input.value = ""
        self._finish(finished=self.phase == "done")

    def _finish(self, *, finished: bool, by_lock: bool = False) -> None:
        if not self.is_attached:
            return
        unanswered = [
            item.code
            for instrument, item in self.sequence()
            if item.code not in self.answers[instrument.id]  # type: ignore[index]
        ]
        self.dismiss(
            Asked(
                answers=self.answers,
                language=self.language,
                finished=finished and not unanswered,
                by="patient" if self.patient else "staff",
                ended_by_lock=by_lock,
                unanswered=unanswered,
            )
        )

    # ------------------------------------------------------------------ the idle lock

    def on_screen_suspend(self, event: events.ScreenSuspend) -> None:
        self._suspended = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._suspended and self.patient:
            # only the lock covers the patient's screen: after it, the MA has the kiosk
            self._finish(finished=False, by_lock=True)
