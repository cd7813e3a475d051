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


KEY_NAMES = {
    "escape": "Esc",
    "question_mark": "?",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "Up",
}
"""Keys spelt as they are printed on a keyboard (and on the buttons)."""


def key_name(key: str) -> str:
    """ "ctrl+p" -> "Ctrl+P", "f1" -> "F1", "escape" -> "Esc": one spelling for the buttons,
    the key lines and the help (the first key of "escape,ctrl+b")."""
    first = key.split(",")[0]
    if first in KEY_NAMES:
        return KEY_NAMES[first]
    return "+".join(
        part.upper() if len(part) <= 2 else part.capitalize() for part in first.split("+")
    )


class KeyLine(Static):
    """One row naming the screen's own keys first, then the app's; each entry is clickable
    (it simulates its key).

    One spelling per line, the longest that fits: "Ctrl+N Open" when every entry fits
    spelt out, else "^N Open" as on the narrow NavBar buttons. Entries that still do not fit
    are left out whole, never cut mid-word; F1 lists them all. Textual's Footer recomposes on
    every focus change, which restyles dozens of widgets per Tab; this line is drawn when the
    screen opens and when its width changes.
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
    }
    """

    SEPARATORS = ("  ·  ", " · ")
    _entries: tuple[tuple[str, str, str], ...] = ()
    _width = -1

    def on_mount(self) -> None:
        self._entries = tuple(self.entries())
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self._fit()

    def entries(self) -> list[tuple[str, str, str]]:
        """(key, key's name, what) for each shown binding: the screen's own, then the app's."""
        own: list[tuple[str, str, str]] = []
        app_wide: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            entry = (key, key_name(binding.key), binding.description)
            (app_wide if active.node is self.app else own).append(entry)
        return own + app_wide

    @staticmethod
    def spell(name: str, what: str, *, short: bool) -> str:
        return f"{name.replace('Ctrl+', '^') if short else name} {what}"

    def _fit(self) -> None:
        width = self.content_size.width
        if width == self._width or width <= 0:
            return
        self._width = width
        layouts = [(short, sep) for short in (False, True) for sep in self.SEPARATORS]
        for short, separator in layouts:
            texts = [self.spell(name, what, short=short) for _, name, what in self._entries]
            if len(separator.join(texts)) <= width:
                break
        shown: list[Content] = []
        used = 0
        for (key, _, _), text in zip(self._entries, texts, strict=True):
            needed = len(text) + (len(separator) if shown else 0)
            if used + needed > width:
                continue  # left out whole; a shorter one further on may still fit
            used += needed
            # a click is the key itself: the same checks and actions as typing it
            shown.append(Content(text).stylize(f"@click=app.simulate_key({key!r})"))
        self.update(Content(separator).join(shown))
