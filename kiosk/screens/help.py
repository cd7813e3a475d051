"""The help screen: every key the kiosk knows, in one list.

KEYS is the single list of keys; each engineer adds the lines for their own step here, so the
help screen and the footer never disagree.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
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
    ("Registration", "Enter", "Next field, the Sex drop-down too; on the last, Continue"),
    ("Registration", "Letters", "On Sex: f female, m male, o other, u unknown"),
    ("Registration", "Ctrl+N", "Continue (checks every field first)"),
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


WHERE_WIDTH = max(len(where) for where, _, _ in KEYS)
KEY_WIDTH = max(len(key) for _, key, _ in KEYS)


def sections() -> list[str]:
    """The "where" names of KEYS, in order, each once."""
    return list(dict.fromkeys(where for where, _, _ in KEYS))


def key_table(section: str | None = None, *, header: bool = True) -> Table:
    """KEYS (or one section of them) as a table whose last column wraps, so nothing is cut
    off at 80 columns. Fixed widths for the first two columns: the sections line up."""
    table = Table(
        box=None,
        expand=True,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
        show_header=header,
    )
    table.add_column("Where", no_wrap=True, style="dim", width=WHERE_WIDTH)
    table.add_column("Key", no_wrap=True, style="bold", width=KEY_WIDTH)
    table.add_column("What it does", ratio=1)
    previous = ""
    for where, key, what in KEYS:
        if section is not None and where != section:
            continue
        table.add_row(where if where != previous else "", key, what)
        previous = where
    return table


HINT = (
    "Space ticks a box or presses a button · Enter moves on to the next field · "
    "PgUp / PgDn, Home / End, the arrows or the wheel scroll this list"
)
"""Always in view above the list, whichever section the help opens at."""

SECTION_OF_SCREEN: dict[str, str] = {
    "SignInScreen": "Sign-in",
    "PatientScreen": "Patient list",
    "RegisterScreen": "Registration",
    "IdentityScreen": "Confirm identity",
    "DemographicsScreen": "Demographics",
    "HistoryScreen": "History",
    "VitalsScreen": "Vitals",
    "PocScreen": "Point-of-care",
    "ReviewScreen": "Review",
    "ConfirmModal": "Questions",
}
"""Where the help opens, by the screen it was asked from; other steps open at "Every step"."""


def section_for(screen: Screen[object]) -> str:
    name = type(screen).__name__
    if name in SECTION_OF_SCREEN:
        return SECTION_OF_SCREEN[name]
    return "Every step" if hasattr(screen, "STEP") else "Everywhere"


def section_id(section: str) -> str:
    return "help-" + "".join(c if c.isalnum() else "-" for c in section.lower())


class HelpScreen(ModalScreen[None]):
    """Lists KEYS, opened at the section of the screen it was asked from (the keys that work
    everywhere are one PgUp or Home away); Esc, F1, ? or the Close button return to where
    the MA was."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,enter", "close", "Close", priority=True),
        *SCROLL_KEYS,
    ]

    def __init__(self, section: str = "Everywhere") -> None:
        super().__init__()
        self.section = section if section in sections() else "Everywhere"

    def compose(self) -> ComposeResult:
        yield Static(HINT, id="help-hint")
        with ScrollBody(id="help-body"):
            yield Label("Keys  —  every key also has a button on screen", id="help-title")
            with Vertical(id="help-keys"):
                for index, section in enumerate(sections()):
                    yield Static(
                        key_table(section, header=index == 0),
                        id=section_id(section),
                        classes="help-section",
                    )
        yield Button("Close  Esc", id="help-close", variant="primary", action="screen.close")

    def on_mount(self) -> None:
        self.call_after_refresh(self._open_at_section)

    def _open_at_section(self) -> None:
        if self.section == sections()[0]:
            return  # the top already
        shown = self.query_one(f"#{section_id(self.section)}")
        self.query_one("#help-body", ScrollBody).scroll_to_widget(shown, top=True, animate=False)

    def action_scroll_body(self, how: ScrollHow) -> None:
        scroll_body(self, how)

    def action_close(self) -> None:
        self.dismiss(None)
