"""Type-ahead across screen changes: letters typed while one screen closes reach the next.

Over SSH a burst like Ctrl+N then "cough" arrives in one read. The app reads the letters while
the old step is still closing (its Next waits for the field's pending keys) or while no step is
on screen at all, so Textual hands them to the old screen or to nothing. This keeps printable
keys typed in that window and types them into the focused field of the screen that comes next
(never into a modal's buttons or the lock screen: there they are dropped). Enter, Tab and
Backspace are kept with them; other control keys (lock, sign out, Next) act where they are read.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import events
from textual.screen import ModalScreen

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

HOLD_SECONDS = 2.0
"""A screen's Next/Back normally ends within a frame; if its callback never runs (the screen
was removed first), typing is not swallowed for longer than this."""

KEPT_KEYS = frozenset({"enter", "tab", "shift+tab", "backspace"})
"""Keys kept with the letters, so "cough⏎2 days" typed ahead still fills two fields."""

MAX_TRIES = 50
"""Frames to wait for the next screen to be mounted before the kept keys are dropped."""


class TypeAhead:
    """Keeps keys while a screen change is pending; replays them into the next screen."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._keys: list[tuple[str, str]] = []
        self._hold_until = 0.0
        self._tries = 0

    def hold(self) -> None:
        """A screen asked to close once its pending keys are handled: keep what follows."""
        self._hold_until = time.monotonic() + HOLD_SECONDS

    def release(self) -> None:
        """The close ran (or stayed, invalid): type the kept keys where they now belong."""
        self._hold_until = 0.0
        self.schedule()

    def schedule(self, _screen: Screen[object] | None = None) -> None:
        """After the next frame (the new screen mounted and focused), replay; also the
        app's screen-change signal callback."""
        if self._keys:
            self._tries = 0
            self.app.call_after_refresh(self.replay)

    def _waiting(self) -> bool:
        app = self.app
        if time.monotonic() < self._hold_until:
            return True
        screen = app.screen
        return screen is app.screen_stack[0] or not screen.is_mounted

    def take(self, event: events.Key, signed_in: bool) -> bool:
        """True when the key is kept for the next screen (the app must not dispatch it)."""
        if not signed_in or not (event.is_printable or event.key in KEPT_KEYS):
            return False  # control keys (lock, sign out, Next) act at once, as before
        if self._waiting():
            self._keys.append((event.key, event.character or ""))
            return True
        if self._keys:  # kept keys first, then this one
            self._keys.append((event.key, event.character or ""))
            self.replay()
            return True
        return False

    def replay(self) -> None:
        """Send the kept keys through the app again, in order, to the current screen.

        They go through the app's own key handling (Enter moves to the next field, a second
        Next holds again). A modal or the lock screen drops them: letters must not answer a
        question or land in a PIN field.
        """
        if not self._keys:
            return
        if self._waiting():
            self._tries += 1
            if self._tries <= MAX_TRIES:
                self.app.call_after_refresh(self.replay)
            else:
                self._keys.clear()
            return
        keys, self._keys = self._keys, []
        screen = self.app.screen
        if isinstance(screen, ModalScreen) or type(screen).__name__ == "LockScreen":
            return
        if screen.focused is None:
            focus_first = getattr(self.app, "_focus_first_field", None)
            if callable(focus_first):
                focus_first()
        for key, character in keys:
            self.app.post_message(events.Key(key, character or None))
