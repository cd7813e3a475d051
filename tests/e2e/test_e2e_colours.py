"""End to end, colours as they reach the terminal (issue 11): the installed kiosk on a pty of
our own with TERM=xterm / TERM=linux (16 colours: no COLORTERM), xterm-256color and
COLORTERM=truecolor. A critical vital's flag ("CRITICAL HIGH") must be written in red (SGR
31/91 at 16 colours, 203 at 256, the theme's red in truecolor), never the bold white it was
at 16 colours, and an abnormal one ("high") in yellow, so the two stay apart at every depth.
Words as well as colour: the flag words are asserted too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pty_kiosk import PtyKiosk
from tmux_session import KIOSK

pytestmark = pytest.mark.slow

SGR_BEFORE = rb"((?:\x1b\[[0-9;]*m)+)"
Start = Callable[..., PtyKiosk]


def last_style(raw: bytes, word: bytes) -> list[str]:
    """The SGR parameters in force where ``word`` was last written (after a reset)."""
    found = re.findall(SGR_BEFORE + re.escape(word), raw)
    assert found, f"{word!r} was never written with a style"
    params: list[bytes] = re.findall(rb"\x1b\[([0-9;]*)m", found[-1])
    return params[-1].decode().split(";")


@pytest.fixture
def kiosk_in(tmp_path: Path) -> Iterator[Start]:
    made: list[PtyKiosk] = []

    def start(term: str, colorterm: str | None = None) -> PtyKiosk:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("COLORTERM", "TEXTUAL_COLOR_SYSTEM", "TMUX", "NO_COLOR")
        }
        env.update(TERM=term, KIOSK_DATA_DIR=str(tmp_path / "data"), KIOSK_ROOM="exam-3")
        if colorterm:
            env["COLORTERM"] = colorterm
        kiosk = PtyKiosk([str(KIOSK), "--demo"], env)
        made.append(kiosk)
        return kiosk

    yield start
    for kiosk in made:
        kiosk.close()


def vitals_with_flags(kiosk: PtyKiosk) -> bytes:
    """Sign in, open a demo patient, type a high pulse and a critical temperature."""
    kiosk.wait_for("1234", timeout=90)
    kiosk.quiet()
    kiosk.send("demo\r1234\r")
    kiosk.wait_for("waiting")
    kiosk.quiet()
    for keys, shown in (
        ("D0-000063\r", "Confirm identity"),
        ("\x19", "Demographics"),  # Ctrl+Y: both identifiers match
        ("\x0e", "History"),
        ("\x0b\x0e", "Chief complaint"),
        ("cough\x0e", "Screenings"),
        ("\x0e", "Vital signs"),
    ):
        mark = kiosk.size()
        kiosk.send(keys)
        kiosk.wait_for(shown, start=mark)
        kiosk.quiet()
    mark = kiosk.size()
    kiosk.send("128/78\r110\r16\r106")  # pulse 110/min: high; 106 °F: critical
    kiosk.wait_for("CRITICAL HIGH", start=mark)
    kiosk.quiet()
    return kiosk.since(mark)


@pytest.mark.parametrize("term", ["xterm", "linux"])
def test_at_16_colours_critical_is_red_and_abnormal_yellow(kiosk_in: Start, term: str) -> None:
    kiosk = kiosk_in(term)
    raw = vitals_with_flags(kiosk)
    critical = last_style(raw, b"CRITICAL HIGH")
    abnormal = last_style(raw, b"high")
    assert {"31", "91", "41", "101", "7"} & set(critical), critical  # red, or reversed
    assert not {"37", "97"} & set(critical), critical  # not white
    assert {"33", "93"} & set(abnormal), abnormal
    assert not re.search(rb"\x1b\[[0-9;]*[34]8;[25];", bytes(kiosk.output))  # 16 colours only


@pytest.mark.parametrize(
    ("term", "colorterm", "red", "yellow"),
    [
        ("xterm-256color", None, ["38", "5", "203"], ["38", "5", "222"]),
        ("xterm-256color", "truecolor", ["38", "2", "255", "107", "107"], ["38", "2", "255"]),
    ],
)
def test_at_256_colours_and_truecolor_critical_and_abnormal_differ(
    kiosk_in: Start, term: str, colorterm: str | None, red: list[str], yellow: list[str]
) -> None:
    raw = vitals_with_flags(kiosk_in(term, colorterm))
    critical = ";".join(last_style(raw, b"CRITICAL HIGH"))
    abnormal = ";".join(last_style(raw, b"high"))
    assert ";".join(red) in critical, critical
    assert ";".join(yellow) in abnormal, abnormal
    assert critical != abnormal
