"""The full-width Back / Help / Leave / Lock / Sign out / Next bar docked at the bottom of
every step, and the key line under it.

Every key action is also a button here (touch terminals: Lock and Sign out too), and the labels
name the key, so the bar doubles as a reminder of the keyboard. At 80 columns the six labels
name the Ctrl keys as "^E" (as Textual's footer does); from 100 columns as "Ctrl+E".
Every entry of the key line is clickable as well: a click is the key.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

WIDE_LABELS = 100
"""From this width the buttons spell the keys out ("Ctrl+E"), below it "^E"."""


class NavBar(Horizontal):
    """Buttons that run the current screen's ``back``/``leave``/``next`` actions and the app's
    ``help``/``lock``/``sign_out``."""

    DEFAULT_CSS = """
    NavBar {
        height: 3;
        width: 1fr;
    }
    NavBar Button {
        width: auto;
        min-width: 8;
        margin: 0;
    }
    NavBar #nav-next {
        width: 1fr;
    }
    """

    def __init__(self, *, next_label: str = "Next  Ctrl+N", show_leave: bool = True) -> None:
        super().__init__(id="navbar")
        self._next_label = next_label
        self._show_leave = show_leave
        self._wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield Button("Back  Esc", id="nav-back", action="screen.back")
        yield Button("Help  F1", id="nav-help", action="app.help")
        if self._show_leave:
            # no colour variant: a warning background loses its text at 16 colours
            yield Button("Leave  Ctrl+E", id="nav-leave", action="screen.leave")
        yield Button("Lock  Ctrl+L", id="nav-lock", action="app.lock")
        yield Button("Sign out  Ctrl+O", id="nav-sign-out", action="app.sign_out")
        yield Button(self._next_label, id="nav-next", variant="primary", action="screen.next")

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE_LABELS
        if wide == self._wide:
            return
        self._wide = wide
        for button in self.query(Button):
            label = str(button.label)
            button.label = label.replace("^", "Ctrl+") if wide else label.replace("Ctrl+", "^")


def key_name(key: str) -> str:
    """ "ctrl+p" -> "Ctrl+P", "f1" -> "F1": the same spelling as on the buttons."""
    first = key.split(",")[0]
    return "+".join(
        part.upper() if len(part) <= 2 else part.capitalize() for part in first.split("+")
    )


class KeyLine(Static):
    """One row naming the step's own keys (and the app's), fixed when the step opens; each
    entry is clickable (it simulates its key).

    Textual's Footer recomposes on every focus change, which restyles dozens of widgets per
    Tab; this line is drawn once. Back/Next/Leave/Help/Lock/Sign out are NavBar buttons too.
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
        shown: list[Content] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            text = f"{key_name(binding.key)} {binding.description}"
            # a click is the key itself: the same checks and actions as typing it
            shown.append(Content(text).stylize(f"@click=app.simulate_key({key!r})"))
        self.update(Content("  ·  ").join(shown))
