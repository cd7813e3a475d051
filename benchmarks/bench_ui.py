"""UI speed: start-up of ``kiosk --demo``, a keystroke in a vitals field, a whole intake.

``python benchmarks/bench_ui.py [RUNS]`` prints:

1. Start-up: the real ``kiosk --demo`` command in a pseudo-terminal (80x24), from spawning the
   process to (a) the first frame of the sign-in screen (``ready_kiosk.py frame``: the kiosk
   exits right after that frame) and (b) the core loaded - store open, demo account shown
   (``ready_kiosk.py core``). Includes the interpreter start and the exit. Median and
   max over RUNS runs, after one warm-up run that seeds the demo data. For scale, the same
   for a bare Textual app that exits after its first frame.
2. Keystroke to frame in a vitals field, including validation: UI-vitals' harness
   (``bench_vitals_keystroke.py``), run here.
3. A whole scripted intake (sign-in with the production Argon2 cost, patient search, identity,
   every step, sign, back to the list) driven by the pilot: CPU seconds (``time.process_time``)
   and wall seconds, median over 3 runs.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import runpy
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
BARE_TEXTUAL = (
    "from textual.app import App\n"
    "class A(App):\n"
    "    def on_mount(self): self.call_after_refresh(self.exit)\n"
    "A().run()\n"
)


def run_in_pty(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds from spawn to exit of ``argv`` in an 80x24 pseudo-terminal.

    The CPU time (user + system of the child) shows the work itself when the machine is
    shared and wall times stretch."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    try:
        while child.poll() is None:  # drain the output so the child never blocks on it
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        os.close(master)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code
    if code != 0:
        raise RuntimeError(f"{argv} exited with {code}")
    return elapsed, usage.ru_utime + usage.ru_stime


def bench_startup(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KIOSK_DATA_DIR": tmp, "TERM": "xterm-256color"}
        env = {k: v for k, v in env.items() if k != "KIOSK_CONFIG"}
        ready = [sys.executable, str(HERE / "ready_kiosk.py")]
        run_in_pty([*ready, "core", "--demo"], env)  # seeds the demo data
        rows: dict[str, tuple[list[str], dict[str, str]]] = {
            "bare Textual app, first frame": ([sys.executable, "-c", BARE_TEXTUAL], {}),
            "kiosk --demo, sign-in first frame": ([*ready, "frame", "--demo"], {}),
            "kiosk --demo, core loaded": ([*ready, "core", "--demo"], {}),
        }
        print(f"1. Start-up in an 80x24 pty, {runs} runs (spawn to exit)")
        for name, (argv, extra) in rows.items():
            measured = [run_in_pty(argv, {**env, **extra}) for _ in range(runs)]
            wall = [w * 1000 for w, _ in measured]
            cpu = [c * 1000 for _, c in measured]
            print(
                f"   {name:<36} wall median {statistics.median(wall):5.0f} ms "
                f"(max {max(wall):5.0f})   CPU median {statistics.median(cpu):5.0f} ms"
            )


def bench_keystroke() -> None:
    print("2. Keystroke in a vitals field to the next frame (UI-vitals' harness, 10 rounds)")
    sys.argv = [str(HERE / "bench_vitals_keystroke.py"), "10"]
    runpy.run_path(str(HERE / "bench_vitals_keystroke.py"), run_name="__main__")


# ---------------------------------------------------------------------- a whole intake


def _seed(data: Path) -> None:
    from kiosk.models import Allergy, Coverage, Encounter, History, Insurance, Patient
    from kiosk.store import EncounterStore
    from kiosk.store.staff import StaffDirectory

    StaffDirectory(data).add("ma1", "Bench Assistant", "4321", "ma", by="bench")
    patient = Patient(
        id="MRN-1001",
        family_name="Rivera",
        given_name="Ana",
        birth_date=date(1984, 3, 7),
        phone="555-010-2233",
    )
    when = datetime.now(UTC) - timedelta(days=30)
    with EncounterStore(data, staff_id="bench") as store:
        store.save(
            Encounter(
                staff_id="ma0",
                patient=patient,
                started_at=when,
                signed_at=when,
                status="signed",
                identity_confirmed=True,
                insurance=Insurance(primary=Coverage(payer="Acme Health", member_id="ACM123456")),
                history=History(allergies=[Allergy(substance="Penicillin")], reviewed=True),
            )
        )


async def _intake(data: Path) -> tuple[float, float]:
    import argparse

    from textual.widgets import Checkbox, Input

    from kiosk.app import KioskApp

    async def screen_named(pilot, name: str):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 30
        while type(pilot.app.screen).__name__ != name:
            if time.monotonic() > deadline:
                raise RuntimeError(f"never reached {name}")
            await pilot.pause(0.005)
        await pilot.pause()
        return pilot.app.screen

    app = KioskApp(argparse.Namespace(config=None, data_dir=str(data), demo=False))
    async with app.run_test(size=(80, 24)) as pilot:
        signin = await screen_named(pilot, "SignInScreen")
        while app.core is None:
            await pilot.pause(0.005)
        cpu, wall = time.process_time(), time.perf_counter()
        signin.query_one("#signin-staff", Input).value = "ma1"
        signin.query_one("#signin-pin", Input).value = "4321"
        await pilot.click("#signin-go")
        patients = await screen_named(pilot, "PatientScreen")
        patients.query_one("#patient-search", Input).value = "rivera"
        while getattr(patients, "shown_query", None) != "rivera":
            await pilot.pause(0.005)
        await pilot.press("ctrl+n")
        identity = await screen_named(pilot, "IdentityScreen")
        identity.query_one("#identity-name", Checkbox).value = True
        identity.query_one("#identity-dob", Checkbox).value = True
        await pilot.press("ctrl+n")
        await screen_named(pilot, "DemographicsScreen")
        await pilot.press("ctrl+n")
        history = await screen_named(pilot, "HistoryScreen")
        history.query_one("#history-reviewed", Checkbox).value = True
        await pilot.press("ctrl+n")
        complaint = await screen_named(pilot, "ComplaintScreen")
        complaint.query_one("#complaint-text", Input).value = "sore throat"
        await pilot.press("ctrl+n")
        vitals = await screen_named(pilot, "VitalsScreen")
        for widget_id, text in {
            "vitals-bp-0": "128/82",
            "vitals-pulse": "72",
            "vitals-temp": "98.6",
            "vitals-weight": "154 lb",
        }.items():
            vitals.query_one(f"#{widget_id}", Input).value = text
        await pilot.pause()
        await pilot.press("ctrl+n")
        await screen_named(pilot, "PocScreen")
        await pilot.press("ctrl+n")
        await screen_named(pilot, "ReviewScreen")
        await pilot.press("ctrl+g")
        await screen_named(pilot, "PatientScreen")
        return time.process_time() - cpu, time.perf_counter() - wall


def bench_intake(runs: int = 3) -> None:
    print(f"3. A whole scripted intake through every step, pilot-driven, {runs} runs")
    cpu_times, wall_times = [], []
    for _ in range(runs):
        data = Path(tempfile.mkdtemp())
        try:
            _seed(data)
            cpu, wall = asyncio.run(_intake(data))
        finally:
            shutil.rmtree(data, ignore_errors=True)
        cpu_times.append(cpu)
        wall_times.append(wall)
    print(f"   CPU  median {statistics.median(cpu_times):5.2f} s   max {max(cpu_times):5.2f} s")
    print(f"   wall median {statistics.median(wall_times):5.2f} s   max {max(wall_times):5.2f} s")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    os.environ.pop("KIOSK_CONFIG", None)
    bench_startup(runs)
    bench_intake()
    bench_keystroke()


if __name__ == "__main__":
    main()
