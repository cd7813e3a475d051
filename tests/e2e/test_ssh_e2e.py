"""End to end over a real SSH connection, with the sshd fragment and login wrapper in deploy/.

A throw-away sshd listens on 127.0.0.1 (a free port, a fresh host key, a fresh client key) and
includes ``deploy/sshd_kiosk.conf`` with three things changed for the test: ``Match Group kiosk``
becomes ``Match User <the user running the tests>``, and ForceCommand/SetEnv point at this
checkout's wrapper, this interpreter and a temporary data folder. The client key names its room
in authorized_keys (``environment="KIOSK_ROOM=..."``), as deploy/README.md describes. ``UsePAM
no`` keeps PAM (and pam_loginuid inside containers) out of it. The keys live in a folder
sshd's StrictModes accepts (under /run when the tests run as root; otherwise StrictModes is
turned off, as /tmp is world-writable, which StrictModes rejects).

Then ssh runs inside tmux like a thin client: sign in, pick a patient, type mid-intake, and
kill -9 the ssh client. sshd hangs up the terminal; the kiosk must save the draft and exit.
One connection multiplexed by the client (ControlMaster) carries one kiosk, never two.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from privacy_tmux import Pane, open_patient_and_type, shell_command
from ui_helpers import PIN, ROOM, STAFF_ID, seed

from kiosk.store import EncounterStore
from kiosk.store.audit import AuditTrail

REPO = Path(__file__).resolve().parents[2]
FRAGMENT = REPO / "deploy" / "sshd_kiosk.conf"
WRAPPER = REPO / "deploy" / "kiosk-login"
TYPED = "Zebulon"

pytestmark = pytest.mark.slow


def _sshd() -> str:
    found = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(found).is_file():
        pytest.fail("sshd is not installed (apt-get install openssh-server; .ci/run does it)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _strict_modes_dir() -> tuple[Path, bool]:
    """A private folder for keys, and whether sshd's StrictModes accepts its parents."""
    if os.geteuid() == 0 and Path("/run").is_dir():
        parent = Path("/run")
        st = parent.stat()
        if st.st_uid == 0 and not st.st_mode & 0o022:
            return Path(tempfile.mkdtemp(prefix="kiosk-ssh-", dir=parent)), True
    return Path(tempfile.mkdtemp(prefix="kiosk-ssh-")), False


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc), to clean up only what this test started."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class SshServer:
    port: int
    key: Path
    user: str
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    def ssh_argv(self, *extra: str) -> list[str]:
        return [
            "ssh",
            "-tt",
            "-p",
            str(self.port),
            "-i",
            str(self.key),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=ERROR",
            *extra,
            self.target,
        ]

    @property
    def target(self) -> str:
        return f"{self.user}@127.0.0.1"


def test_config(fragment: str, *, user: str, data_dir: Path, strict: bool) -> str:
    """The deploy fragment, pointed at this checkout, this interpreter and the test data."""
    replaced = (
        fragment.replace("Match Group kiosk", f"Match User {user}")
        .replace("/opt/kiosk/deploy/kiosk-login", str(WRAPPER))
        .replace("KIOSK_DATA_DIR=/var/lib/kiosk", f"KIOSK_DATA_DIR={data_dir}")
        .replace("KIOSK_PYTHON=/opt/kiosk/.venv/bin/python", f"KIOSK_PYTHON={sys.executable}")
    )
    assert str(WRAPPER) in replaced
    assert f"KIOSK_PYTHON={sys.executable}" in replaced
    return replaced


