"""A labelled input with its message line: the building block of every form step.

The label sits left of the input (one row saved per field at 80x24); the message line under
it is hidden while empty. ``show_error`` marks the input ``-flagged`` (not Textual's own
``-invalid``, which the Input resets on blur) so the step can focus the first flagged field.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from kiosk.validators.text import visible
from kiosk.widgets.field_input import VisibleInput


class LabelledInput(Vertical):
    """Label + Input + message. The Input carries ``id``; the container ``{id}-field``."""

    DEFAULT_CSS = """
    LabelledInput {
        height: auto;
        width: 1fr;
    }
    LabelledInput > Horizontal {
        height: auto;
    }
    LabelledInput .labelled-label {
        width: 20;
        height: 3;
        content-align: left middle;
        padding: 0 1 0 0;
    }
    LabelledInput.-required .labelled-label {
        text-style: bold;
    }
    LabelledInput.-focused .labelled-label {
        text-style: reverse bold;
    }
    LabelledInput Input {
        width: 1fr;
    }
    LabelledInput .labelled-message {
        height: auto;
        padding: 0 0 0 20;
        color: $text-error;
        text-style: bold;
    }
    LabelledInput .labelled-message.-ok {
        color: $text-success;
        text-style: none;
    }
    """

    def __init__(
        self,
        label: str,
        *,
        id: str,
        value: str = "",
        placeholder: str = "",
        required: bool = False,
        max_length: int = 500,
        password: bool = False,
    ) -> None:
        super().__init__(id=f"{id}-field", classes="-required" if required else "")
        self._label = label + (" *" if required else "")
        self._input = (Input if password else VisibleInput)(
            value=value,
            placeholder=placeholder,
            id=id,
            max_length=max_length,
            password=password,
            select_on_focus=False,
        )

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self._label, classes="labelled-label")
            yield self._input
        message = Static("", classes="labelled-message", markup=False)
        message.display = False
        yield message

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The focused field's label in reverse video (visible at 16 colours too)."""
        self.add_class("-focused")

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.remove_class("-focused")

    @property
    def input(self) -> Input:
        return self._input

    @property
    def value(self) -> str:
        return self._input.value

    def show_error(self, message: str) -> None:
        """Flag the field and say what is wrong, in plain words, under it."""
        self._input.add_class("-flagged")
        msg = self.query_one(".labelled-message", Static)
        msg.remove_class("-ok")
        msg.update(visible(message))
        msg.display = bool(message)

    def show_ok(self, message: str = "") -> None:
        """Clear the flag; optionally echo what was understood (e.g. a date)."""
        self._input.remove_class("-flagged")
        msg = self.query_one(".labelled-message", Static)
        msg.add_class("-ok")
        msg.update(visible(message))
        msg.display = bool(message)
