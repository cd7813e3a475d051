"""Skip Textual's second styling pass when a freshly built screen is first shown.

Textual styles every widget as it mounts, then, when the screen is pushed, restyles the whole
screen again on its first ``ScreenResume`` (``refresh_styles=True``). For a new screen nothing
has changed in between: widgets mounted later are styled as they mount, class changes restyle
the widgets they touch, and the breakpoint classes are set up front (``size_classes``). A
step has a hundred or more widgets, so that second pass was about 40% of the style work of
every step switch. Later resumes (after a dialog, the help or the lock screen) still restyle.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen


class StyledOnce:
    """Mixin for a Screen subclass, listed before ``Screen``: ``class S(StyledOnce, Screen[T])``.

    Textual calls the ``_on_screen_resume`` of every class in the MRO, this one first, so
    clearing ``refresh_styles`` here stops only the base class's restyle; the focus, layout
    and notifications work of resuming is unchanged.
    """

    _shown_before = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False


def size_classes(screen: Screen[Any]) -> list[str]:
    """The breakpoint classes the screen will get on its first resize, set up front.

    Textual adds them after mounting, which restyles every widget a second time; a step has
    a hundred or more widgets, so that doubles the time to show it.
    """
    app = screen.app
    width, height = app.size
    across = app.HORIZONTAL_BREAKPOINTS if screen.HORIZONTAL_BREAKPOINTS is None else None
    down = app.VERTICAL_BREAKPOINTS if screen.VERTICAL_BREAKPOINTS is None else None
    across = screen.HORIZONTAL_BREAKPOINTS if across is None else across
    down = screen.VERTICAL_BREAKPOINTS if down is None else down
    found: list[str] = []
    for size, rules in ((width, across), (height, down)):
        for edge, name in sorted(rules or [], reverse=True):
            if size >= edge:
                found.append(name)
                break
    return found
