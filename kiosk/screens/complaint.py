"""Chief complaint: the patient's own words, then the OLDCARTS details and pain 0-10.

Only the patient's words are required; every detail is optional but has its own field, so the
provider reads the same layout every time. The details are skipped together with one key
(Ctrl+P, to the pain score); Enter on the pain score, the last field, is Next.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from kiosk.models import ChiefComplaint, Encounter
from kiosk.screens.base import StepScreen
from kiosk.validators.readings import parse_pain
from kiosk.widgets.labelled import LabelledInput

# (model field, widget id suffix, label, placeholder)
DETAILS = (
    ("onset", "onset", "Onset", "when it started, e.g. 3 days ago, sudden"),
    ("location", "location", "Location", "where, e.g. left lower abdomen"),
    ("duration", "duration", "Duration", "how long each time, e.g. constant, 10 minutes"),
    ("character", "character", "Character", "e.g. sharp, dull, burning, cramping"),
    ("aggravating", "aggravating", "Made worse by", "e.g. walking, eating"),
    ("relieving", "relieving", "Made better by", "e.g. rest, ibuprofen"),
    ("timing", "timing", "Timing", "e.g. worse at night, comes and goes"),
)


class ComplaintScreen(StepScreen):
    """Why the patient came today."""

    STEP: ClassVar[str] = "complaint"
    TITLE: ClassVar[str] = "Chief complaint"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+p",
            "to_pain",
            "To pain",
            priority=True,
            id="complaint.to_pain",
            tooltip="Skip the details left (onset to timing): to the pain score",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("In the patient's own words — why are you here today?", classes="hint")
        yield LabelledInput(
            "Chief complaint",
            id="complaint-text",
            required=True,
            max_length=4000,
            placeholder="e.g. “my stomach has hurt for three days”",
        )
        for _, suffix, label, placeholder in DETAILS:
            yield LabelledInput(label, id=f"complaint-{suffix}", placeholder=placeholder)
        yield LabelledInput(
            "Pain now (0-10)", id="complaint-pain", max_length=5, placeholder="0 none … 10 worst"
        )

    def restore(self) -> None:
        complaint = self.draft.complaint
        if complaint is None:
            return
        values = {
            "text": complaint.text,
            "pain": "" if complaint.severity is None else str(complaint.severity),
        }
        values.update({suffix: getattr(complaint, name) for name, suffix, _, _ in DETAILS})
        for suffix, value in values.items():
            inp = self.query_one(f"#complaint-{suffix}", Input)
            with inp.prevent(Input.Changed):
                inp.value = value

    def action_to_pain(self) -> None:
        pain = self.query_one("#complaint-pain", Input)
        self.set_focus(pain)  # at once: the digits typed next belong to it
        pain.scroll_visible()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.has_class("-flagged"):
            self.collect()

    def _field(self, suffix: str) -> LabelledInput:
        return self.query_one(f"#complaint-{suffix}-field", LabelledInput)

    def collect(self) -> Encounter | None:
        text = self._field("text").value.strip()
        pain, pain_problem = parse_pain(self._field("pain").value)
        ok = True
        if text:
            self._field("text").show_ok()
        else:
            self._field("text").show_error("Write what the patient says brings them in today.")
            ok = False
        if pain_problem:
            self._field("pain").show_error(pain_problem)
            ok = False
        else:
            self._field("pain").show_ok()
        if not ok:
            return None
        details = {name: self._field(suffix).value.strip()[:500] for name, suffix, _, _ in DETAILS}
        complaint = ChiefComplaint(text=text, severity=pain, **details)
        return self.draft.model_copy(update={"complaint": complaint})
