"""A one-line trend of a patient's recent readings, drawn with unicode blocks.

Textual's ``Sparkline`` widget colours its bars by interpolating two colours, which is lost in
16 colours and says nothing to a colour-blind user; eight block heights (▁▂▃▄▅▆▇█) are legible
everywhere, fit beside a field at 80 columns, and are plain text a test can read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from textual.widgets import Label

BLOCKS = "▁▂▃▄▅▆▇█"
MAX_POINTS = 7
"""The trend shows at most this many readings (the newest ones)."""


def sparkline(values: Sequence[float | None], *, width: int = MAX_POINTS) -> str:
    """Unicode blocks for ``values`` (oldest first), scaled between their own min and max.

    Missing readings (None, NaN) are skipped. A flat series draws mid-height blocks, so "no
    change" never looks like "very low". Returns "" for fewer than two readings: one point is
    not a trend.
    """
    points = [float(v) for v in values if v is not None and math.isfinite(v)][-width:]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    if high - low < 1e-9:
        return BLOCKS[3] * len(points)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[round((p - low) / (high - low) * top)] for p in points)


class Trend(Label):
    """A sparkline label; ``set_values`` redraws it and hides it when there is no trend."""

    DEFAULT_CSS = """
    Trend {
        width: 8;
        height: 1;
        color: $text-primary;
        padding: 0 0 0 1;
        &.-empty { visibility: hidden; }
    }
    """

    def __init__(
        self,
        values: Sequence[float | None] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        text = sparkline(values)
        super().__init__(text, id=id, classes=classes)
        self.set_class(not text, "-empty")
        self.drawing = text

    def set_values(self, values: Sequence[float | None]) -> None:
        """Redraw with ``values`` (oldest first); a no-op when the drawing is unchanged."""
        text = sparkline(values)
        if text == self.drawing:
            return
        self.drawing = text
        self.update(text, layout=False)  # fixed width: repaint only
        self.set_class(not text, "-empty")
