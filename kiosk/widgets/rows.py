"""Editable lists of rows (allergies, medications, ...): add, remove, keep their ids stable.

Each row's widgets are named ``{prefix}-{n}-{field}`` with ``n`` never reused within a list,
so raw text kept under those ids after Back lands in the same row again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static

from kiosk.validators.text import visible
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.tick import Tick


@dataclass(frozen=True)
class Column:
    """One field of a row: an Input (placeholder), a Checkbox (label) or a Select (options)."""

    name: str
    placeholder: str
    kind: str = "input"  # "input" | "check" | "select"
    options: tuple[str, ...] = ()
    width: str = "1fr"
    default: str = ""
    """Initial text of a new row (``"1"`` ticks a checkbox)."""


class Row(Horizontal):
    """One row of a RowList, with its Remove button."""

    DEFAULT_CSS = """
    Row { height: auto; width: 1fr; }
    Row > Input { width: 1fr; margin-right: 1; }
    Row > Select { margin-right: 1; }
    Row > Checkbox { width: auto; }
    Row > Button { width: 5; min-width: 5; }
    """

    def __init__(
        self, prefix: str, n: int, columns: Sequence[Column], values: dict[str, str]
    ) -> None:
        super().__init__(id=f"{prefix}-{n}", classes="history-row")
        self.prefix, self.n, self.columns, self.values = prefix, n, columns, values

    def compose(self) -> ComposeResult:
        for col in self.columns:
            wid = f"{self.prefix}-{self.n}-{col.name}"
            value = self.values.get(col.name, col.default)
            widget: Widget
            if col.kind == "check":
                widget = Tick(col.placeholder, value=value == "1", id=wid)
            elif col.kind == "select":
                widget = Select(
                    [(o, o) for o in col.options],
                    allow_blank=False,
                    value=value if value in col.options else col.options[-1],
                    id=wid,
                )
            else:
                widget = VisibleInput(
                    value=value, placeholder=col.placeholder, id=wid, max_length=200
                )
            widget.styles.width = col.width
            yield widget
        yield Button(
            "✕",
            id=f"{self.prefix}-{self.n}-remove",
            classes="row-remove small",
            tooltip="Remove this row",
            action=f"screen.remove_row('{self.prefix}-{self.n}')",
        )

    def texts(self) -> dict[str, str]:
        """The row's values as text by column name."""
        out: dict[str, str] = {}
        for col in self.columns:
            widget = self.query_one(f"#{self.prefix}-{self.n}-{col.name}")
            if isinstance(widget, Input):
                out[col.name] = widget.value.strip()
            elif isinstance(widget, Checkbox):
                out[col.name] = "1" if widget.value else "0"
            elif isinstance(widget, Select):
                out[col.name] = str(widget.value)
        return out

    def is_blank(self) -> bool:
        return not any(
            self.query_one(f"#{self.prefix}-{self.n}-{c.name}", Input).value.strip()
            for c in self.columns
            if c.kind == "input"
        )


class RowList(Vertical):
    """A titled list of rows with an Add button."""

    DEFAULT_CSS = """
    RowList { height: auto; width: 1fr; }
    RowList > .rowlist-head { height: auto; }
    RowList > .rowlist-head { margin-top: 1; }
    RowList > .rowlist-head > Static { width: 1fr; text-style: bold; }
    RowList > .rowlist-head > Button { width: auto; min-width: 10; }
    RowList > .rowlist-message { color: $text-error; text-style: bold; height: auto; }
    """

    def __init__(
        self,
        title: str,
        prefix: str,
        columns: Sequence[Column],
        rows: Sequence[tuple[int, dict[str, str]]],
    ) -> None:
        super().__init__(id=f"{prefix}-list")
        self.title, self.prefix, self.columns = title, prefix, tuple(columns)
        self._initial = list(rows)
        self.next_n = max((n for n, _ in rows), default=-1) + 1

    def compose(self) -> ComposeResult:
        with Horizontal(classes="rowlist-head"):
            hint = " · ".join(
                c.placeholder.split(",")[0] for c in self.columns if c.kind == "input"
            )
            yield Static(f"{self.title}  [dim]({hint})[/]" if hint else self.title)
            yield Button(
                "+ Add",
                id=f"{self.prefix}-add",
                classes="small",
                action=f"screen.add_row('{self.prefix}')",
            )
        for n, values in self._initial:
            yield Row(self.prefix, n, self.columns, values)
        message = Static("", classes="rowlist-message", markup=False)
        message.display = False
        yield message

    def rows(self) -> list[Row]:
        return list(self.query_children(Row))

    async def add_row(self) -> Row:
        row = Row(self.prefix, self.next_n, self.columns, {})
        self.next_n += 1
        await self.mount(row, before=self.query_one(".rowlist-message"))
        return row

    def show_message(self, message: str) -> None:
        widget = self.query_one(".rowlist-message", Static)
        widget.update(visible(message))
        widget.display = bool(message)
