"""The measurement text input, and the density switch for rows of measurement controls."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Input

MAX_TEXT = 40
"""Longest text a measurement field takes (the core reads at most this much)."""


class FieldInput(Input):
    """An Input whose virtual width does not follow its text.

    Textual's Input sets ``virtual_size`` from the text width on every change, and
    ``virtual_size`` is a layout-triggering reactive: each keystroke would lay out the whole
    vitals screen (~200 widgets, tens of ms on a slow kiosk). The text is capped at
    :data:`MAX_TEXT`, so a constant virtual width is always wide enough, scrolling still
    follows the cursor, and a keystroke only repaints.
    """

    @property
    def content_width(self) -> int:
        return max(super().content_width, MAX_TEXT + 1)


ROOMY_WIDTH = 100
ROOMY_HEIGHT = 40
"""From this size up, form widgets keep their borders (3-row touch targets)."""


def fit_density(screen: Screen[Any]) -> None:
    """Bordered touch targets when the terminal is roomy, compact 1-row widgets otherwise.

    The step base compacts by height alone; a measurement row holds four controls, so at 80
    columns it must stay compact even on a tall terminal. Sets ``-roomy`` on the screen (the
    stylesheet widens the controls then; DEFAULT_CSS is scoped and cannot see the screen).
    """
    roomy = screen.size.width >= ROOMY_WIDTH and screen.size.height >= ROOMY_HEIGHT
    screen.set_class(roomy, "-roomy")
    for widget in screen.query("#step-body Input, #step-body Select, #step-body Button.small"):
        widget.compact = not roomy  # type: ignore[attr-defined]
