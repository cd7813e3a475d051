"""Streaming writers for ``kiosk export``: FHIR NDJSON, the stored JSON, or a CSV for a spreadsheet.

* ``fhir``: one transaction Bundle per encounter, one per line (NDJSON, as FHIR bulk data does).
* ``json``: the stored documents as they are, one per line (NDJSON rather than one JSON array,
  so a reader can stream it too and a cut file is visibly cut, never a valid shorter array).
* ``csv``: one row per encounter, vitals in canonical units (see ``CSV_COLUMNS``), UTF-8 with a
  header row. Text cells that a spreadsheet would run as a formula (starting with = + - @, tab
  or carriage return) get a leading apostrophe (OWASP "CSV injection"), and their control
  characters are written as visible escapes (``\\x1b``).

No output holds a byte a terminal would act on, so ``--out -`` on a screen is safe: JSON
escapes what orjson leaves raw (DEL, C1 controls, line separators, bidi controls) as ``\\u``
escapes, which is the same JSON. A document that cannot be converted (another tool wrote it
wrongly) is skipped and its id reported, or refused by id; never a traceback quoting it.

Memory stays flat: documents arrive one at a time and each is written before the next is read.
A file is written to a temporary file in the target folder, fsynced, then renamed over the
target, so a failure never leaves a partial file that looks complete. The file is mode 0600:
it holds PHI.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from kiosk.errors import KioskError
from kiosk.export.fhir import encounter_bundle
from kiosk.export.observations import adult_bmi, latest_taken
from kiosk.store.files import AtomicFile, fsync_dir
from kiosk.validators.text import visible

if TYPE_CHECKING:
    from kiosk.models.rooming import VisitRecord

Json = dict[str, Any]
FORMATS = ("fhir", "json", "csv")
CSV_COLUMNS = (
    "encounter_id",
    "version",
    "status",
    "patient_id",
    "signed_at",
    "staff_id",
    "systolic",
    "diastolic",
    "pulse",
    "respiratory_rate",
    "temperature_c",
    "spo2",
    "height_cm",
    "weight_kg",
    "bmi",
    "pain",
    "glucose_mg_dl",
)
_CSV_VITALS = (
    ("pulse", "pulse"),
    ("respiratory_rate", "respiratory_rate"),
    ("temperature", "temperature_c"),
    ("spo2", "spo2"),
    ("height", "height_cm"),
    ("weight", "weight_kg"),
)
PROGRESS_EVERY = 500
"""Documents between two progress callbacks (one per document would cost more than it shows)."""


class ExportError(KioskError):
    """The export cannot run or could not finish; nothing was left looking complete."""


def parse_day(option: str, text: str | None) -> date | None:
    """``--since``/``--until`` value as a date, or a message saying what is wrong with it."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ExportError(f"{option}: {text!r} is not a date (use YYYY-MM-DD)") from None


def chain_roots(amendments: Mapping[str, str]) -> dict[str, str]:
    """For every amending version's id, the id of the chain's first version.

    ``amendments`` maps an old version's id to the id of the version amending it (the store's
    index), so resource ids stay the same across versions (see ``kiosk.export.fhir``).
    """
    backward = {new: old for old, new in amendments.items()}
    roots: dict[str, str] = {}
    for new in backward:
        root = new
        while root in backward:
            root = backward[root]
        roots[new] = root
    return roots


def _safe_text(value: object) -> str:
    text = "" if value is None else str(value)
    text = visible(text, keep="\t\r\n")  # csv quotes those; no other control is written
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def safe_cell(value: object) -> str:
    """A CSV cell as the export writes it: controls made visible, and a leading ``=``,
    ``+``, ``-`` or ``@`` quoted so a spreadsheet never runs it as a formula."""
    return _safe_text(value)


_RAW_IN_JSON = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)
"""UTF-8 of what orjson writes raw and a terminal acts on: DEL, C1 controls, bidi marks,
embeddings, overrides and isolates, line and paragraph separators (C0 it escapes itself)."""


