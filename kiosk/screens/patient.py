"""The patient list: today's patients, a search by name, date of birth or MRN, registration.

The screen knows nothing about the store: the flow hands it two look-ups (``today`` and
``find``) that run in a thread, and it dismisses with the chosen Patient, the string
``"register"`` (new patient), or None (sign out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar, Literal

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import Button, DataTable, Header, Input, Label, Static

from kiosk.models import Patient
from kiosk.models.rooming import Thresholds
from kiosk.screens.base import ENTER, advance, after_pending_keys
from kiosk.screens.patient_rows import COLUMNS, cells, urgency_order
from kiosk.screens.patient_rows import visit_text as visit_text
from kiosk.screens.rooming import Board, RoomsModal, StatusModal
from kiosk.screens.styled_once import StyledOnce, size_classes
from kiosk.store.queries import Visit
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert, inert_cell
from kiosk.widgets.navbar import KeyLine

PatientChoice = Patient | Literal["register"] | None
Lookup = Callable[[str], Sequence[Patient]]
Today = Callable[[], Sequence[Visit]]


POLL_S = 1.0
"""How often the list looks whether another kiosk changed the rooming board (two stats)."""
REDRAW_S = 30.0
"""How often waiting times are redrawn from what is already loaded (no read)."""


class PatientScreen(StyledOnce, Screen[PatientChoice]):
    """Pick the patient in the room (or register a new one)."""

    TITLE = "Patient"
    AUTO_FOCUS = "#patient-search"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+f",
            "search",
            "Search",
            priority=True,
            id="patient.search",
            tooltip="Search by name, date of birth or MRN",
        ),
        Binding(
            "ctrl+r",
            "register",
            "New patient",
            priority=True,
            id="patient.register",
            tooltip="Register a new patient",
        ),
        Binding(
            "ctrl+n",
            "open",
            "Open",
            priority=True,
            id="patient.open",
            tooltip="Open the patient marked ▶",
        ),
        # priority: the focus moves while the app reads Down, so an Enter read next opens
        # the row that is marked, not whatever the list had before
        Binding(
            "down",
            "to_list",
            "To the list",
            show=False,
            priority=True,
            id="patient.to_list",
            tooltip="From the search box to the list, on its first row (marked ▶)",
        ),
        Binding(
            "ctrl+t",
            "status",
            "Status",
            show=False,  # the Status button names it: the key line is full at 80 columns
            priority=True,
            id="patient.status",
            tooltip="Move the patient's visit on: arrived, roomed, ready, provider in, done",
        ),
        Binding(
            "ctrl+u",
            "rooms",
            "Rooms",
            show=False,
            priority=True,
            id="patient.rooms",
            tooltip="Every room's state; record a room's turnover checklist",
        ),
        ENTER,
    ]

    def __init__(
        self,
        today: Today,
        find: Lookup,
        left_out: Callable[[], int] = lambda: 0,
        *,
        board: Board | None = None,
        own_room: str = "",
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        super().__init__()
        self.add_class(*size_classes(self))  # styled once for the terminal's size
        self._today = today
        self._find = find
        self._left_out = left_out
        """How many stored records could not be read (not listed; ``kiosk check`` names them)."""
        self._rows: list[Patient] = []
        self._marked: int | None = None
        """The row showing the "▶" marker, if any."""
        self.shown_query: str | None = None
        """The query whose results are on screen ("" for today's list); None before the first."""
        self.board = board
        """Today's rooming board (None: no rooming, the list as before)."""
        self.own_room = own_room
        self.now = now
        self._limits = board.settings.thresholds if board is not None else Thresholds()
        self._visits: dict[str, Visit] = {}
        self._stamp: object = None
        self.refreshes = 0
        """How many times the list was loaded (a test waits for a refresh)."""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(id="patient-body"):
            yield Label("Search by name, date of birth or MRN", classes="field-label")
            yield VisibleInput(
                placeholder="e.g. rivera  ·  1984-03-07  ·  MRN", id="patient-search"
            )
            yield Static("Today's patients", id="patient-heading", classes="section-title")
            table: DataTable[str | Text] = DataTable(
                id="patient-table", cursor_type="row", cell_padding=0
            )
            for key, label in COLUMNS:
                table.add_column(label, key=key, width=2 if key == "mark" else None)
            yield table
            yield Static("", id="patient-empty", classes="hint")
        with Horizontal(id="patient-buttons", classes="buttons"):
            yield Button("New  ^R", id="patient-register", action="screen.register")
            if self.board is not None:
                yield Button("Status  ^T", id="patient-status", action="screen.status")
                yield Button("Rooms  ^U", id="patient-rooms", action="screen.rooms")
            yield Button("Sign out  ^O", id="patient-signout", action="app.sign_out")
            yield Button("Open  Enter", id="patient-open", variant="primary", action="screen.open")
        yield KeyLine(id="keyline")

    def on_mount(self) -> None:
        staff = getattr(self.app, "staff_id", None)
        self.sub_title = f"signed in: {staff}" if staff else ""
        self._lookup("")
        if self.board is not None:
            self._stamp = self.board.stamp()
            self.set_interval(POLL_S, self._poll)
            self.set_interval(REDRAW_S, self._redraw)

    def _poll(self) -> None:
        """Another kiosk (or this one) changed the board: load the list again."""
        if self.board is None:
            return
        stamp = self.board.stamp()
        if stamp != self._stamp:
            self._stamp = stamp
            self._lookup(self.shown_query or "")

    def _redraw(self) -> None:
        """Waiting times grow with the clock: redraw from the rows already loaded."""
        if self.shown_query is not None:
            self._show(self.shown_query, self._rows, self._visits)

    # ------------------------------------------------------------------ looking up

    def on_input_changed(self, event: Input.Changed) -> None:
        self._lookup(event.value.strip())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("enter_field", "to_list"):  # from the search box only
            return isinstance(self.focused, Input)
        if action in ("status", "rooms"):
            return self.board is not None
        return True

    def action_enter_field(self) -> None:
        """Enter in the search: one match opens, several go to the list. Decided once the
        field has every key typed before Enter, on the whole query (not a stale result)."""
        search = self.query_one("#patient-search", Input)
        advance(self, [search], lambda: self._search_entered(search.value.strip()))

    def _search_entered(self, query: str) -> None:
        rows, visits = self._rows_for(query)
        self._show(query, rows, visits)
        if len(rows) == 1:
            self.dismiss(rows[0])
        elif rows:  # several: to the list, the first one marked; Enter there opens it
            self.action_to_list()

    def action_to_list(self) -> None:
        """Down (or Enter with several matches) in the search box: into the list, on its first
        row. The table is not sent the key, so its cursor does not move on to the second."""
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=0, column=0, animate=False)
            # at once, not Widget.focus() (queued): an Enter typed right after Down (one
            # burst over SSH) must reach the list, not the search box it is leaving
            self.set_focus(table)

    @work(exclusive=True, group="lookup", thread=True, exit_on_error=False)
    def _lookup(self, query: str) -> None:
        rows, visits = self._rows_for(query)
        self.app.call_from_thread(self._show, query, rows, visits)

    def _rows_for(self, query: str) -> tuple[list[Patient], dict[str, Visit]]:
        """The patients to list and today's visit of each (search results show it too)."""
        today = list(self._today())
        visits = {visit.patient.id: visit for visit in today}
        rows = list(self._find(query)) if query else [visit.patient for visit in today]
        return rows, visits

    def _show(self, query: str, rows: list[Patient], visits: dict[str, Visit]) -> None:
        table = self.query_one(DataTable)
        keep = self._rows[table.cursor_row].id if 0 <= table.cursor_row < len(self._rows) else None
        now = self.now()
        if not query:
            rows = urgency_order(rows, visits, now, self._limits)
        self._rows = rows
        self._visits = visits
        self.shown_query = query
        self.refreshes += 1
        heading = f"Matches for “{query}”" if query else "Today's patients"
        self.query_one("#patient-heading", Static).update(inert(heading))
        table.clear()
        self._marked = None
        shown = [cells(patient, visits.get(patient.id), now, self._limits) for patient in rows]
        for row in shown:
            table.add_row(*(c if isinstance(c, Text) else inert_cell(c) for c in row))
        # DataTable sizes auto-width columns on its next idle; a frame painted before that
        # (a loaded host) is cached at the header widths and stays so ("RIVE", "1984"). Size
        # the columns now, from the same text.
        for column, texts in zip(table.ordered_columns, zip(*shown, strict=True), strict=False):
            if column.auto_width:
                widths = (cell_len(t) if isinstance(t, str) else t.cell_len for t in texts)
                # one blank after each column: no cell padding, so 80 columns hold the row
                column.content_width = max(cell_len(str(column.label)), *widths) + 1
        ids = [p.id for p in rows]
        if keep in ids and table.has_focus:  # the MA's row stays under the cursor
            table.move_cursor(row=ids.index(keep), animate=False)
        empty = (
            ""
            if rows
            else (
                "No patient matches. Check the spelling, or register a new patient (Ctrl+R)."
                if query
                else "No patients yet today."
            )
        )
        if skipped := self._left_out():
            records = "record" if skipped == 1 else "records"
            unreadable = f"{skipped} stored {records} could not be read and may be missing here:"
            empty = f"{empty}  {unreadable} tell the clinic's IT (kiosk check)".strip()
        self.query_one("#patient-empty", Static).update(empty)
        self._mark()

    # ------------------------------------------------------------------ the row marker

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._mark()

    def on_descendant_focus(self) -> None:
        self._mark()

    def on_descendant_blur(self) -> None:
        self._mark()

    def _mark(self) -> None:
        """ "▶" on the highlighted row while the list has the focus: the row Enter opens is
        seen without colour (16 colours, a monochrome terminal, a screen reader's text)."""
        table = self.query_one(DataTable)
        row = table.cursor_row if table.has_focus and table.row_count else None
        if row == self._marked:
            return
        if self._marked is not None and self._marked < table.row_count:
            table.update_cell_at(Coordinate(self._marked, 0), " ")
        if row is not None:
            table.update_cell_at(Coordinate(row, 0), "▶")
        self._marked = row

    # ------------------------------------------------------------------ actions

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open_row(event.cursor_row)

    def action_open(self) -> None:
        after_pending_keys(self, self._open)

    def _open(self) -> None:
        if not self.is_current:
            return
        table = self.query_one(DataTable)
        if self._rows:
            self._open_row(table.cursor_row)
        else:
            self.notify("Search for the patient first, or register a new one.")

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.dismiss(self._rows[row])

    def action_search(self) -> None:
        self.query_one("#patient-search", Input).focus()

    def action_register(self) -> None:
        self.dismiss("register")

    def _cursor_patient(self) -> Patient | None:
        row = self.query_one(DataTable).cursor_row
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def action_status(self) -> None:
        patient = self._cursor_patient()
        if self.board is None:
            return
        if patient is None:
            self.notify("Search for the patient first.")
            return
        visit = self._visits.get(patient.id)
        record = visit.rooming if visit is not None else None
        modal = StatusModal(self.board, patient, record, own_room=self.own_room)
        self.app.push_screen(modal, self._changed)

    def _changed(self, _record: object) -> None:
        self._lookup(self.shown_query or "")

    def action_rooms(self) -> None:
        if self.board is not None:
            self.app.push_screen(RoomsModal(self.board))

    def cancel(self) -> None:
        """Sign-out from the app: leave the list without a patient."""
        self.dismiss(None)
