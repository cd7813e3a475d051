"""The POC step's vision and hearing screening (ids ``poc-va-*`` and ``poc-hear-*``).

Vision: one Snellen line per eye (right, left, both), typed as 20/40, 20/40-2 or 6/12, with or
without correction. Hearing: pass / refer per ear and tone (1000-4000 Hz, 6000 and 8000 Hz from
11 years). The line above them says what AAP Bright Futures schedules at this patient's age;
a child's result below the AAP referral criteria is flagged "Refer" (kiosk.validators.vision).
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select

from kiosk.models import EyeAcuity, HearingScreen, HearingTone, VisionScreen
from kiosk.validators.vision import (
    SnellenError,
    frequencies_for,
    hearing_referral,
    parse_snellen,
    screenings_due,
    vision_referral,
)
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert

EYES = ("right", "left", "both")
CORRECTION = [("uncorrected", "no"), ("corrected", "yes")]
"""Read without, or with, the patient's glasses or contact lenses."""
TONE = [("pass", "pass"), ("refer", "refer")]


class Screenings(Vertical):
    def __init__(
        self, vision: VisionScreen | None, hearing: HearingScreen | None, age: float | None
    ) -> None:
        super().__init__(id="poc-screenings")
        self.vision = vision
        self.hearing = hearing
        self.age = age
        self.tones = frequencies_for(age)

    def compose(self) -> ComposeResult:
        due = screenings_due(self.age)
        when = ""
        if due and self.age is not None:
            when = f"due at {int(self.age)} y (AAP Bright Futures): {', '.join(due)}"
        yield Label(f"Vision (Snellen)  {when}".rstrip(), classes="poc-title")
        typed = {r.eye: r for r in self.vision.readings} if self.vision else {}
        corrected = any(r.corrected for r in typed.values())
        with Horizontal(classes="poc-row"):
            for eye in EYES:
                yield Label(eye.capitalize(), classes="poc-eye")
                yield VisibleInput(
                    typed[eye].entered if eye in typed else "",
                    placeholder="20/40-2",
                    compact=True,
                    id=f"poc-va-{eye}",
                    max_length=12,
                    classes="poc-va",
                )
            yield Select(
                CORRECTION,
                value="yes" if corrected else "no",
                allow_blank=False,
                compact=True,
                id="poc-va-corrected",
                classes="poc-va-corr",
            )
        yield Label("", id="poc-va-message", classes="poc-message", markup=False)
        yield Label("Hearing (pure tone, 20 dB HL)", classes="poc-title")
        heard = (
            {(t.ear, t.frequency_hz): t.result for t in self.hearing.tones} if self.hearing else {}
        )
        for ear in ("right", "left"):
            with Horizontal(classes="poc-row"):
                yield Label(f"{ear.capitalize()} ear", classes="poc-eye")
                for hz in self.tones:
                    yield Select(
                        TONE,
                        prompt=f"{hz // 1000}k",
                        value=heard.get((ear, hz), Select.NULL),
                        compact=True,
                        id=f"poc-hear-{ear}-{hz}",
                        classes="poc-tone",
                    )
        yield Label("", id="poc-hear-message", classes="poc-message", markup=False)

    def _say(self, which: str, message: str, *, error: bool) -> None:
        label = self.query_one(f"#poc-{which}-message", Label)
        label.update(inert(message))
        label.set_class(bool(message), "-shown")
        label.set_class(not error, "-note")

    def collect(self) -> tuple[VisionScreen | None, HearingScreen | None] | None:
        """The screenings as typed, or None (messages shown) when a Snellen line is wrong."""
        corrected = self.query_one("#poc-va-corrected", Select).value == "yes"
        readings: list[EyeAcuity] = []
        problems = []
        for eye in EYES:
            field = self.query_one(f"#poc-va-{eye}", Input)
            text = field.value.strip()
            field.remove_class("-invalid")
            if not text:
                continue
            read = parse_snellen(text, eye=eye, corrected=corrected)
            if isinstance(read, SnellenError):
                field.add_class("-invalid")
                problems.append(f"{eye.capitalize()}: {read.message}")
            else:
                readings.append(read)
        if problems:
            self._say("va", " ".join(problems), error=True)
            return None
        now = datetime.now(UTC)
        vision = None
        if readings:
            reason = vision_referral(readings, self.age)
            vision = VisionScreen(
                readings=readings, refer=bool(reason), reason=reason, taken_at=now
            )
            old = self.vision
            if old is not None and old.readings == readings:
                vision = vision.model_copy(update={"taken_at": old.taken_at})
            self._say("va", reason, error=False)
        tones = []
        for ear in ("right", "left"):
            for hz in self.tones:
                choice = self.query_one(f"#poc-hear-{ear}-{hz}", Select)
                if not choice.is_blank():
                    tones.append(HearingTone(ear=ear, frequency_hz=hz, result=str(choice.value)))
        hearing = None
        if tones:
            reason = hearing_referral(tones)
            hearing = HearingScreen(tones=tones, refer=bool(reason), reason=reason, taken_at=now)
            self._say("hear", reason, error=False)
        return vision, hearing
