"""Choose a closed drop-down's option by typing its first letters ("f" female, "m" male).

Textual's Select searches only while its list is open, so an MA who Enters or Tabs onto
"Sex" and types "f" would get nothing. Here the letters typed on the focused, closed
drop-down since it got the focus pick the first option whose label starts with them; a letter
that makes no match starts a new search with that letter alone ("fm" is male). No timer:
the same keys always give the same choice.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.content import Content
from textual.widgets import Select


def option_label(prompt: object) -> str:
    if isinstance(prompt, Text):
        return prompt.plain
    if isinstance(prompt, Content):
        return prompt.plain
    return str(prompt)


def first_match(select: Select[Any], typed: str) -> Any | None:
    """The value of the first option whose label starts with ``typed`` (any case), or None."""
    typed = typed.casefold()
    for prompt, value in select._options:  # no public accessor in Textual 8
        if value is Select.NULL:
            continue
        if option_label(prompt).casefold().startswith(typed):
            return value
    return None


def choose_by_letters(select: Select[Any], typed: str, character: str) -> str | None:
    """Type ``character`` after ``typed`` on ``select``; returns the letters now typed (for
    the next key), or None when nothing matches (the choice is then unchanged)."""
    for query in (typed + character, character):
        value = first_match(select, query)
        if value is not None:
            if select.value != value:
                select.value = value
            return query
    return None
