"""Text inputs that show what they hold, the measurement input, and the density switch for rows
of measurement controls."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from kiosk.validators.text import visible

MAX_TEXT = 40
"""Longest text a measurement field takes (the core reads at most this much)."""

KEYS_HANDLED_LIMIT = 1.0
"""Seconds :func:`keys_handled` waits at most (a field removed meanwhile never answers)."""


class VisibleInput(Input):
    """An Input that never holds a character the screen would not show as itself.

    A paste (or a restored draft) may carry a NUL, an ESC sequence, a zero-width space or a
    bidi override; an Input would send them to the terminal raw, and the MA would see "72"
    where the field holds "27". Here each such character becomes its visible escape
    (:func:`kiosk.validators.text.visible`: ``\\x1b``, ``\\u202e``) as it comes in, so the
    field shows exactly what it holds and the check refuses it; other whitespace becomes a
    space. Not for PIN fields, whose text is never shown.

    Its editing keys (Backspace, Delete, arrows, Home/End, Ctrl+U, Ctrl+K...) act in the
    field's own queue, in the order typed. Textual runs an Input's key bindings only once the
    key has bubbled back up to the app, behind every key the app has read meanwhile, and in
    whichever field has the focus by then: in a burst "Tab ^U STR-1 Tab neg" the Ctrl+U meant
    to clear the kit lot cleared the result typed after it.
    """

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable or event.key == "enter":
            return  # Input types the characters; Enter belongs to the screen
        for binding in self._bindings.key_to_bindings.get(event.key, []):
            if binding.action in ("page_up", "page_down"):
                return  # Page Up/Down scroll the step, not the one-line field
            event.stop()
            event.prevent_default()
            await self.run_action(binding.action)
            return

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(visible(text, spaces=True), start, end)

    def validate_value(self, value: str) -> str:
        return visible(value, spaces=True)


class FieldInput(VisibleInput):
    """An Input whose virtual width does not follow its text, whose editing keys act in
    order with the characters, and which can drop keys typed ahead of a refusal.

    Textual's Input sets ``virtual_size`` from the text width on every change, and
    ``virtual_size`` is a layout-triggering reactive: each keystroke would lay out the whole
    vitals screen (~200 widgets, tens of ms on a slow kiosk). The text is capped at
    :data:`MAX_TEXT`, so a constant virtual width is always wide enough, scrolling still
    follows the cursor, and a keystroke only repaints.

    Its editing keys act in order with the characters, as in every :class:`VisibleInput`
    (in a burst "⌫⌫⌫⌫37.2C⏎97%" the Backspaces would otherwise act after the characters, or
    in another field).
    """

    _discard_keys = False

    @property
    def content_width(self) -> int:
        return max(super().content_width, MAX_TEXT + 1)

    def watch_value(self, value: str) -> None:
        # With a constant virtual width, Textual keeps the scroll offset of a longer text
        # after a deletion: "130" was drawn as "30" while the field held 130. Once the text
        # fits, it is shown from its first character.
        if self.scroll_x and cell_len(value) < self.content_size.width:
            self.scroll_x = 0

    async def _on_key(self, event: events.Key) -> None:
        if self._discard_keys:
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def discard_typed_ahead(self) -> None:
        """Drop the keys the app has already read for this field, then type as usual.

        Called while the app handles a refused Enter: the keys behind it in the app's queue
        were typed before anyone could see the refusal and were meant for the next field, so
        typing them here could make a different, valid number ("2⏎16" giving a pulse of 216).
        The app's callback runs after it has passed on every key read so far; the field stops
        dropping once its own queue reaches the same point.
        """
        self._discard_keys = True

        def keys_read() -> None:
            self.call_later(self._stop_discarding)

        self.app.call_later(keys_read)

    def _stop_discarding(self) -> None:
        self._discard_keys = False


async def keys_handled(widget: Widget) -> None:
    """Wait until ``widget`` has handled every key already sent to it.

    Awaited by a priority binding, this holds the app's key reading meanwhile, so no later key
    goes anywhere before the binding decides where the focus belongs.
    """
    done = asyncio.Event()
    widget.call_later(done.set)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), KEYS_HANDLED_LIMIT)


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
