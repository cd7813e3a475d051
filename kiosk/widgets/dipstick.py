"""Urine dipstick: one row of tap targets per analyte, reachable and changeable by keyboard.

Each analyte is a :class:`ChoiceRow` — a horizontal ``RadioSet`` whose first choice is
"not done" (the default: nothing is required). Left/Right move *and* choose, as in a native radio
group, so reading a strip is one arrow key per pad; Up/Down and Enter move to the next row.
A chosen abnormal result (anything above negative) is drawn bold in the warning colour; the
result itself is a word ("2+", "positive"), so nothing depends on colour alone.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Label, RadioButton, RadioSet

NOT_DONE = "not done"

LEVELS: tuple[str, ...] = ("negative", "trace", "1+", "2+", "3+", "4+")
"""Semi-quantitative pads (glucose, bilirubin, ketones, blood, protein, urobilinogen,
leukocytes) — the model's DipstickLevel."""

NITRITE: tuple[str, ...] = ("negative", "positive")

PH_VALUES: tuple[str, ...] = tuple(f"{5.0 + 0.5 * i:.1f}" for i in range(9))
"""5.0 to 9.0 in 0.5 steps."""

SG_VALUES: tuple[str, ...] = tuple(f"{1.000 + 0.005 * i:.3f}" for i in range(7))
"""1.000 to 1.030 in the strip's 0.005 steps."""

ANALYTE_LABELS: dict[str, str] = {
    "glucose": "Glucose",
    "bilirubin": "Bilirubin",
    "ketones": "Ketones",
    "blood": "Blood",
    "protein": "Protein",
    "urobilinogen": "Urobilinogen",
    "leukocytes": "Leukocytes",
    "nitrite": "Nitrite",
    "ph": "pH",
    "specific_gravity": "Specific grav.",
}


class ChoiceButton(RadioButton):
    """A radio button whose dot is there only when chosen: the state reads without colour
    (Textual draws the same dot in both states and tells them apart by colour alone)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "


CHOOSE = "Choose the next / previous dipstick result"


class ChoiceRow(RadioSet, inherit_bindings=False):
    """A horizontal radio group; ``value`` is the chosen label, or None for "not done"."""

    DEFAULT_CSS = """
    ChoiceRow {
        layout: horizontal;
        width: 1fr;
        height: auto;
        border: none;
        padding: 0;
        overflow: hidden hidden;
        background: transparent;
        &:focus { border: none; background-tint: $foreground 8%; }
        & > RadioButton { width: auto; padding: 0; height: 1; }
        & > RadioButton.-abnormal.-on > .toggle--label { color: $text-warning; text-style: bold; }
        &:blur > RadioButton.-selected > .toggle--label { background: transparent; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "right", "choose(1)", "Next choice", show=False, id="dipstick.right", tooltip=CHOOSE
        ),
        Binding(
            "left", "choose(-1)", "Previous choice", show=False, id="dipstick.left", tooltip=CHOOSE
        ),
        Binding(
            "space",
            "toggle_button",
            "Choose",
            show=False,
            id="dipstick.choose",
            tooltip="Choose the highlighted result",
        ),
        Binding(
            "down,enter",
            "app.focus_next",
            "Next row",
            show=False,
            id="dipstick.next",
            tooltip="Next dipstick pad",
        ),
        Binding(
            "up",
            "app.focus_previous",
            "Previous row",
            show=False,
            id="dipstick.previous",
            tooltip="Previous dipstick pad",
        ),
    ]

    def __init__(
        self,
        choices: tuple[str, ...],
        *,
        value: str | None = None,
        normal: tuple[str, ...] = ("negative",),
        id: str | None = None,
    ) -> None:
        self.choices: tuple[str, ...] = (NOT_DONE, *choices)
        chosen = value if value in choices else NOT_DONE
        buttons = [
            ChoiceButton(
                label,
                value=label == chosen,
                classes="" if label in (NOT_DONE, *normal) else "-abnormal",
            )
            for label in self.choices
        ]
        super().__init__(*buttons, id=id, compact=True)

    def on_mount(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    @property
    def value(self) -> str | None:
        """The chosen result, or None when the pad was not read ("not done")."""
        index = self.pressed_index
        if index <= 0:
            return None
        return self.choices[index]

    @value.setter
    def value(self, choice: str | None) -> None:
        index = self.choices.index(choice) if choice in self.choices else 0
        button = self._nodes[index]
        if isinstance(button, RadioButton):
            button.value = True  # the set turns the others off and posts Changed
        self._selected = index

    def action_choose(self, step: int) -> None:
        """Move to the neighbouring choice and choose it (no wrap-around past the ends)."""
        current = self._selected if self._selected is not None else max(self.pressed_index, 0)
        target = min(max(current + step, 0), len(self.choices) - 1)
        if target != current or self.pressed_index != target:
            self.value = self.choices[target]


class DipstickField(Horizontal):
    """One analyte: its name and its row of choices."""

    DEFAULT_CSS = """
    DipstickField {
        height: auto;
        width: 1fr;
        & > .ds-label { width: 13; text-style: bold; }
    }
    """

    def __init__(
        self,
        analyte: str,
        choices: tuple[str, ...],
        *,
        value: str | None = None,
        normal: tuple[str, ...] = ("negative",),
        row_id: str,
    ) -> None:
        super().__init__(classes="dipstick-field")
        self.analyte = analyte
        self._row = ChoiceRow(choices, value=value, normal=normal, id=row_id)

    def compose(self) -> ComposeResult:
        yield Label(ANALYTE_LABELS.get(self.analyte, self.analyte), classes="ds-label")
        yield self._row

    @property
    def row(self) -> ChoiceRow:
        return self._row
