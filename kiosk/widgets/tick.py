"""A checkbox whose box shows its state as a character, not only as a colour.

Textual draws an "X" in the box whether it is ticked or not and tells them apart by colour;
on a 16-colour terminal, a monochrome screen or a colour-blind reader's eyes, "Name confirmed"
ticked and unticked then look the same. Here the box is "X" when ticked and empty when not.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    """A Checkbox with an unambiguous box: ``▐X▌`` ticked, ``▐ ▌`` not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "
