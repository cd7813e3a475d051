"""Bytes written to the terminal per keystroke: what an SSH link carries for each key.

``python benchmarks/bench_bytes.py [ROUNDS]`` spawns the real ``kiosk --demo`` on a
pseudo-terminal of its own (80x24, TERM=xterm-256color, no COLORTERM), signs in, opens a demo
patient (Ctrl+Y, Next through demographics, history and complaint) and types into the vitals'
blood pressure field, one key at a time: "128/78" then six Backspaces, ROUNDS times (default
2). After each key it waits until the output has been quiet for 0.25 s and counts the bytes
written since the key. In the same run, the same keys go to a bare Textual app with one
Input (the reference). It prints p50 and max bytes per keystroke for both and the ratio, the
bytes a full-screen repaint takes (the kiosk's first vitals frame, for scale), and the bytes
per second written while nobody types (only the cursor's blink; a clock or a key line
repainted on a timer would show here).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests" / "support"))

from pty_kiosk import PtyKiosk  # noqa: E402  (tests/support, put on the path above)

KIOSK = Path(sys.executable).with_name("kiosk")
KEYS = ["1", "2", "8", "/", "7", "8"] + ["\x7f"] * 6  # "128/78", then Backspace x6
QUIET = 0.25
BARE_INPUT = (
    "from textual.app import App\n"
    "from textual.widgets import Input\n"
    "class A(App):\n"
    "    def compose(self):\n"
    "        yield Input(placeholder='type here')\n"
    "A().run()\n"
)


def environment(data: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLORTERM", "TEXTUAL_COLOR_SYSTEM", "TMUX", "NO_COLOR")
    }
    env.update(TERM="xterm-256color", KIOSK_DATA_DIR=str(data), KIOSK_ROOM="exam-3")
    return env


def per_key(app: PtyKiosk, rounds: int) -> list[int]:
    """Bytes written for each key, the output quiet before and after it."""
    counts = []
    for _ in range(rounds):
        for key in KEYS:
            app.quiet(QUIET)
            mark = app.size()
            app.send(key)
            time.sleep(0.02)
            app.quiet(QUIET)
            counts.append(app.size() - mark)
    return counts


def idle_bytes(app: PtyKiosk, seconds: float = 3.0) -> int:
    """Bytes written in ``seconds`` while nobody types."""
    app.quiet(QUIET)
    mark = app.size()
    time.sleep(seconds)
    return app.size() - mark


def kiosk_to_vitals(data: Path) -> tuple[PtyKiosk, int]:
    """The kiosk on the vitals step, its blood pressure field focused; the bytes of the
    vitals step's first frame (a full repaint)."""
    app = PtyKiosk([str(KIOSK), "--demo"], environment(data))
    app.wait_for("1234", timeout=120)
    app.quiet()
    app.send("demo\r1234\r")
    app.wait_for("waiting", timeout=60)
    for keys, shown in (
        ("D0-000063\r", "Confirm identity"),
        ("\x19", "Demographics"),
        ("\x0e", "History"),
        ("\x0b\x0e", "Chief complaint"),
    ):
        app.quiet()
        mark = app.size()
        app.send(keys)
        app.wait_for(shown, start=mark, timeout=60)
    app.quiet()
    mark = app.size()
    app.send("cough\x0e")
    app.wait_for("Vital signs", start=mark, timeout=60)
    app.quiet(1.0)  # the whole frame, on a loaded machine too (the cursor blinks every 0.5 s)
    return app, app.size() - mark


def describe(name: str, counts: list[int]) -> str:
    return f"{name:28} p50 {statistics.median(counts):7.0f}  max {max(counts):7d} bytes/key"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kiosk, frame = kiosk_to_vitals(folder / "data")
        try:
            kiosk_idle = idle_bytes(kiosk)
            kiosk_keys = per_key(kiosk, rounds)
        finally:
            kiosk.close()
        script = folder / "bare_input.py"
        script.write_text(BARE_INPUT)
        bare = PtyKiosk([sys.executable, str(script)], environment(folder / "unused"))
        try:
            bare.wait_for("type here", timeout=60)
            bare_idle = idle_bytes(bare)
            bare_keys = per_key(bare, rounds)
        finally:
            bare.close()
    print(f"keys: {len(kiosk_keys)} (128/78 and 6 Backspaces, x{rounds}), 80x24, xterm-256color")
    print(describe("kiosk, vitals BP field", kiosk_keys))
    print(describe("bare Textual, one Input", bare_keys))
    ratio = statistics.median(kiosk_keys) / max(statistics.median(bare_keys), 1)
    print(f"ratio p50 kiosk / bare: {ratio:.2f}x")
    share = statistics.median(kiosk_keys) / max(frame, 1)
    print(f"full vitals frame (step switch): {frame} bytes; p50 key = {share:.1%} of it")
    print(
        f"idle, nobody typing (the cursor's blink): kiosk {kiosk_idle / 3:.0f} bytes/s, "
        f"bare {bare_idle / 3:.0f} bytes/s"
    )


if __name__ == "__main__":
    main()
