"""A yes/no modal; one method serves both the key and the button (davep's confirm dialog)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmModal(ModalScreen[bool]):
    """Ask a question; dismiss with True (yes) or False (no / Esc)."""

    DEFAULT_CSS = """
    ConfirmModal {
        align: center middle;
    }
    ConfirmModal > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    ConfirmModal #confirm-question {
        width: 1fr;
        margin-bottom: 1;
    }
    ConfirmModal Horizontal {
        height: 3;
    }
    ConfirmModal Button {
        width: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", "No", priority=True),
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._no = no

    @classmethod
    def leave_intake(cls) -> ConfirmModal:
        """The question asked before an unfinished encounter is left."""
        return cls(
            "Leave this intake? The draft is kept and can be resumed.",
            yes="Leave  (Y)",
            no="Stay  (N / Esc)",
        )

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._question, id="confirm-question")
            with Horizontal():
                yield Button(self._no, id="confirm-no", action="screen.answer(False)")
                yield Button(
                    self._yes, id="confirm-yes", variant="warning", action="screen.answer(True)"
                )

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
