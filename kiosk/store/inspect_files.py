"""``kiosk check``, part one: every path's kind, mode, owner, and the small files' contents.

Only reads. Walks the whole data folder once; each path is named by its kind
(kiosk.store.layout.kind_of) and checked for what that kind must be. Segments, index logs and
the audit trail are verified in kiosk.store.inspect_data and kiosk.store.audit_verify.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable, Collection
from pathlib import Path

import orjson

from kiosk.store.files import DIR_MODE, FILE_MODE
from kiosk.store.findings import Findings
from kiosk.store.layout import Layout, is_day_name, kind_of

_SHOWN = 5
LEFTOVER_AGE_S = 60.0
"""A temp file younger than this may be a write in progress, not a killed one's leftover."""


_MANY = frozenset({"segment", "day", "ids-shard", "patients-shard", "ids", "patients"})
"""Kinds a big store holds by the thousand: only their first path is kept (memory)."""


def walk(
    layout: Layout, found: Findings, days: Collection[str] | None = None
) -> dict[str, list[Path]]:
    """Check every path's type, mode and owner; return the paths of each kind (of the kinds
    in ``_MANY``, only the first). ``days``: only these day folders (``--since``)."""
    by_kind: dict[str, list[Path]] = {}
    root = layout.root
    uid = root.stat().st_uid  # every path must be the folder owner's, or the kiosk cannot write
    if uid != os.geteuid():
        found.notes.append(
            f"The data folder belongs to another user (uid {uid}) than the one running this "
            f"check (uid {os.geteuid()}): the kiosk must run as its owner."
        )
    _one(root, (), found, by_kind, uid)
    for folder, dirs, files in os.walk(root, onerror=_raise):
        here = Path(folder)
        base = here.relative_to(root).parts
        if days is not None and base == ("encounters",):
            dirs[:] = [d for d in dirs if d in days or not is_day_name(d)]
        for name in sorted(dirs) + sorted(files):
            _one(here / name, (*base, name), found, by_kind, uid)
    if found.loose:
        shown = [f"{_rel(p, root)} (mode {m:o})" for p, m, _ in found.loose[:_SHOWN]]
        more = f" and {len(found.loose) - _SHOWN} more" if len(found.loose) > _SHOWN else ""
        found.problem(
            f"Permissions: {len(found.loose)} path(s) may be read by other users: "
            f"{', '.join(shown)}{more}. They hold PHI: want 600 for files, 700 for folders."
        )
    if found.foreign:
        owners = sorted({o for _, o in found.foreign})
        names = ", ".join(n for n, _ in found.foreign[:_SHOWN])
        more = f" and {len(found.foreign) - _SHOWN} more" if len(found.foreign) > _SHOWN else ""
        found.problem(
            f"Owner: {len(found.foreign)} path(s) belong to another user (uid "
            f"{', '.join(map(str, owners))}) than the data folder (uid {uid}): {names}{more}. "
            "The kiosk cannot replace or tighten them: give them to the folder's owner "
            "(chown)."
        )
    return by_kind


def _raise(error: OSError) -> None:
    raise error


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path != root else str(root)


def _one(
    path: Path,
    parts: tuple[str, ...],
    found: Findings,
    by_kind: dict[str, list[Path]],
    uid: int,
) -> None:
    try:
        info = path.lstat()
    except FileNotFoundError:  # removed since the listing (a temp file renamed into place)
        return
    shown = "/".join(parts) or str(path)
    if stat.S_ISLNK(info.st_mode):
        found.links.append(path)
        found.problem(
            f"{shown} is a symbolic link: the kiosk never makes one, and a write through it "
            "would land outside the data folder. Remove it."
        )
        return
    is_dir = stat.S_ISDIR(info.st_mode)
    if not is_dir and not stat.S_ISREG(info.st_mode):
        found.problem(f"{shown} is not a regular file (a device, socket or pipe): remove it.")
        return
    kind = kind_of(parts, is_dir=is_dir)
    paths = by_kind.setdefault(kind, [])
    if not paths or kind not in _MANY:
        paths.append(path)
    mode = stat.S_IMODE(info.st_mode)
    want = DIR_MODE if is_dir else FILE_MODE
    if mode & 0o077:
        found.loose.append((path, mode, want))
    if info.st_uid != uid:
        found.foreign.append((shown, info.st_uid))
    if kind == "temp":
        if time.time() - info.st_mtime >= LEFTOVER_AGE_S:
            found.leftovers.append(path)
            found.problem(f"Leftover temporary file {shown} (an interrupted write).")
    elif kind == "unknown":
        found.notes.append(f"{shown} is not a file the kiosk writes (left as it is).")


