"""Stored text on the screen, inert: shown as its characters, never run by the terminal.

A name, an allergy or a clinic name may come from an import or another tool and hold terminal
escapes (an OSC sequence retitles the terminal, a CSI one clears it), other control characters,
a bidi override (which shows "72" for "27"), or Rich/Textual markup (``[red]`` recolours the
rest; a stray ``[/]`` crashes the app on the first frame that shows it). So:

- every stored (or typed) string a widget shows goes through :func:`inert`, or :func:`inert_cell`
  for a DataTable cell: hidden characters become their visible escapes
  (:func:`kiosk.validators.text.visible`: ``\\x1b``, ``\\u202e``) and markup stays the
  characters it is made of. The app's header and toasts do it themselves
  (:class:`kiosk.widgets.private_app.PrivateApp`);
- underneath, :func:`strip_controls_everywhere` makes Textual's and Rich's text classes drop
  every control character they are given (they drop only BEL, BS, VT, FF and CR by default),
  so a string that reaches a widget some other way still writes no escape to the terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from kiosk.validators.text import visible


def inert(text: str, *, lines: bool = False) -> Content:
    """``text`` as content that shows exactly its characters: markup as typed, hidden
    characters as escapes. A line break is one too (``\\n``: a stored name cannot draw a
    line of its own), unless ``lines`` (a message made of several lines)."""
    return Content(visible(text, keep="\n" if lines else ""))


def inert_cell(text: str) -> Text:
    """The same for a DataTable cell: a ``str`` cell would be parsed as Rich markup."""
    return Text(visible(text), end="")


_CONTROLS = (
    *range(0x00, 0x09),
    0x0B,
    0x0C,
    *range(0x0E, 0x20),
    0x7F,
    *range(0x80, 0xA0),
    *(0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)),
)
"""C0 controls but tab, newline and CR (CR is dropped already), DEL, C1 controls, and the bidi
marks, embeddings, overrides and isolates."""


def strip_controls_everywhere() -> None:
    """Make Textual's ``Content`` and Rich's ``Text`` drop every control character.

    Both strip a few control codes through a module-level translation table; adding the rest
    to those tables covers every widget, Textual's own included (DataTable, Input, toasts).
    Idempotent. ``tests/ui/test_ui_inert.py`` fails if a Textual or Rich upgrade renames them.
    """
    import rich.control
    import textual.content

    for table in (
        textual.content._CONTROL_STRIP_TRANSLATE,
        rich.control._CONTROL_STRIP_TRANSLATE,
    ):
        table.update(dict.fromkeys(_CONTROLS))
