"""The full-width Back / Help / Leave / Next bar docked at the bottom of every step.

Every key action is also a button here (touch terminals), and the labels name the key, so the
bar doubles as a reminder of the keyboard.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static


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
            # no colour variant: a warning background loses its text at 16 colours
            yield Button("Leave  Ctrl+E", id="nav-leave", action="screen.leave")
        yield Button(self._next_label, id="nav-next", variant="primary", action="screen.next")

    def set_next_label(self, label: str) -> None:
        """Let a step rename Next (e.g. "Sign" on the review step)."""
        self.query_one("#nav-next", Button).label = label


def key_name(key: str) -> str:
    """ "ctrl+p" -> "Ctrl+P", "f1" -> "F1": the same spelling as on the buttons."""
    first = key.split(",")[0]
    return "+".join(
        part.upper() if len(part) <= 2 else part.capitalize() for part in first.split("+")
    )


class KeyLine(Static):
    """One row naming the step's own keys (and the app's), fixed when the step opens.

    Textual's Footer recomposes on every focus change, which restyles dozens of widgets per
    Tab; this line is drawn once. Back/Next/Leave/Help are on the NavBar buttons already.
    """

    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        shown: list[str] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append(f"{key_name(binding.key)} {binding.description}")
        self.update("  ·  ".join(shown))