def check_small_files(layout: Layout, by_kind: dict[str, list[Path]], found: Findings) -> None:
    """Drafts, schedules, the staff file, the checkpoint and the save-in-flight marker."""
    for path in by_kind.get("draft", []):
        if not _draft_ok(path):
            found.bad_files.append(path)
            found.problem(
                f"Damaged draft drafts/{path.name} (not a readable intake): --repair moves it "
                "aside; the intake it held cannot be resumed."
            )
    for path in by_kind.get("schedule-day", []):
        if not _schedule_ok(path):
            found.bad_files.append(path)
            found.problem(
                f"Damaged appointment list schedule/{path.name}: --repair moves it aside; "
                "enter that day's appointments again."
            )
    _check_rooming(layout, by_kind, found)
    _check_outbox(by_kind, found)
    _check_staff(layout.staff, found)
    _check_stock(layout.stock, found)
    _check_qc_log(layout.qc_log, found)
    _check_checkpoint(layout, by_kind, found)
    _check_pending(layout.pending, found)


def _check_outbox(by_kind: dict[str, list[Path]], found: Findings) -> None:
    """The central database's outbox (kiosk.store.outbox): every line passes its check, the
    push position and the origin can be read."""
    from kiosk.store.framing import scan_bytes

    for path in by_kind.get("outbox-log", []):
        raw = _read(path)
        if raw is None:
            found.problem(f"The outbox log outbox/{path.name} cannot be read.")
            continue
        scan = scan_bytes(raw)
        if scan.bad or scan.torn_tail:
            bad = scan.bad + scan.torn_tail
            found.problem(
                f"The outbox log outbox/{path.name} has {bad} damaged line(s) (a crash "
                "mid-append): `kiosk sync` skips them; the encounters are still in the store."
            )
    for path in by_kind.get("outbox-state", []):
        raw = _read(path)
        try:
            state = orjson.loads(raw) if raw is not None else None
            ok = isinstance(state, dict) and all(
                isinstance(state.get(k), int) for k in ("log", "offset")
            )
        except orjson.JSONDecodeError:
            ok = False
        if not ok:
            found.bad_files.append(path)
            found.problem(
                "The outbox position outbox/state.json is damaged: --repair moves it aside and "
                "`kiosk sync` pushes the outbox again from its start (nothing is duplicated)."
            )
    for path in by_kind.get("outbox-origin", []):
        text = (_read(path) or b"").strip()
        if not (len(text) == 32 and all(c in b"0123456789abcdef" for c in text)):
            found.problem(
                "The outbox origin outbox/origin is damaged: it names this data folder in the "
                "central database; restore it from a backup."
            )


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _draft_ok(path: Path) -> bool:
    from kiosk.models import Encounter
    from kiosk.store.drafts import decode_draft

    raw = _read(path)
    if raw is None:
        return False
    try:
        Encounter.model_validate(decode_draft(raw)[0])
    except (orjson.JSONDecodeError, ValueError, TypeError):
        return False
    return True


def _schedule_ok(path: Path) -> bool:
    raw = _read(path)
    try:
        ids = orjson.loads(raw) if raw is not None else None
    except orjson.JSONDecodeError:
        return False
    return isinstance(ids, list) and all(isinstance(i, str) for i in ids)


def _check_rooming(layout: Layout, by_kind: dict[str, list[Path]], found: Findings) -> None:
    """The rooming board's day files, the rooms file and the sterilizer log: each must read
    as its records (kiosk.store.rooming_files); a damaged one is moved aside by a repair."""
    from kiosk.store.files import DamagedFileError
    from kiosk.store.rooming_files import load_day, load_log, load_rooms

    checks: list[tuple[Path, Callable[[Path], object], str]] = [
        (p, load_day, "the visit statuses of that day") for p in by_kind.get("rooming-day", [])
    ]
    checks += [(p, load_rooms, "every room's state") for p in by_kind.get("rooms", [])]
    checks += [(p, load_log, "the sterilizer log") for p in by_kind.get("sterilizer", [])]
    for path, load, lost in checks:
        try:
            load(path)
        except (DamagedFileError, OSError):
            found.bad_files.append(path)
            shown = path.relative_to(layout.root).as_posix()
            found.problem(
                f"Damaged rooming file {shown}: --repair moves it aside; {lost} must be "
                "restored from a backup or entered again."
            )


