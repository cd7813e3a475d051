"""The help screen: every key the kiosk knows, in one list.

KEYS is the single list of keys; each engineer adds the lines for their own step here, so the
help screen and the footer never disagree.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from kiosk.widgets.scroll import SCROLL_KEYS, ScrollBody, ScrollHow, scroll_body

KEYS: list[tuple[str, str, str]] = [
    # (where, key, what it does)
    ("Everywhere", "Tab / Shift+Tab", "Move to the next / previous field"),
    (
        "Everywhere",
        "Enter",
        "Next field, as Tab (drop-downs and tick boxes too, never ticks or opens); "
        "on the last field, the next step",
    ),
    ("Everywhere", "Space", "Tick / untick a box; press a button; open a drop-down"),
    ("Everywhere", "Letters", "On a drop-down: choose by the first letters (f: female)"),
    ("Everywhere", "F1  or  ?", "This help (? only when not typing in a field)"),
    (
        "Everywhere",
        "PgUp / PgDn",
        "Scroll a page; Home / End: top / bottom (in a text field they move the cursor); "
        "Up / Down and the wheel also scroll. '▼ more below' means there is more",
    ),
    ("Everywhere", "Ctrl+L", "Lock the screen now"),
    ("Everywhere", "Ctrl+O", "Sign out (asks first during an intake; its draft is kept)"),
    ("Sign-in", "Ctrl+Q", "Quit the kiosk (only when nobody is signed in)"),
    ("Patient list", "Ctrl+F", "Search by name, date of birth or MRN"),
    ("Patient list", "Ctrl+R", "Register a new patient"),
    ("Patient list", "Down", "From the search box to the list, on its first row (marked ▶)"),
    ("Patient list", "Enter", "In the list: open the patient marked ▶"),
    ("Patient list", "Enter", "In the search box: one match opens; several go to the list"),
    ("Confirm identity", "Ctrl+N", "Continue once name and date of birth are confirmed"),
    ("Every step", "Ctrl+N", "Next step (checks every field first)"),
    ("Every step", "Esc  or  Ctrl+B", "Back; everything typed is kept"),
    ("Every step", "Ctrl+E", "Leave the intake (asks; the draft is kept)"),
    ("Demographics", "Ctrl+P", "Mark the visit self-pay"),
    ("History", "Ctrl+A", "Add a row to the focused list"),
    ("History", "Ctrl+D", "Remove the focused row"),
    ("History", "Ctrl+K", "Mark the history reviewed"),
    ("Vitals", "Ctrl+R", "Repeat blood pressure (every reading is saved)"),
    ("Vitals", "Ctrl+T", "Mark the focused reading not taken: refused, not done, unable"),
    ("Vitals", "Enter", "Next measurement (stays on a field with an error)"),
    ("Point-of-care", "Left / Right", "Choose a dipstick result"),
    ("Point-of-care", "Up / Down", "Previous / next dipstick pad (Enter: next pad too)"),
    ("Review", "Ctrl+K", "Provider notified of the critical values"),
    ("Review", "Ctrl+G", "Sign (also the Sign button)"),
    ("Questions", "Tab  or  Left / Right", "Move between the answers"),
    ("Questions", "Enter", "Choose the highlighted answer"),
    ("Questions", "Esc", "The safe answer (stay, keep the draft)"),
]


def key_table() -> Table:
    """KEYS as a table whose last column wraps, so nothing is cut off at 80 columns."""
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Where", no_wrap=True, style="dim")
    table.add_column("Key", no_wrap=True, style="bold")
    table.add_column("What it does", ratio=1)
    previous = ""
    for where, key, what in KEYS:
        table.add_row(where if where != previous else "", key, what)
        previous = where
    return table


class HelpScreen(ModalScreen[None]):
    """Lists KEYS; Esc, F1, ? or the Close button return to where the MA was."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,enter", "close", "Close", priority=True),
        *SCROLL_KEYS,
    ]

    def compose(self) -> ComposeResult:
        with ScrollBody(id="help-body"):
            yield Label("Keys  —  every key also has a button on screen", id="help-title")
            yield Static(key_table(), id="help-keys")
        yield Button("Close  Esc", id="help-close", variant="primary", action="screen.close")

    def action_scroll_body(self, how: ScrollHow) -> None:
        scroll_body(self, how)

    def action_close(self) -> None:
        self.dismiss(None)
