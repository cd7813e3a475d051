"""Urine dipstick: one row of tap targets per analyte, reachable and changeable by keyboard.

Each analyte is a :class:`ChoiceRow` — a horizontal ``RadioSet`` whose first choice is
"not done" (the default: nothing is required). Left/Right move *and* choose, as in a native radio
group; Up/Down and Enter move to the next row. A pad is read with one key too — n negative,
t trace, 1-4 for 1+ to 4+, p positive — and the focus moves on to the next pad, so a strip is
typed as it is read ("nnt…"); Backspace sets a pad back to "not done".
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
PAD_KEYS: dict[str, tuple[str, str]] = {
    # key: (result, help text); a key whose result a pad does not have rings the bell
    "n": ("negative", "Pad result: negative, then the next pad"),
    "t": ("trace", "Pad result: trace, then the next pad"),
    **{str(n): (f"{n}+", "Pad result: 1+ to 4+ (1-4), then the next pad") for n in range(1, 5)},
    "p": ("positive", "Pad result: positive (nitrite), then the next pad"),
}


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
            "right",
            "choose(1)",
            "Next choice",
            show=False,
            priority=True,  # as the key is read: "Right Down Right" in one burst reads two pads
            id="dipstick.right",
            tooltip=CHOOSE,
        ),
        Binding(
            "left",
            "choose(-1)",
            "Previous choice",
            show=False,
            priority=True,
            id="dipstick.left",
            tooltip=CHOOSE,
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
            priority=True,
            id="dipstick.next",
            tooltip="Next dipstick pad",
        ),
        Binding(
            "up",
            "app.focus_previous",
            "Previous row",
            show=False,
            priority=True,
            id="dipstick.previous",
            tooltip="Previous dipstick pad",
        ),
        *(
            Binding(
                key,
                f"read({result!r})",
                result,
                show=False,
                priority=True,  # the focus moves as the key is read: "nnt" fills three pads
                id=f"dipstick.read_{key}",
                tooltip=text,
            )
            for key, (result, text) in PAD_KEYS.items()
        ),
        Binding(
            "backspace,delete",
            "read('')",
            "Not done",
            show=False,
            priority=True,
            id="dipstick.not_done",
            tooltip="Pad result: back to not done",
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
        """Choose at once: ``value`` reads the new choice straight away (a Next read in the
        same burst of keys sees it), not once the set has handled its buttons' messages."""
        index = self.choices.index(choice) if choice in self.choices else 0
        button = self._nodes[index]
        if not isinstance(button, RadioButton):
            return
        old = self._pressed_button
        if old is not button:
            with self.prevent(RadioButton.Changed):
                if old is not None:
                    old.value = False
                button.value = True
            self._pressed_button = button
            self.post_message(self.Changed(self, button))
        self._selected = index

    def action_read(self, result: str) -> None:
        """One key per pad: choose ``result`` and move on to the next field ("" is "not
        done", and stays). A result this pad does not have ("p" on glucose) rings the bell."""
        if result and result not in self.choices:
            self.app.bell()
            return
        self.value = result or None
        if result:
            self.screen.focus_next()

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