def staff_file_problem(path: Path) -> str | None:
    """Plain words for a staff file that is damaged (None when it reads, or is absent)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"The staff file staff.json cannot be read ({error.strerror})."
    try:
        accounts = json.loads(raw)["staff"]
        ok = isinstance(accounts, dict) and all(
            isinstance(r, dict) and isinstance(r.get("hash"), str) for r in accounts.values()
        )
    except (ValueError, KeyError, TypeError):
        ok = False
    if ok:
        return None
    return (
        "The staff file staff.json is damaged (truncated or overwritten): nobody can sign "
        "in. Restore it from a backup, or add the accounts again with `kiosk staff add` "
        "after moving it aside."
    )


def _check_staff(path: Path, found: Findings) -> None:
    problem = staff_file_problem(path)
    if problem is not None:
        found.problem(problem)


def _check_stock(path: Path, found: Findings) -> None:
    from kiosk.store.files import DamagedFileError
    from kiosk.store.stock import read_lots

    raw = _read(path)
    if raw is None:
        return
    try:
        read_lots(raw)
    except DamagedFileError:
        found.problem(
            "The stock file stock.json is damaged: lots cannot be checked, so no catalog test "
            "can be recorded. Restore it from a backup, or move it aside and receive the lots "
            "on hand again with `kiosk stock add`."
        )


def _check_qc_log(path: Path, found: Findings) -> None:
    from kiosk.store.qc import parse_runs

    raw = _read(path)
    if raw is None:
        return
    _, bad = parse_runs(raw)
    if bad:
        lines = ", ".join(map(str, bad[:_SHOWN])) + (" ..." if len(bad) > _SHOWN else "")
        found.problem(
            f"The QC log qc.jsonl has {len(bad)} line(s) that do not read as a control run "
            f"(line {lines}): those runs are not counted, so tests they covered need QC again. "
            "Restore the file from a backup if the runs matter for an inspection."
        )


def _check_checkpoint(layout: Layout, by_kind: dict[str, list[Path]], found: Findings) -> None:
    from kiosk.store.recovery import FORMAT

    raw = _read(layout.checkpoint)
    if raw is None:
        if by_kind.get("ids-shard") or by_kind.get("patients-shard"):
            found.index_stale = True
            found.problem(
                "Index: index/checkpoint.json is missing: --repair rebuilds the indexes and "
                "writes a new one."
            )
        return
    try:
        data = orjson.loads(raw)
        ok = (
            isinstance(data, dict)
            and data.get("format") == FORMAT
            and isinstance(data.get("logs"), dict)
            and isinstance(data.get("days"), dict)
            and all(is_day_name(d) for d in data["days"])
        )
    except orjson.JSONDecodeError:
        ok = False
    if not ok:
        found.index_stale = True
        found.problem(
            "Index: index/checkpoint.json is damaged: --repair rebuilds the indexes and writes "
            "a new one."
        )


def _check_pending(path: Path, found: Findings) -> None:
    raw = _read(path)
    if raw is None or not raw.strip():
        return
    try:
        marker = orjson.loads(raw)
    except orjson.JSONDecodeError:
        marker = None
    if isinstance(marker, dict) and {"id", "partition", "patient"} <= marker.keys():
        found.racy = True
        found.problem(
            f"An interrupted save (encounter {marker['id']}) is recorded in pending.json: "
            "--repair (or the next kiosk to start) finishes or cancels it."
        )
        return
    found.pending_damaged = True
    found.problem(
        "pending.json is damaged: an interrupted save it named cannot be told; --repair "
        "clears it and checks every index against the encounter files."
    )
    found.index_stale = True


__all__ = ["LEFTOVER_AGE_S", "check_small_files", "staff_file_problem", "walk"]
