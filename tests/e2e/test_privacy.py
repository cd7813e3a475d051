"""privacy.py on its own: value-free tracebacks, the private log, logging, signals, environment."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import stat
from pathlib import Path

import pytest
from pydantic import BaseModel

from kiosk import privacy
from kiosk.errors import StoreError

SECRET = "Zebulon Quackenbush"


class Person(BaseModel):
    age: int


def crash_with_phi() -> None:
    patient_name = SECRET  # a local the traceback must not show
    Person.model_validate({"age": patient_name})  # pydantic quotes the input in its message


def nested_crash() -> None:
    try:
        crash_with_phi()
    except Exception as error:
        raise RuntimeError(f"while saving {SECRET}") from error


def caught(func: object) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 (any exception is the point)
        func()  # type: ignore[operator]
    return info.value


def test_safe_traceback_keeps_frames_and_types_but_no_values() -> None:
    text = privacy.safe_traceback(caught(nested_crash))
    assert SECRET not in text
    assert "Zebulon" not in text
    assert "crash_with_phi" in text
    assert "nested_crash" in text
    assert "pydantic_core._pydantic_core.ValidationError" in text
    assert "builtins.RuntimeError: [message withheld" in text
    assert "During handling" in text


def test_safe_traceback_keeps_plain_messages_of_os_and_kiosk_errors() -> None:
    def disk() -> None:
        raise OSError(28, "No space left on device")

    def store() -> None:
        raise StoreError("The store is full.")

    assert "[Errno 28] No space left on device" in privacy.safe_traceback(caught(disk))
    assert "The store is full." in privacy.safe_traceback(caught(store))


def test_crash_log_is_private_and_appends(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = privacy.write_crash_log(data, caught(crash_with_phi))
    privacy.write_crash_log(data, caught(nested_crash))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    text = path.read_text()
    assert text.count("--- ") == 2
    assert SECRET not in text


def test_logging_withholds_values_and_locals(tmp_path: Path) -> None:
    handler = privacy.configure_logging(tmp_path)
    try:
        log = logging.getLogger("kiosk.test")
        log.warning("could not parse %s", SECRET)
        try:
            crash_with_phi()
        except Exception:
            log.exception("save failed")
        handler.flush()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    text = (tmp_path / privacy.LOG_NAME).read_text()
    assert "could not parse %s [values withheld]" in text
    assert "save failed" in text
    assert "crash_with_phi" in text
    assert SECRET not in text
    assert stat.S_IMODE((tmp_path / privacy.LOG_NAME).stat().st_mode) == 0o600


def test_harden_process_drops_textual_developer_outputs() -> None:
    env = {"TEXTUAL_LOG": "/tmp/x.log", "TEXTUAL": "devtools,debug,other", "TERM": "xterm"}
    old = os.umask(0o022)
    try:
        privacy.harden_process(env)
        assert os.umask(0o022) == 0o077
    finally:
        os.umask(old)
    assert env == {"TEXTUAL": "other", "TERM": "xterm"}


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
async def test_signal_guard_calls_back_once_on_the_loop(sig: signal.Signals) -> None:
    received: list[str] = []
    done = asyncio.Event()

    def on_signal(name: str) -> None:
        received.append(name)
        done.set()

    guard = privacy.SignalGuard(on_signal, grace_seconds=60)
    try:
        os.kill(os.getpid(), sig)
        await asyncio.wait_for(done.wait(), timeout=5)
        os.kill(os.getpid(), sig)  # a second signal is ignored
        await asyncio.sleep(0)
    finally:
        guard.remove()
        guard.disarm()
    assert received == [sig.name]
    assert guard.received == sig.name


def test_a_hung_exit_after_a_hang_up_still_ends_the_process() -> None:
    """SSH drops, the app saves and starts to exit, removes its signal handlers as it unmounts,
    then hangs closing the vanished terminal (seen: a kiosk blocked for an hour in Textual's
    driver close). The watchdog armed by the hang-up still ends the process."""
    import subprocess
    import sys
    import time

    code = (
        "import asyncio, os, signal, time; from kiosk import privacy\n"
        "async def main():\n"
        "    def on_signal(name):\n"
        "        guard.remove()  # the app unmounts\n"
        "        print('saved', flush=True)\n"
        "        while True: time.sleep(1)  # the driver close that never returns\n"
        "    guard = privacy.SignalGuard(on_signal, grace_seconds=0.5)\n"
        "    print('ready', flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        started = time.monotonic()
        child.send_signal(signal.SIGHUP)
        assert child.stdout.readline().strip() == "saved"
        assert child.wait(timeout=20) == 128 + signal.SIGHUP
        assert time.monotonic() - started < 20
    finally:
        child.kill()
        child.wait()


def test_an_error_outside_the_app_prints_one_sentence(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from kiosk import privacy\n"
        f"privacy.install_excepthook(lambda: Path({str(tmp_path)!r}))\n"
        f"patient = {SECRET!r}\n"
        "raise ValueError('bad chart for ' + patient)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert run.stderr.startswith("The kiosk stopped because of an internal error.")
    assert SECRET not in run.stderr
    assert "Traceback" not in run.stderr
    log = (tmp_path / privacy.LOG_NAME).read_text()
    assert "builtins.ValueError: [message withheld" in log
    assert SECRET not in log


def test_a_hung_up_terminal_is_one_log_line_not_a_crash(tmp_path: Path) -> None:
    """Textual's output thread fails with EIO when SSH drops: one line, no traceback."""
    import subprocess
    import sys

    code = (
        "import errno, threading; from pathlib import Path; from kiosk import privacy\n"
        f"privacy.install_excepthook(lambda: Path({str(tmp_path)!r}))\n"
        "def write():\n"
        "    raise OSError(errno.EIO, 'Input/output error')\n"
        "def fail():\n"
        "    raise ValueError('a real bug')\n"
        "for target in (write, fail):\n"
        "    t = threading.Thread(target=target, name=target.__name__); t.start(); t.join()\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0
    assert run.stderr == ""
    log = (tmp_path / privacy.LOG_NAME).read_text()
    [hang_up] = [line for line in log.splitlines() if "hung up" in line]
    assert "EIO in thread write" in hang_up
    assert "OSError" not in log  # no traceback for the hang-up ...
    assert log.count("Traceback") == 1  # ... while the real bug keeps its full traceback
    assert "crash in thread fail" in log
