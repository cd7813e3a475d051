"""Enter and the navigation keys' timing, shared by every screen with text fields.

Kept apart from :mod:`kiosk.screens.base` so the sign-in screen (the first frame) does not
import the step machinery (TextArea, Select, the patient banner): about 15 ms less CPU before
the first frame. ``kiosk.screens.base`` re-exports these names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

ENTER = Binding("enter", "enter_field", "Next field", show=False, priority=True)
"""Enter handled by the screen while the app reads the key, not by the Input afterwards."""


def advance(screen: Screen[Any], inputs: Sequence[Input], on_last: Callable[[], object]) -> None:
    """Enter in a text field: focus the next one now; on the last, ``on_last`` once the field
    has taken every key typed before Enter.

    Keys arrive in bursts over SSH ("demo⏎1234⏎" in one read). The app routes each key to the
    widget focused when it reads it, so the focus must move while the app handles Enter (a
    priority binding), not when the field's Submitted message is handled later, or the next
    keys land in the old field. ``call_later`` on the field queues behind its pending keys.
    """
    current = screen.focused
    if not isinstance(current, Input):
        return
    if current in inputs and current is not inputs[-1]:
        following = inputs[inputs.index(current) + 1]
        screen.set_focus(following)
        following.scroll_visible()
    else:
        current.call_later(on_last)


def after_pending_keys(screen: Screen[Any], callback: Callable[[], object]) -> None:
    """Run ``callback`` once the focused widget has handled every key already sent to it.

    Ctrl+N and friends are priority bindings the app runs as it reads them; the characters
    typed just before are still queued in the field. Reading the form now would miss them.
    """
    target = screen.focused or screen
    typeahead = getattr(screen.app, "typeahead", None)
    if typeahead is None:
        target.call_later(callback)
        return
    typeahead.hold()  # letters typed from now on are for the screen that comes next

    def run() -> None:
        try:
            callback()
        finally:
            typeahead.release()

    target.call_later(run)