test_config.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    folder, strict = _strict_modes_dir()
    try:
        for name in ("host_key", "client_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)],
                check=True,
            )
        authorized = folder / "authorized_keys"
        # as deploy/README.md says: one key per thin client, naming its room
        room = f'restrict,pty,environment="KIOSK_ROOM={ROOM}" '
        authorized.write_text(room + (folder / "client_key.pub").read_text())
        authorized.chmod(0o600)
        if os.geteuid() == 0:  # sshd's privilege separation folder
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        user = getpass.getuser()
        data_dir = tmp_path / "data"
        port = _free_port()
        config = folder / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
            f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {authorized}\n"
            f"StrictModes {'yes' if strict else 'no'}\nUsePAM no\nLogLevel VERBOSE\n"
            f"PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n"
            "PermitUserEnvironment KIOSK_ROOM\n\n"
            + test_config(FRAGMENT.read_text(), user=user, data_dir=data_dir, strict=strict)
        )
        log = tmp_path / "sshd.log"
        process = subprocess.Popen(
            [_sshd(), "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"sshd did not start:\n{log.read_text()}")
                time.sleep(0.05)
        server = SshServer(port, folder / "client_key", user, data_dir, log, process)
        yield server
        for pid in _descendants(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.terminate()
        process.wait(timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_forwarding_and_file_transfer_are_refused(sshd: SshServer) -> None:
    base = sshd.ssh_argv()[2:-1]  # without -tt and the destination
    forward = subprocess.run(
        [
            "ssh",
            *base,
            "-N",
            "-o",
            "ExitOnForwardFailure=yes",
            "-R",
            "0:127.0.0.1:9",
            f"{sshd.user}@127.0.0.1",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert forward.returncode != 0
    assert "forwarding failed" in forward.stderr
    sftp = subprocess.run(
        [
            "sftp",
            "-b",
            "-",
            "-P",
            str(sshd.port),
            "-i",
            str(sshd.key),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            f"{sshd.user}@127.0.0.1",
        ],
        input="ls /\n",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert sftp.returncode != 0
    assert "etc" not in sftp.stdout, sftp.stderr
    assert "Starting session: forced-command (config)" in sshd.log.read_text()


def kiosk_processes(server: SshServer) -> list[int]:
    """The kiosk processes this test's sshd started."""
    found = []
    for pid in _descendants(server.process.pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"kiosk" in cmdline and b"-m" in cmdline:
            found.append(pid)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_dropped_ssh_connection_saves_the_draft(sshd: SshServer, tmp_path: Path) -> None:
    seed(sshd.data_dir)
    pane = Pane(tmp_path, shell_command(sshd.ssh_argv()), env={"TERM": "xterm-256color"})
    try:
        open_patient_and_type(
            pane,
            staff=STAFF_ID,
            pin=PIN,
            search="rivera",
            shows="RIVERA, Ana",
            typed=TYPED,
        )
        kiosks = kiosk_processes(sshd)
        assert kiosks, "the kiosk is not running under sshd"
        os.kill(pane.pane_pid(), signal.SIGKILL)  # the thin client vanishes
        # (once sshd's session process is gone the kiosk is no longer its descendant: follow
        # the pids themselves)
        wait_until(lambda: not any(map(alive, kiosks)), "the kiosk to exit after the hang-up")
    finally:
        pane.close()
    store = EncounterStore(sshd.data_dir)
    try:
        draft = next(iter(store.drafts_for(STAFF_ID)), None)
    finally:
        store.close()
    assert draft is not None
    assert TYPED in draft.form_text.values()
    ended = [e for e in AuditTrail(sshd.data_dir).entries() if e.action == "sign-out"]
    assert [(e.staff, e.detail) for e in ended] == [(STAFF_ID, "session ended: connection lost")]
    assert AuditTrail(sshd.data_dir).verify().ok
    log = sshd.data_dir / "kiosk-errors.log"
    text = log.read_text() if log.exists() else ""
    assert "Traceback" not in text  # a hang-up is expected: at most one line, never a crash
    assert text.count("\n") <= 1


def test_the_login_wrapper_runs_the_kiosk_in_a_clean_environment(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\n{{ echo "ARGS $*"; echo "UMASK $(umask)"; env; }} > {report}\n')
    fake.chmod(0o755)
    env = {
        "KIOSK_PYTHON": str(fake),
        "KIOSK_DATA_DIR": "/srv/kiosk",
        "PYTHONPATH": "/tmp/evil",
        "LD_PRELOAD": "/tmp/evil.so",
        "HISTFILE": "/root/.bash_history",
        "SSH_ORIGINAL_COMMAND": "cat /etc/shadow",
        "TERM": "dumb",
    }
    pane = Pane(tmp_path, shell_command([str(WRAPPER)]), env=env)
    try:
        pane.wait_dead()
    finally:
        pane.close()
    lines = report.read_text().splitlines()
    assert lines[0] == "ARGS -I -m kiosk run"
    assert lines[1] == "UMASK 0077"
    variables = dict(line.split("=", 1) for line in lines[2:] if "=" in line)
    assert variables["KIOSK_DATA_DIR"] == "/srv/kiosk"
    assert variables["TERM"] == "xterm-256color"
    assert variables["LANG"] == "C.UTF-8"
    assert variables["HISTFILE"] == "/dev/null"
    for name in ("PYTHONPATH", "LD_PRELOAD", "SSH_ORIGINAL_COMMAND", "KIOSK_PYTHON"):
        assert name not in variables


def test_the_login_wrapper_refuses_to_run_without_a_terminal(tmp_path: Path) -> None:
    run = subprocess.run(
        [str(WRAPPER)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={"KIOSK_PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
        timeout=30,
        check=False,
    )
    assert run.returncode == 1
    assert "needs a terminal" in run.stderr


def test_one_connection_carries_one_kiosk(sshd: SshServer, tmp_path: Path) -> None:
    """MaxSessions 1: a second session over one multiplexed connection is refused, so one
    thin client's connection can never start a second (unattended) kiosk."""
    seed(sshd.data_dir)
    control = tmp_path / "mux.sock"
    # ProxyCommand false: a client that cannot use the connection cannot fall back to one of
    # its own (ssh would), so each session below runs over the one multiplexed connection
    mux = ["-o", f"ControlPath={control}", "-o", "ProxyCommand=false"]
    master = subprocess.Popen(
        [
            "ssh",
            *sshd.ssh_argv("-o", "ControlMaster=yes", "-o", f"ControlPath={control}")[2:-1],
            "-N",
            sshd.target,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pane = None
    try:
        wait_until(control.exists, "the multiplexed connection to be up")
        pane = Pane(
            tmp_path,
            shell_command(sshd.ssh_argv("-o", "ControlMaster=no", *mux)),
            env={"TERM": "xterm-256color"},
        )
        pane.wait_for("Staff id")  # the first session over the connection: a kiosk
        assert len(kiosk_processes(sshd)) == 1
        second = subprocess.Popen(
            sshd.ssh_argv("-o", "ControlMaster=no", *mux),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _, refused = second.communicate(timeout=20)
        except subprocess.TimeoutExpired:  # it got a session
            running = len(kiosk_processes(sshd))
            second.kill()
            second.communicate()
            raise AssertionError(f"{running} kiosks ran over one connection") from None
        assert len(kiosk_processes(sshd)) == 1
        assert second.returncode != 0
        assert "Session open refused" in refused, refused
        assert "Staff id" in pane.screen()  # the first kiosk is untouched
    finally:
        if pane is not None:
            pane.close()
        master.kill()
        master.wait(timeout=10)
