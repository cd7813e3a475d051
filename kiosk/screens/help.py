"""The help screen: every key the kiosk knows, in one list, made from the bindings.

Each binding carries an ``id`` and a ``tooltip`` (what it does, for this list); :data:`SECTIONS`
names whose bindings each section shows, so the help lists exactly what is bound and cannot
drift from the keys. A step adds its bindings with tooltips and one line here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, Static

from kiosk.screens.base import ENTER_CHOICE, StepScreen
from kiosk.screens.complaint import ComplaintScreen
from kiosk.screens.demographics import DemographicsScreen
from kiosk.screens.history import HistoryScreen
from kiosk.screens.identity import IdentityScreen
from kiosk.screens.keys import APP_BINDINGS, ENTER
from kiosk.screens.patient import PatientScreen
from kiosk.screens.patient_mode import QuestionsScreen
from kiosk.screens.poc import PocScreen
from kiosk.screens.procedure import ProcedureModal
from kiosk.screens.register import RegisterScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.rooming import RoomsModal, StatusModal
from kiosk.screens.screenings import ScreeningsScreen
from kiosk.screens.signin import SignInScreen
from kiosk.screens.vitals import VitalsScreen
from kiosk.widgets.confirm import ConfirmModal
from kiosk.widgets.dipstick import ChoiceRow
from kiosk.widgets.navbar import key_name
from kiosk.widgets.scroll import SCROLL_KEYS, ScrollBody, ScrollHow, scroll_body

KeyOwner = type[DOMNode] | Sequence[BindingType]
"""A class whose own BINDINGS, or a list of bindings, a section shows."""

SECTIONS: list[tuple[str, list[KeyOwner], list[tuple[str, str]]]] = [
    # (where, whose bindings, keys handled by widgets rather than bindings: (key, what))
    (
        "Everywhere",
        [APP_BINDINGS, [ENTER, ENTER_CHOICE], SCROLL_KEYS],
        [("Letters", "On a drop-down: choose by the first letters (f: female)")],
    ),
    ("Sign-in", [SignInScreen], []),
    (
        "Patient list",
        [PatientScreen],
        [
            ("Enter", "In the list: open the patient marked ▶"),
            ("Enter", "In the search box: one match opens; several go to the list"),
        ],
    ),
    (
        "Registration",
        [RegisterScreen],
        [("Letters", "On Sex: f female, m male, o other, u unknown")],
    ),
    ("Confirm identity", [IdentityScreen], []),
    ("Every step", [StepScreen], []),
    ("Demographics", [DemographicsScreen], []),
    ("History", [HistoryScreen], []),
    ("Chief complaint", [ComplaintScreen], []),
    ("Screenings", [ScreeningsScreen], []),
    (
        "Screening questions",
        [QuestionsScreen],
        [("Enter, Space", "Choose the highlighted answer")],
    ),
    ("Vitals", [VitalsScreen], [("Enter", "Next measurement (stays on a field with an error)")]),
    ("Point-of-care", [PocScreen, ChoiceRow], []),
    ("Review", [ReviewScreen], []),
    ("Questions", [ConfirmModal], [("Enter", "Choose the highlighted answer")]),
    (
        "Rooming",
        [StatusModal, RoomsModal, ProcedureModal],
        [("Space", "Tick a turnover item; press the highlighted button")],
    ),
]
"""The help's sections, in order. Rows come from the bindings' ``tooltip`` (keys with the same
text share a row), so the help lists exactly the keys that are bound."""


def bindings_of(owner: KeyOwner) -> list[Binding]:
    """A class's own bindings (not those it inherits), or the bindings of a list."""
    listed = owner.__dict__.get("BINDINGS", []) if isinstance(owner, type) else owner
    return [b for b in listed if isinstance(b, Binding) and not b.system]


def _rows(owners: list[KeyOwner], shown: set[int]) -> list[tuple[str, str]]:
    keys: dict[str, list[str]] = {}
    for owner in owners:
        for binding in bindings_of(owner):
            if id(binding) in shown or not binding.tooltip:
                continue
            shown.add(id(binding))
            names = keys.setdefault(binding.tooltip, [])
            names += [key_name(k.strip()) for k in binding.key.split(",")]
    return [("  or  ".join(dict.fromkeys(names)), what) for what, names in keys.items()]


def key_rows() -> list[tuple[str, str, str]]:
    """(where, key, what it does) for every section; a binding shared by several screens is
    listed once, where it first appears."""
    shown: set[int] = set()
    rows: list[tuple[str, str, str]] = []
    for where, owners, behaviours in SECTIONS:
        rows += [(where, key, what) for key, what in _rows(owners, shown) + behaviours]
    return rows


KEYS = key_rows()


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
    "ComplaintScreen": "Chief complaint",
    "ScreeningsScreen": "Screenings",
    "QuestionsScreen": "Screening questions",
    "VitalsScreen": "Vitals",
    "PocScreen": "Point-of-care",
    "ReviewScreen": "Review",
    "ConfirmModal": "Questions",
    "StatusModal": "Rooming",
    "RoomsModal": "Rooming",
    "ProcedureModal": "Rooming",
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
        Binding(
            "escape,f1,question_mark,enter",
            "close",
            "Close",
            priority=True,
            id="help.close",
            tooltip="Close the help",
        ),
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
