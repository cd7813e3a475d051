"""Skip Textual's second styling pass when a freshly built screen is first shown.

Textual styles every widget as it mounts, then, when the screen is pushed, restyles the whole
screen again on its first ``ScreenResume`` (``refresh_styles=True``). For a new screen nothing
has changed in between: widgets mounted later are styled as they mount, class changes restyle
the widgets they touch, and the breakpoint classes are set up front (``size_classes``). A
step has a hundred or more widgets, so that second pass was about 40% of the style work of
every step switch. Later resumes (after a dialog, the help or the lock screen) still restyle.
"""

from __future__ import annotations

from textual import events


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
