"""One measurement field: label, compact input, extras, "not taken", echo, flag, last value, trend.

The field is the unit of the vitals and point-of-care screens. It knows nothing clinical: a
:class:`ReadingValidator` (see ``kiosk.widgets.validation``) turns the typed text into an
:class:`Assessment` — the :class:`Reading` shown (canonical echo, range status, message),
Textual's validation and the core's answer — and the field shows it. The field keeps the last
assessment, so each text is checked once: the message beside the field, the Input's
``-invalid`` state and the model the step builds (:attr:`MeasurementField.result`) agree.

Two speeds, on purpose (STYLE.md, issue 4):

* every keystroke updates the echo ("= 37.0 °C") and the flag word ("CRITICAL HIGH"), which are
  cheap (the core check is cached) and reassure the MA that the number was read as meant;
* the error message under the field appears on blur or Enter, and after that is re-checked on
  every keystroke until the text is valid again, so nobody is scolded mid-word.

Flags are words as well as colours (``error`` class for critical and unreadable values,
``warning`` for abnormal ones), so they are readable in 16 colours and by colour-blind users.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from kiosk.validators.text import visible
from kiosk.widgets.field_input import MAX_TEXT, FieldInput
from kiosk.widgets.inert import inert
from kiosk.widgets.reading import (
    EMPTY,
    EMPTY_ASSESSMENT,
    FLAG_WORDS,
    NOT_TAKEN_OPTIONS,
    Assessment,
    Reading,
    ReadingValidator,
)
from kiosk.widgets.trend import Trend


class _KeptCheck(Validator):
    """Textual's validation of the field's Input, answered from the field's kept assessment."""

    def __init__(self, field: MeasurementField) -> None:
        super().__init__()
        self._field = field

    def validate(self, value: str) -> ValidationResult:
        return self._field.assess(value).validation


