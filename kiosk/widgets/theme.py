"""The kiosk's colours: Textual's dark theme with a critical colour that stays red.

Critical flags ("CRITICAL HIGH") and unreadable values use ``$text-error``. Textual's dark
theme makes it a pale pink (#D17E92), which a 16-colour terminal (TERM=xterm or linux, no
COLORTERM) draws as colour 7, plain white: a critical value looked like any bold text. Here
it is a clear red that becomes bright red (colour 9, SGR 91) at 16 colours and 203 at 256,
while abnormal values (``$text-warning``) stay yellow (11 / 222). The flags are words as well
("CRITICAL HIGH", "high"), so nothing depends on colour alone.

Rich picks the colour depth from the environment: COLORTERM=truecolor or 24bit gives
truecolor whatever TERM says; otherwise TERM's suffix (-256color, -16color); otherwise 16
colours. TEXTUAL_COLOR_SYSTEM overrides both.
"""

from __future__ import annotations

import dataclasses

from textual.theme import BUILTIN_THEMES, Theme

CRITICAL_RED = "#FF6B6B"
"""Red at every depth: 16 colours -> 9 (bright red), 256 -> 203, truecolor as is."""

KIOSK_THEME: Theme = dataclasses.replace(
    BUILTIN_THEMES["textual-dark"],
    name="kiosk-dark",
    variables={"text-error": CRITICAL_RED},
)
