"""Enter and the navigation keys' timing, shared by every screen with text fields.

Kept apart from :mod:`kiosk.screens.base` so the sign-in screen (the first frame) does not
import the step machinery (TextArea, Select, the patient banner) before the first frame.
``kiosk.screens.base`` re-exports these names.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App

HELP = "This help (? only when not typing in a field)"

APP_BINDINGS: list[BindingType] = [
    Binding(
        "ctrl+q",
        "quit_kiosk",
        "Quit",
        show=False,
        priority=True,
        id="app.quit",
        tooltip="Quit the kiosk (only when nobody is signed in)",
    ),
    # priority: the focus moves while the app reads Tab, so keys typed right after it
    # (a burst over SSH) land in the next field, not in the one being left
    Binding(
        "tab",
        "focus_next",
        "Next field",
        show=False,
        priority=True,
        id="app.next",
        tooltip="Move to the next field",
    ),
    Binding(
        "shift+tab",
        "focus_previous",
        "Previous field",
        show=False,
        priority=True,
        id="app.previous",
        tooltip="Move to the previous field",
    ),
    Binding(
        "space",
        "toggle_focused",
        "Tick",
        show=False,
        priority=True,
        id="app.space",
        tooltip="Tick / untick a box; press a button; open a drop-down",
    ),
    Binding("f1", "help", "Help", priority=True, id="app.help", tooltip=HELP),
    Binding("question_mark", "help", "Help", show=False, id="app.help_question", tooltip=HELP),
    Binding("ctrl+l", "lock", "Lock", priority=True, id="app.lock", tooltip="Lock the screen now"),
    Binding(
        "ctrl+o",
        "sign_out",
        "Sign out",
        priority=True,
        id="app.sign_out",
        tooltip="Sign out (asks first during an intake; its draft is kept)",
    ),
]
"""The app-wide keys (kiosk.app.KioskApp.BINDINGS); the help lists them under "Everywhere"."""

PATIENT_REFUSED = frozenset({"help", "sign_out", "lock", "quit_kiosk"})
"""App actions refused while the patient holds the screen (kiosk.screens.patient_mode); the
idle lock is not an action and still comes."""

ENTER = Binding(
    "enter",
    "enter_field",
    "Next field",
    show=False,
    priority=True,
    id="keys.enter",
    tooltip="Next field, as Tab; on the last field, the next step",
)
"""Enter handled by the screen while the app reads the key, not by the Input afterwards."""


def advance(screen: Screen[Any], inputs: Sequence[Widget], on_last: Callable[[], object]) -> None:
    """Enter in a text field: focus the next of ``inputs`` (the fields in Tab order) now; on
    the last, ``on_last`` once the field has taken every key typed before Enter.

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


class KeyRules:
    """Rules applied as the app reads a key, before it is dispatched (see KioskApp.on_event).

    - Letters typed on a focused button are not a press: the MA thinks a field has the focus
      ("72⏎" on Repeat BP made an empty "BP repeat 1" row). They are dropped with a bell and a
      note, and from then on that button ignores Enter and Space until the focus leaves it.
      Only an Enter or Space typed before any letter presses it.
    - Letters typed on a closed drop-down choose its option (:mod:`kiosk.widgets.choose`).
    - A screen whose keys are its answers (``ANSWER_KEYS``, the screening questions' 1-5) gets
      them on its buttons too: there a digit is a choice, not typing.
    """

    def __init__(self) -> None:
        self._typed_on: Widget | None = None
        self._letters = ""

    def drop(self, app: App[Any], event: events.Key) -> bool:
        """True when ``event`` is used up here and must not be dispatched."""
        from textual.widgets import Button

        focused = app.focused
        printable = event.is_printable and event.key != "space"
        if focused is not self._typed_on:
            self._typed_on, self._letters = None, ""
        if event.key in getattr(app.screen, "ANSWER_KEYS", ()):
            return False
        if isinstance(focused, Button):
            if printable:
                if self._typed_on is None:
                    app.bell()
                    label = str(focused.label).split("  ")[0]
                    app.notify(f"'{label}' is a button: Tab to a field to type.", timeout=4)
                self._typed_on = focused
                return True
            # after letters, Enter and Space are typing too, not a press
            return event.key in ("enter", "space") and self._typed_on is focused
        if printable and event.character and type(focused).__name__ != "SelectOverlay":
            return self._type_on_select(app, focused, event.character)
        if not printable:
            self._typed_on, self._letters = None, ""
        return False

    def focus_first_field(self, app: App[Any]) -> None:
        """A key typed the instant a screen appears goes to its first field, not nowhere.

        Textual sets AUTO_FOCUS when the screen resumes, which can come after its first
        frame; a burst typed on seeing that frame would lose its first characters.
        """
        screen = app.screen
        selector = screen.AUTO_FOCUS if screen.AUTO_FOCUS is not None else app.AUTO_FOCUS
        if app.focused is not None or not selector or not screen.is_mounted:
            return
        for widget in screen.query(selector):
            if widget.focusable:
                screen.set_focus(widget)
                return

    @staticmethod
    def space_acts(app: App[Any]) -> bool:
        """Space ticks a box or presses a button at once (before a Tab typed after it);
        in a question (a modal) a button's Space is typing, not a press."""
        from textual.screen import ModalScreen
        from textual.widgets import Button, Checkbox, RadioButton

        if isinstance(app.focused, Button):
            return not isinstance(app.screen, ModalScreen)
        return isinstance(app.focused, Checkbox | RadioButton)

    @staticmethod
    def press_space(app: App[Any]) -> None:
        from textual.widgets import Button, Checkbox, RadioButton

        if isinstance(app.focused, Checkbox | RadioButton):
            app.focused.toggle()
        elif isinstance(app.focused, Button):
            app.focused.action_press()

    def _type_on_select(self, app: App[Any], focused: Widget | None, character: str) -> bool:
        select_module = sys.modules.get("textual.widgets._select")
        if select_module is None or not isinstance(focused, select_module.Select):
            return False  # no drop-down was ever built (sign-in): nothing to choose
        if focused.expanded:
            return False  # the open list searches by itself
        from kiosk.widgets.choose import choose_by_letters

        letters = choose_by_letters(
            focused, self._letters if self._typed_on is focused else "", character
        )
        self._typed_on = focused
        if letters is None:
            app.bell()
            self._letters = ""
        else:
            self._letters = letters
        return True