class MeasurementField(Widget):
    """A measurement input with its echo, flag, message, previous value and trend."""

    DEFAULT_CSS = """
    MeasurementField {
        height: auto;
        width: 1fr;
        & > .mf-row { height: auto; width: 1fr; }
        & > .mf-status { height: auto; width: 1fr; padding-left: 14; }
        & .mf-now { height: auto; width: 1fr; }
        & .mf-past { height: auto; width: auto; }
        & .mf-label { width: 15; height: 1; text-style: bold; }
        & .mf-input { width: 13; margin-right: 1; }
        & .mf-extra { width: 13; margin-right: 1; }
        & .mf-nt { width: 12; }
        & .mf-echo { width: 18; }
        & .mf-flag { width: 14; padding: 0 0 0 1; text-style: bold; }
        & .mf-flag.normal { color: $text-muted; }
        & .mf-message { width: 1fr; color: $text-error; text-style: bold; display: none; }
        &.-has-message .mf-message { display: block; }
        &.-has-message .mf-echo, &.-has-message .mf-flag { display: none; }
        & .mf-prev { width: auto; color: $text-muted; padding-left: 1; }
        & > .mf-detail {
            height: auto; width: 1fr; padding-left: 14; display: none; background: transparent;
        }
        &.-has-detail > .mf-detail { display: block; }
        &.-has-message > .mf-detail { display: none; }
        /* a field whose readings have a detail line keeps its row: when the line comes
           (the last digit typed) or goes, a repaint; a height change re-lays the whole
           screen out, 23-31 KB written to the terminal for one key (bench_bytes.py) */
        &.-detail-row > .mf-detail, &.-detail-row.-has-message > .mf-detail { display: block; }
        & > .mf-detail.error { color: $text-error; text-style: bold; }
        & > .mf-detail.warning { color: $text-warning; text-style: bold; }
        & > .mf-detail.normal { color: $text-muted; }
        & .-hidden { display: none; }
        &.-not-taken .mf-input { text-style: strike; }
    }
    """

    class Changed(Message):
        """The field's reading or its "not taken" choice changed (for BMI, trends, review)."""

        def __init__(self, field: MeasurementField, reading: Reading) -> None:
            super().__init__()
            self.field = field
            """The field that changed."""
            self.reading = reading
            """Its new reading (EMPTY when marked not taken)."""

    def __init__(
        self,
        label: str,
        *,
        input_id: str,
        validator: ReadingValidator,
        value: str = "",
        placeholder: str = "",
        previous: str = "",
        trend: Sequence[float | None] | None = None,
        extras: Iterable[Widget] = (),
        not_taken: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        if getattr(validator, "GIVES_DETAIL", False):
            self.add_class("-detail-row")
        self.label = label
        self.input_id = input_id
        self.validator = validator
        self._value = value
        self._placeholder = placeholder
        self._previous = previous
        self._trend = list(trend) if trend is not None else None
        self._extras = list(extras)
        self._not_taken = not_taken
        self._assessment: Assessment = EMPTY_ASSESSMENT
        self.reading: Reading = self.assess(value).reading
        self._shown_message = ""
        # Kept, not queried: the echo and flag change on every keystroke and must stay cheap.
        # Their widths are fixed in CSS, so an update repaints them without a layout pass.
        self._echo = Label("", classes="mf-echo", markup=False)
        self._flag = Label("", classes="mf-flag", markup=False)
        self._message = Label("", classes="mf-message", markup=False)
        self._detail = Label("", classes="mf-detail", markup=False)
        self._trend_widget = (
            Trend([*self._trend, self.reading.value], classes="mf-trend")
            if self._trend is not None
            else None
        )
        self._shown: tuple[str, str, str] = ("", "", "")
        self._shown_detail: tuple[str, str] = ("", "")

    # ------------------------------------------------------------------ composition

    def compose(self) -> ComposeResult:
        with Horizontal(classes="mf-row"):
            yield Label(self.label, classes="mf-label")
            yield FieldInput(
                self._value,
                placeholder=self._placeholder,
                max_length=MAX_TEXT,
                id=self.input_id,
                classes="mf-input",
                compact=True,
                validators=[_KeptCheck(self)],
                validate_on={"blur", "submitted"},
                select_on_focus=False,
            )
            for extra in self._extras:
                extra.add_class("mf-extra")
                yield extra
            yield Select(
                NOT_TAKEN_OPTIONS,
                value=self._not_taken or "taken",
                allow_blank=False,
                compact=True,
                id=f"{self.input_id}-nt",
                classes="mf-nt",
                tooltip="Mark this reading as not taken, with the reason",
            )
        with Horizontal(classes="mf-status"):
            with Horizontal(classes="mf-now"):
                yield self._echo
                yield self._flag
                yield self._message
            with Horizontal(classes="mf-past"):
                if self._previous:
                    yield Label(inert(self._previous), classes="mf-prev")  # stored text
                if self._trend_widget is not None:
                    yield self._trend_widget
        yield self._detail

    def on_mount(self) -> None:
        self.resync()

    # ------------------------------------------------------------------ public API

    @property
    def input(self) -> Input:
        return self.query_one(f"#{self.input_id}", Input)

    @property
    def text(self) -> str:
        """The raw text typed in the field (kept even when invalid or marked not taken)."""
        return self.input.value

    @property
    def not_taken(self) -> str | None:
        """The reason the reading was not taken (refused, not-done, unable), or None."""
        value = self.query_one(f"#{self.input_id}-nt", Select).value
        return None if value in ("taken", Select.NULL) else str(value)

    @property
    def result(self) -> object:
        """The core's check of the text now in the field (None when empty), for the model."""
        return self.assess(self.input.value).result

    def assess(self, text: str) -> Assessment:
        """The check of ``text`` (stripped: spaces around a reading change nothing): the kept
        one while the text is the same, else a new one, kept in its place."""
        key = text.strip()
        if key != self._assessment.text:
            self._assessment = self.validator.assess(key) if key else EMPTY_ASSESSMENT
        return self._assessment

    def set_not_taken(self, reason: str | None) -> None:
        self.query_one(f"#{self.input_id}-nt", Select).value = reason or "taken"

    def check(self, *, required: bool = False) -> bool:
        """Validate now (as on Next): show the message under the field; True if savable.

        An empty field is fine ("not entered") unless ``required``; a field marked not taken is
        always fine.
        """
        if self.not_taken is not None:
            self._show_message("")
            return True
        text = self.input.value
        if not text.strip():
            message = "Required: enter a value or mark it not taken." if required else ""
            self.input.set_class(bool(message), "-invalid")
            self._show_message(message)
            return not message
        self.input.validate(text)
        self.reading = self.assess(text).reading
        self._show(self.reading)
        self._show_message("" if self.reading.valid else self.reading.message)
        return self.reading.valid

    def show_message(self, message: str) -> None:
        """Show a message under the field from outside (a cross-field check), marked invalid."""
        self.input.set_class(bool(message), "-invalid")
        self._show_message(message)

    def recheck(self) -> None:
        """Check the text again under changed rules (NEWS2 scale 2 ticked) and show it."""
        self._assessment = EMPTY_ASSESSMENT
        self.resync()

    def resync(self) -> None:
        """Re-read the input and the "not taken" choice after they were set without events
        (the step restores typed text with ``prevent``)."""
        text = self.input.value
        self.reading = self.assess(text).reading
        self._apply_not_taken(self.not_taken)
        if text.strip() and not self.reading.valid and self.not_taken is None:
            self.input.validate(text)
            self._show_message(self.reading.message)

    # ------------------------------------------------------------------ events

    @on(Input.Changed)
    def _on_text(self, event: Input.Changed) -> None:
        if event.input.id != self.input_id:
            return
        event.stop()
        before = self.reading
        self.reading = self.assess(event.value).reading
        self._show(self.reading)
        if self._shown_message or self.input.has_class("-invalid"):
            # Already flagged: re-check per keystroke so the message clears once fixed.
            self.input.validate(event.value)
            self._show_message("" if self.reading.valid else self.reading.message)
        if (self.reading.value, self.reading.valid) != (before.value, before.valid):
            # Only a new value matters upstairs (live BMI); "98." -> "98.6" style edits that
            # keep the value, and unreadable drafts, spare the message its trip up the DOM.
            self.post_message(self.Changed(self, self.reading))

    @on(Input.Blurred)
    @on(Input.Submitted)
    def _on_field_left(self, event: Input.Blurred | Input.Submitted) -> None:
        if event.input.id != self.input_id:
            return
        if self.not_taken is None and event.value.strip():
            result = event.validation_result
            self._show_message("" if result is None or result.is_valid else self.reading.message)
        else:
            self.input.set_class(False, "-invalid")
            self._show_message("")

    @on(Select.Changed)
    def _on_not_taken(self, event: Select.Changed) -> None:
        if event.select.id != f"{self.input_id}-nt":
            return
        event.stop()
        self._apply_not_taken(self.not_taken)
        self.post_message(self.Changed(self, EMPTY if self.not_taken else self.reading))

    # ------------------------------------------------------------------ display

    def _apply_not_taken(self, reason: str | None) -> None:
        self.set_class(reason is not None, "-not-taken")
        self.input.disabled = reason is not None
        if reason is not None:
            self.input.set_class(False, "-invalid")
            self._show_message("")
            self._show(Reading(valid=True, echo=f"not taken: {reason.replace('-', ' ')}"))
        else:
            self._show(self.reading)

    def _show(self, reading: Reading) -> None:
        """Echo and flag for ``reading``; touches only what changed (per keystroke)."""
        word, css = FLAG_WORDS.get(reading.status or "", ("", ""))
        if not reading.echo or reading.detail:  # a detail line spells the flags out itself
            word, css = "", ""
        shown = (reading.echo, word, css)
        if shown != self._shown:
            if reading.echo != self._shown[0]:
                self._echo.update(reading.echo, layout=False)
            if word != self._shown[1]:
                self._flag.update(word, layout=False)
            if css != self._shown[2]:
                self._flag.set_class(css == "error", "error")
                self._flag.set_class(css == "warning", "warning")
                self._flag.set_class(css == "normal", "normal")
            self._shown = shown
        self._show_detail(reading.detail, reading.detail_level)
        if self._trend_widget is not None and self._trend is not None:
            self._trend_widget.set_values([*self._trend, reading.value])

    def _show_detail(self, detail: str, level: str) -> None:
        if (detail, level) == self._shown_detail:
            return
        if bool(detail) != bool(self._shown_detail[0]):
            self.set_class(bool(detail), "-has-detail")  # a line more or less: a layout
        width = self._detail.content_region.width
        wraps = max(len(detail), len(self._shown_detail[0])) > width  # a line more or less?
        self._shown_detail = (detail, level)
        self._detail.update(detail, layout=wraps)  # else a repaint, per keystroke
        for name in ("error", "warning", "normal"):
            self._detail.set_class(level == name, name)

    def _show_message(self, message: str) -> None:
        if message == self._shown_message:
            return
        self._shown_message = message
        self._message.update(visible(message))  # the core's are already; a screen's may not be
        self.set_class(bool(message), "-has-message")
