"""Rooming from the patient list: a visit's next status (Ctrl+T) and room turnover (Ctrl+U).

Both dialogs see the store only through :class:`Board` (the flow hands over
``store.rooming``). A change runs in a thread; a refusal (a move the rules do not allow, a
room that is not ready without a reason, a checklist not finished) is said under the field
and the dialog stays with everything typed; a change made is on the board at once, and every
patient list on the host shows it within a second (it polls the board's files).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar, Protocol

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Label, Select, Static

from kiosk.errors import KioskError
from kiosk.models import Patient
from kiosk.models.procedure import ProcedureAssist
from kiosk.models.rooming import (
    NEXT,
    STATUS_WORDS,
    Room,
    RoomingSettings,
    TurnoverRecord,
    VisitRecord,
    VisitStatus,
)
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert, inert_cell

BUTTON_WORDS: dict[VisitStatus, str] = {
    "arrived": "Arrived",
    "roomed": "Room the patient",
    "ready": "Intake done",
    "with-provider": "Provider in",
    "done": "Done",
}
IN_ROOM = ("roomed", "ready", "with-provider")
ROOM_WORDS = {"ready": "ready", "occupied": "occupied", "needs-turnover": "needs turnover"}
CANCEL = Binding(
    "escape",
    "close",
    "Close",
    priority=True,
    id="rooming.close",
    tooltip="Close without changing anything more",
)


class Board(Protocol):
    """What the dialogs and the patient list need of the rooming board (kiosk.store.rooming)."""

    settings: RoomingSettings

    def stamp(self) -> tuple[int, ...]: ...

    def board(self) -> dict[str, VisitRecord]: ...

    def rooms(self) -> list[Room]: ...

    def set_status(
        self, patient_id: str, status: VisitStatus, *, room: str = "", reason: str = ""
    ) -> VisitRecord: ...

    def complete_turnover(self, room: str, checked: list[str]) -> TurnoverRecord: ...

    def record_procedure(self, patient_id: str, assist: ProcedureAssist) -> VisitRecord: ...


def room_label(room: Room) -> str:
    return f"{room.name} ({ROOM_WORDS[room.state]})"


class StatusModal(ModalScreen[VisitRecord | None]):
    """Move one patient's visit on: a button per legal next status; rooming asks the room
    (each with its state) and, for a room that is not ready, why."""

    BINDINGS: ClassVar[list[BindingType]] = [CANCEL]

    def __init__(
        self,
        board: Board,
        patient: Patient,
        record: VisitRecord | None,
        *,
        own_room: str = "",
    ) -> None:
        super().__init__()
        self.board = board
        self.patient = patient
        self.record = record
        self.own_room = own_room

    def compose(self) -> ComposeResult:
        p = self.patient
        now = STATUS_WORDS[self.record.status] if self.record else "not arrived"
        where = f" in {self.record.room}" if self.record and self.record.room else ""
        with Vertical(id="status-box"):
            yield Label(
                inert(f"{p.family_name.upper()}, {p.given_name} (born {p.birth_date:%Y-%m-%d})"),
                id="status-patient",
            )
            yield Label(inert(f"Now: {now}{where}"), id="status-now")
            nexts = NEXT[self.record.status if self.record else None]
            if "roomed" in nexts:
                yield Label("Room", classes="field-label")
                names = [(inert(name), name) for name in self.board.settings.rooms]
                yield Select[str](names, id="status-room", allow_blank=False, compact=True)
                yield Label("Why this room, if it is not ready", classes="field-label")
                yield VisibleInput(id="status-reason", placeholder="e.g. only room with a scale")
            yield Static("", id="status-error", classes="error")
            with Horizontal(id="status-buttons", classes="buttons"):
                for status in nexts:
                    yield Button(
                        BUTTON_WORDS[status],
                        id=f"status-{status}",
                        variant="primary" if status == nexts[0] else "default",
                        action=f"screen.move('{status}')",
                    )
                if self.record is not None and self.record.status in IN_ROOM:
                    yield Button("Procedure…", id="status-procedure", action="screen.procedure")
                yield Button("Close  Esc", id="status-close", action="screen.close")

    def action_procedure(self) -> None:
        """The procedure-assist record of this visit (a dialog over this one)."""
        from kiosk.screens.procedure import ProcedureModal

        staff = str(getattr(self.app, "staff_id", "") or "")
        self.app.push_screen(ProcedureModal(self.board, self.patient, staff), self._recorded)

    def _recorded(self, record: VisitRecord | None) -> None:
        if record is not None:
            self.record = record
            self.query_one("#status-error", Static).update("Procedure recorded.")

    def on_mount(self) -> None:
        if self.query("#status-room"):
            self._load_rooms()
        self.query(Button).first().focus()

    @work(thread=True, exit_on_error=False, group="rooms")
    def _load_rooms(self) -> None:
        rooms = self.board.rooms()
        self.app.call_from_thread(self._show_rooms, rooms)

    def _show_rooms(self, rooms: Sequence[Room]) -> None:
        select = self.query_one("#status-room", Select)
        select.set_options([(inert(room_label(r)), r.name) for r in rooms])
        ready = [r.name for r in rooms if r.state == "ready"]
        mine = [r.name for r in rooms if r.name == self.own_room and r.state == "ready"]
        if mine or ready:
            select.value = (mine or ready)[0]

    def action_move(self, status: VisitStatus) -> None:
        room = reason = ""
        if status == "roomed":
            value = self.query_one("#status-room", Select).value
            room = value if isinstance(value, str) else ""
            reason = self.query_one("#status-reason", VisibleInput).value
        self._move(status, room, reason)

    @work(thread=True, exit_on_error=False, exclusive=True, group="move")
    def _move(self, status: VisitStatus, room: str, reason: str) -> None:
        try:
            record = self.board.set_status(self.patient.id, status, room=room, reason=reason)
        except (ValueError, KioskError) as error:
            self.app.call_from_thread(self._refused, str(error), status)
            return
        self.app.call_from_thread(self.dismiss, record)

    def _refused(self, message: str, status: VisitStatus) -> None:
        self.query_one("#status-error", Static).update(inert(message))
        if status == "roomed" and "not ready" in message:
            self.query_one("#status-reason", VisibleInput).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class RoomsModal(ModalScreen[TurnoverRecord | None]):
    """Every room and its state; tick the checklist and press "Turnover done" for the room
    highlighted in the list (who and when are recorded)."""

    BINDINGS: ClassVar[list[BindingType]] = [CANCEL]

    def __init__(self, board: Board, now: Callable[[], datetime] = datetime.now) -> None:
        super().__init__()
        self.board = board
        self.now = now
        self.rooms: list[Room] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="rooms-box"):
            yield Label("Rooms: pick one that needs turnover, tick each item", id="rooms-title")
            table: DataTable[str] = DataTable(id="rooms-table", cursor_type="row")
            table.add_columns("Room", "State", "Since", "Last turnover")
            yield table
            for n, item in enumerate(self.board.settings.turnover_checklist):
                yield Checkbox(inert(item), id=f"rooms-item-{n}", compact=True)
            yield Static("", id="rooms-error", classes="error")
            with Horizontal(id="rooms-buttons", classes="buttons"):
                yield Button(
                    "Turnover done", id="rooms-done", variant="primary", action="screen.done"
                )
                yield Button("Close  Esc", id="rooms-close", action="screen.close")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._load()

    @work(thread=True, exit_on_error=False, group="rooms")
    def _load(self) -> None:
        rooms = self.board.rooms()
        self.app.call_from_thread(self._show, rooms)

    def _show(self, rooms: list[Room]) -> None:
        self.rooms = rooms
        table = self.query_one(DataTable)
        table.clear()
        for room in rooms:
            since = f"{room.since.astimezone():%H:%M}" if room.since else ""
            last = room.last_turnover
            done = f"{last.by} {last.at.astimezone():%H:%M}" if last else ""
            cells = (room.name, ROOM_WORDS[room.state], since, done)
            table.add_row(*map(inert_cell, cells))
        waiting = next((n for n, r in enumerate(rooms) if r.state == "needs-turnover"), 0)
        table.move_cursor(row=waiting, animate=False)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """A ticked item says "done" in words (the box's X differs only by colour)."""
        n = int((event.checkbox.id or "-0").rsplit("-", 1)[1])
        item = self.board.settings.turnover_checklist[n]
        event.checkbox.label = inert(f"{item}  — done" if event.value else item)

    def action_done(self) -> None:
        if not self.rooms:
            return
        room = self.rooms[self.query_one(DataTable).cursor_row]
        items = self.board.settings.turnover_checklist
        checked = [
            item
            for n, item in enumerate(items)
            if self.query_one(f"#rooms-item-{n}", Checkbox).value
        ]
        self._complete(room.name, checked)

    @work(thread=True, exit_on_error=False, exclusive=True, group="turnover")
    def _complete(self, room: str, checked: list[str]) -> None:
        try:
            done = self.board.complete_turnover(room, checked)
        except (ValueError, KioskError) as error:
            self.app.call_from_thread(self._say, str(error))
            return
        self.app.call_from_thread(self.dismiss, done)

    def _say(self, message: str) -> None:
        self.query_one("#rooms-error", Static).update(inert(message))

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["Board", "RoomsModal", "StatusModal", "room_label"]
