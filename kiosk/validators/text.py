"""Typed text as a message may quote it: every control or invisible character made visible.

A message that quotes what the MA typed ("Cannot read '72\\x1b[31m'") must not carry the typed
text's control characters to the screen: a NUL or an ESC sequence reaches the terminal, a
zero-width space hides a character the parser saw, a bidi override shows "72" for "27". So
every message that quotes typed text goes through :func:`visible`, the one place that decides
what "visible" means; the widgets that show such messages also render them without markup, so a
typed "[bold]" stays the five characters typed.
"""

from __future__ import annotations

import unicodedata

_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Control, format (zero-width, bidi, soft hyphen, tags), surrogate, private-use and
unassigned characters, and the line / paragraph separators."""

_IGNORABLE = frozenset(
    {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0}
    | set(range(0x180B, 0x1810))
    | set(range(0xFE00, 0xFE10))
    | set(range(0xE0100, 0xE01F0))
)
"""Unicode default-ignorable characters outside the categories above (fillers, the combining
grapheme joiner, variation selectors): drawn as nothing, so escaped too."""

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def is_hidden(char: str) -> bool:
    """True for a character a screen would not show as itself: any control, format or
    invisible character, or whitespace other than the plain space."""
    if char == " ":
        return False
    if char.isspace():
        return True
    code = ord(char)
    return code in _IGNORABLE or unicodedata.category(char) in _HIDDEN_CATEGORIES


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def has_hidden(text: str) -> bool:
    """True when ``text`` holds a character :func:`visible` would escape."""
    if text.isascii() and text.isprintable():
        return False
    return any(is_hidden(char) for char in text)


def visible(text: str, *, spaces: bool = False, keep: str = "") -> str:
    """``text`` with every hidden character (see :func:`is_hidden`) written as an escape:
    NUL is ``\\x00``, ESC ``\\x1b``, a zero-width space ``\\u200b``, a right-to-left override
    ``\\u202e``, a tab ``\\t``. Everything else, the backslash included, is kept as typed.
    With ``spaces``, whitespace of any kind becomes a plain space instead (for an input field,
    where a pasted tab is a gap, not a character). Characters in ``keep`` (line breaks of a
    message of several lines, a CSV cell's tab) stay as they are."""
    if not has_hidden(text):
        return text
    return "".join(
        (" " if spaces and char.isspace() else _escape(char))
        if is_hidden(char) and char not in keep
        else char
        for char in text
    )


def hidden_char(text: str) -> str | None:
    """The first hidden character of ``text`` that is not whitespace, escaped ("\\u200b"), or
    None. Whitespace of any kind separates words as a space would; anything else hidden is
    refused by the parsers rather than guessed at (a bidi override can show "72" for "27")."""
    if text.isascii() and text.isprintable():
        return None
    for char in text:
        if not char.isspace() and is_hidden(char):
            return _escape(char)
    return None