def _json_escape(found: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(found.group().decode())


def terminal_safe_json(line: bytes) -> bytes:
    """``line`` (orjson output) with those characters as ``\\u`` escapes: the same JSON."""
    return _RAW_IN_JSON.sub(_json_escape, line) if _may_hold_raw(line) else line


def _may_hold_raw(line: bytes) -> bool:
    """A quick look first (a regex over a 30 KB bundle costs more than building it): one-byte
    tests run at memchr speed; "°" (C2 B0) is the only common C2 pair, so C2 is looked at."""
    if b"\x7f" in line or b"\xe2" in line or b"\xd8" in line:
        return True
    at = line.find(b"\xc2")
    while at != -1:
        if 0x80 <= line[at + 1] <= 0x9F:
            return True
        at = line.find(b"\xc2", at + 2)
    return False


def document_id(doc: Any) -> str:
    """How a report names a document: its id, made visible, or "(no id)"."""
    found = doc.get("id") if isinstance(doc, dict) else None
    return visible(found)[:64] if isinstance(found, str) and found else "(no id)"


def csv_row(doc: Json) -> list[object]:
    """One encounter's row: identifiers as safe text, the newest taken value of each vital."""
    vitals = doc.get("vitals") or {}
    row: list[object] = [
        _safe_text(doc["id"]),
        doc["version"],
        visible(str(doc["status"])),
        _safe_text(doc["patient"]["id"]),
        visible(str(doc.get("signed_at") or "")),
        _safe_text(doc["staff_id"]),
    ]
    pressures = vitals.get("blood_pressure", [])
    for part in ("systolic", "diastolic"):
        readings = [bp[part] for bp in pressures]
        index = latest_taken(readings)
        row.append("" if index is None else readings[index]["value"])
    values = {}
    for field, column in _CSV_VITALS:
        readings = vitals.get(field, [])
        index = latest_taken(readings)
        values[column] = "" if index is None else readings[index]["value"]
    computed = adult_bmi(doc)
    pain = vitals.get("pain", [])
    pain_index = latest_taken(pain)
    glucose = (doc.get("poc") or {}).get("glucose") or {}
    row += [values[column] for _, column in _CSV_VITALS]
    row.append("" if computed is None else computed[0])
    row.append("" if pain_index is None else pain[pain_index]["value"])
    value = glucose.get("value")
    if value is not None and glucose.get("comparator"):
        value = f"{glucose['comparator']}{value}"  # a meter's HI / LO, not a measured number
    row.append(value if value is not None else "")
    return row


def write_documents(
    documents: Iterable[Json],
    fmt: str,
    out: IO[bytes],
    *,
    roots: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    skipped: list[str] | None = None,
    patient_update: str = "task",
    visits: Callable[[Json], VisitRecord | None] | None = None,
) -> int:
    """Write every document to ``out`` in ``fmt``; return how many were written.

    ``patient_update`` (FHIR only): what demographics changed at the intake become, a Task
    or a Patient update (the ``patient_update`` setting, kiosk.export.demographics).
    ``visits`` (fhir only): the document's visit on its day's rooming board, or None
    (``DayBoards`` in kiosk.export.rooming reads each day's board once).

    A document that cannot be converted to ``fmt`` is skipped and its id appended to
    ``skipped``; without that list it stops the export with an ExportError naming the id."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    roots = roots or {}
    count = 0

    def invalid(doc: Json) -> None:
        if skipped is None:
            raise ExportError(
                f"encounter {document_id(doc)} is not a valid encounter (run `kiosk check`); "
                "nothing was written"
            ) from None
        skipped.append(document_id(doc))

    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        writer = csv.writer(text)
        writer.writerow(CSV_COLUMNS)
        try:
            for doc in documents:
                try:
                    row = csv_row(doc)
                except Exception:  # a document another tool wrote wrongly: never quoted
                    invalid(doc)
                    continue
                writer.writerow(row)
                count += 1
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(count)
            text.flush()
        finally:
            text.detach()  # leave ``out`` open: the caller owns it
    else:
        newline = orjson.OPT_APPEND_NEWLINE
        dumps = orjson.dumps
        write = out.write
        for doc in documents:
            if fmt == "fhir":
                visit = visits(doc) if visits is not None else None  # its errors are not doc's
                try:
                    bundle = encounter_bundle(
                        doc,
                        root=roots.get(doc["id"]),
                        patient_update=patient_update,
                        visit=visit,
                    )
                except Exception:  # a document another tool wrote wrongly: never quoted
                    invalid(doc)
                    continue
                write(terminal_safe_json(dumps(bundle, option=newline)))
            else:
                write(terminal_safe_json(dumps(doc, option=newline)))
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
    if progress is not None:
        progress(count)
    return count


TEMP_SUFFIX = ".part"
"""An export in progress is the hidden ``.<name>.<pid>-<hex>.part`` beside its target."""


@contextmanager
def atomic_output(target: Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``target`` only if the ``with`` block finishes.

    Written as a hidden temporary file in the target's folder (so the rename cannot cross file
    systems), flushed and fsynced, then ``os.replace``d over the target and the folder fsynced.
    On any error, or Ctrl+C, the temporary file is removed and the target is left as it was.
    """
    folder = target.parent
    if target.is_dir():
        raise ExportError(f"--out: {target} is a folder; give a file name")
    if not folder.is_dir():
        raise ExportError(f"--out: the folder {folder} does not exist")
    _refuse_special(target)
    try:  # the folder's own fsync is best effort: it may not be ours (see the end)
        output = AtomicFile(target, suffix=TEMP_SUFFIX, sync_dir=False)
    except OSError as error:
        raise ExportError(f"--out: cannot write in {folder}: {error.strerror}") from None
    try:
        raw = _StreamingFile(output.fd, "wb", closefd=False)
        with io.BufferedWriter(raw, WRITE_BUFFER) as handle:
            yield handle
            handle.flush()
        output.commit()  # fsync, close, replace
    except BaseException as error:
        output.discard()
        if isinstance(error, OSError):
            raise ExportError(
                f"could not write {target}: {error.strerror or error}; nothing was written"
            ) from None
        raise
    fsync_dir(folder, best_effort=True)  # some file systems cannot; the rename itself is done


_KINDS = (
    (stat.S_ISLNK, "a link"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_special(target: Path) -> None:
    """Only a regular file (or a new name) is replaced: a device, pipe, socket or link named
    as ``--out`` stays what it is (as root, ``--out /dev/sda`` would become a PHI file)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise ExportError(f"--out: cannot use {target}: {error.strerror or error}") from None
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    raise ExportError(
        f"--out: {target} is {kind}, not a regular file: it is left as it is. "
        "Give a file name, or - for standard output"
    )


WRITE_BUFFER = 1024 * 1024
"""Bytes gathered before one ``write`` system call (a FHIR bundle is ~20 KB)."""
WRITEBACK_EVERY = 32 * 1024 * 1024
"""Bytes between two hints to the kernel to write the file out and drop what it has written."""


class _StreamingFile(io.FileIO):
    """A file written front to back that goes to disk as it grows, not all at the final fsync.

    A FHIR export of 100,000 encounters is ~2 GB. Left alone, all of it sits in the page cache
    (dirty) until the fsync, which then waits for the disk, and the kernel spends CPU finding
    fresh pages for the whole file. Every ``WRITEBACK_EVERY`` bytes, ``POSIX_FADV_DONTNEED``
    starts writing back what is dirty and drops what is already on disk, so the cache holds a
    few tens of MB, the pages are reused, and the fsync at the end has little left to do.
    Only a hint: where ``posix_fadvise`` does not exist (macOS), nothing changes.
    """

    _written = 0
    _hinted = 0

    def write(self, data: Any) -> int:
        count = super().write(data)
        self._written += count
        if self._written - self._hinted >= WRITEBACK_EVERY and hasattr(os, "posix_fadvise"):
            self._hinted = self._written
            with suppress(OSError):  # a hint: the fsync at the end writes whatever is left
                os.posix_fadvise(self.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        return count
