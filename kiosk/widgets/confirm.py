"""A question with two labelled buttons, safe against ordinary typing.

The dialog has no single-letter keys: an MA typing a name while it pops up (a resume offer
after sign-in, say) must not answer it. It takes the focus (the safe button first), so keys
never reach the screen beneath. Enter presses the focused button, Left/Right move between
the buttons, and Esc gives the safe answer, ``None``: callers treat it as cancel / keep.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from kiosk.widgets.inert import inert

BETWEEN = "Move between the answers (Tab too)"


class ConfirmModal(ModalScreen[bool | None]):
    """Ask a question; dismiss with True (yes), False (no) or None (Esc: the safe choice)."""

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
        Binding(
            "escape",
            "answer(None)",
            "Cancel",
            priority=True,
            id="question.cancel",
            tooltip="The safe answer (stay, keep the draft)",
        ),
        Binding("left", "app.focus_previous", show=False, id="question.left", tooltip=BETWEEN),
        Binding("right", "app.focus_next", show=False, id="question.right", tooltip=BETWEEN),
    ]

    def __init__(
        self,
        question: str,
        *,
        yes: str = "Yes",
        no: str = "No",
        focus: Literal["yes", "no"] = "no",
    ) -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._no = no
        self._focus = focus

    @classmethod
    def leave_intake(cls) -> ConfirmModal:
        """The question asked before an unfinished encounter is left."""
        return cls(
            "Leave this intake? The draft is kept and can be resumed.",
            yes="Leave the intake",
            no="Stay  (Esc)",
        )

    @classmethod
    def sign_out_intake(cls) -> ConfirmModal:
        """The question asked by Ctrl+O during an intake: it says that it signs out."""
        return cls(
            "Sign out? The draft of this intake is kept and can be resumed after signing in.",
            yes="Sign out",
            no="Stay  (Esc)",
        )

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(inert(self._question), id="confirm-question")  # may quote a name
            with Horizontal():
                yield Button(self._no, id="confirm-no", action="screen.answer(False)")
                yield Button(
                    self._yes, id="confirm-yes", variant="warning", action="screen.answer(True)"
                )

    def on_mount(self) -> None:
        self.query_one(f"#confirm-{self._focus}", Button).focus()

    def action_answer(self, answer: bool | None) -> None:
        self.dismiss(answer)
