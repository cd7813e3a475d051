"""CPU time of each step switch in a pilot-driven intake (demographics -> ... -> review).

``python benchmarks/bench_steps.py [RUNS]`` signs in (cheap Argon2 off the measured part),
opens a returning patient and presses Ctrl+N through every step. For each switch it prints
the median CPU milliseconds of the UI thread (``time.thread_time``; the draft autosave runs in
a worker thread) from the key press until the next screen is shown and the app has gone
quiet, and the number of stylesheet applications (``Stylesheet.apply``) the switch cost: a
restyle of every widget shows up there first, and unlike CPU time it does not depend on the
load of a shared machine. ``BENCH_PROFILE=VitalsScreen`` writes a cProfile of the switch to
that screen to ``VitalsScreen.prof``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from textual.css.stylesheet import Stylesheet
from textual.widgets import Checkbox, Input

sys.path.insert(0, str(Path(__file__).parent))
from bench_ui import _seed

from kiosk.app import KioskApp

VITALS = {
    "vitals-bp-0": "128/82",
    "vitals-pulse": "72",
    "vitals-temp": "98.6",
    "vitals-weight": "154 lb",
}
APPLIED = [0]
_apply = Stylesheet.apply


def _counting_apply(self: Stylesheet, *args: Any, **kwargs: Any) -> None:
    APPLIED[0] += 1
    _apply(self, *args, **kwargs)


async def _quiet(pilot: Any, name: str) -> Any:
    """Wait for the screen ``name``, then until nothing is left to process."""
    while type(pilot.app.screen).__name__ != name:
        await pilot.pause(0.002)
    await pilot.pause()
    await pilot.app.animator.wait_until_complete()
    await pilot.pause()
    return pilot.app.screen


async def _run(data: Path) -> dict[str, tuple[float, int]]:
    app = KioskApp(argparse.Namespace(config=None, data_dir=str(data), demo=False))
    switches: dict[str, tuple[float, int]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        signin = await _quiet(pilot, "SignInScreen")
        while app.core is None:
            await pilot.pause(0.005)
        signin.query_one("#signin-staff", Input).value = "ma1"
        signin.query_one("#signin-pin", Input).value = "4321"
        await pilot.click("#signin-go")
        patients = await _quiet(pilot, "PatientScreen")
        patients.query_one("#patient-search", Input).value = "rivera"
        while getattr(patients, "shown_query", None) != "rivera":
            await pilot.pause(0.005)
        await pilot.press("ctrl+n")
        identity = await _quiet(pilot, "IdentityScreen")
        identity.query_one("#identity-name", Checkbox).value = True
        identity.query_one("#identity-dob", Checkbox).value = True
        order = [
            ("IdentityScreen", "DemographicsScreen"),
            ("DemographicsScreen", "HistoryScreen"),
            ("HistoryScreen", "ComplaintScreen"),
            ("ComplaintScreen", "VitalsScreen"),
            ("VitalsScreen", "PocScreen"),
            ("PocScreen", "ReviewScreen"),
        ]
        for before, after in order:
            screen = app.screen
            if before == "HistoryScreen":
                screen.query_one("#history-reviewed", Checkbox).value = True
            elif before == "ComplaintScreen":
                screen.query_one("#complaint-text", Input).value = "sore throat"
            elif before == "VitalsScreen":
                for widget_id, text in VITALS.items():
                    screen.query_one(f"#{widget_id}", Input).value = text
            await pilot.pause()
            profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") == after else None
            cpu, applied = time.thread_time(), APPLIED[0]
            if profile is not None:
                profile.enable()
            await pilot.press("ctrl+n")
            await _quiet(pilot, after)
            if profile is not None:
                profile.disable()
                profile.dump_stats(f"{after}.prof")
            switches[f"{before[:-6]} -> {after[:-6]}"] = (
                (time.thread_time() - cpu) * 1000,
                APPLIED[0] - applied,
            )
    return switches


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    Stylesheet.apply = _counting_apply  # type: ignore[method-assign]
    results: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for _ in range(runs):
        data = Path(tempfile.mkdtemp())
        try:
            _seed(data)
            for name, value in asyncio.run(_run(data)).items():
                results[name].append(value)
        finally:
            shutil.rmtree(data, ignore_errors=True)
    print(f"Step switches, pilot at 80x24, {runs} runs: CPU ms median (max), style applications")
    for name, values in results.items():
        cpu = [c for c, _ in values]
        print(
            f"   {name:<28} {statistics.median(cpu):6.0f} ({max(cpu):5.0f})"
            f"   {statistics.median(a for _, a in values):5.0f}"
        )


if __name__ == "__main__":
    main()
