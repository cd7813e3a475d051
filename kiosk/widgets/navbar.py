"""The full-width Back / Help / Leave / Next bar docked at the bottom of every step.

Every key action is also a button here (touch terminals), and the labels name the key, so the
bar doubles as a reminder of the keyboard.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button


class NavBar(Horizontal):
    """Buttons that run the current screen's ``back``/``leave``/``next`` actions."""

    DEFAULT_CSS = """
    NavBar {
        height: 3;
        width: 1fr;
    }
    NavBar Button {
        width: 1fr;
        min-width: 8;
        margin: 0;
    }
    NavBar #nav-next {
        width: 2fr;
    }
    """

    def __init__(self, *, next_label: str = "Next  Ctrl+N", show_leave: bool = True) -> None:
        super().__init__(id="navbar")
        self._next_label = next_label
        self._show_leave = show_leave

    def compose(self) -> ComposeResult:
        yield Button("Back  Esc", id="nav-back", action="screen.back")
        yield Button("Help  F1", id="nav-help", action="app.help")
        if self._show_leave:
            yield Button("Leave  Ctrl+E", id="nav-leave", variant="warning", action="screen.leave")
        yield Button(self._next_label, id="nav-next", variant="primary", action="screen.next")

    def set_next_label(self, label: str) -> None:
        """Let a step rename Next (e.g. "Sign" on the review step)."""
        self.query_one("#nav-next", Button).label = label
