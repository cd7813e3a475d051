"""Reading an import file into records, each with where it was (for a report line by line).

Three formats, told apart by the name and then the content:

- CSV (``.csv``, or text whose first line is not JSON): a header row naming the columns, then
  one record per row; a record's place is its line number in the file (the header is line 1).
- FHIR NDJSON (``.ndjson``, ``.jsonl``, or one JSON object per line): one resource per line.
- a FHIR Bundle (``.json``, or the whole file one JSON object with ``resourceType`` Bundle):
  a record per ``entry[].resource``, its place ``entry N`` (from 1). A single resource that
  is not a Bundle is one record.

A line that cannot be read is a record with an ``error`` (its place kept), never an exception:
the rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from kiosk.errors import KioskError

Format = Literal["csv", "fhir"]


@dataclass(frozen=True)
class Record:
    """One record of an import file."""

    where: str
    """Its place: "line 3" or "entry 2"."""
    format: Format
    data: dict[str, Any] = field(default_factory=dict)
    """A FHIR resource, or a CSV row (column -> text, columns lower-cased)."""
    error: str = ""
    """Why it cannot be read (then ``data`` is empty)."""


def read_records(path: Path) -> list[Record]:
    """Every record of ``path``; KioskError when the file cannot be read at all."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise KioskError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KioskError(f"{path} is not a UTF-8 text file") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv(text)
    if suffix in (".ndjson", ".jsonl"):
        return _ndjson(text)
    stripped = text.lstrip()
    if not stripped:
        raise KioskError(f"{path} is empty: nothing to import")
    if stripped.startswith("{"):
        try:
            whole = orjson.loads(text)
        except orjson.JSONDecodeError:
            return _ndjson(text)  # several objects: one per line
        if isinstance(whole, dict):
            return _bundle(whole)
    if suffix == ".json":
        raise KioskError(f"{path} is not a FHIR resource or Bundle (a JSON object)")
    return _csv(text)


def _ndjson(text: str) -> list[Record]:
    records: list[Record] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            resource = orjson.loads(line)
        except orjson.JSONDecodeError:
            records.append(Record(where, "fhir", error="not valid JSON"))
            continue
        if not isinstance(resource, dict):
            records.append(Record(where, "fhir", error="not a FHIR resource (a JSON object)"))
            continue
        records.append(Record(where, "fhir", resource))
    return records


def _bundle(whole: dict[str, Any]) -> list[Record]:
    if whole.get("resourceType") != "Bundle":
        return [Record("entry 1", "fhir", whole)]
    entries = whole.get("entry") or []
    if not isinstance(entries, list):
        raise KioskError("the Bundle's entry is not a list")
    records: list[Record] = []
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            records.append(Record(where, "fhir", error="the entry has no resource"))
            continue
        records.append(Record(where, "fhir", resource))
    return records


def _csv(text: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise KioskError("the CSV file is empty: nothing to import") from None
    except csv.Error as error:
        raise KioskError(f"the CSV header cannot be read ({error})") from None
    columns = [name.strip().lower() for name in header]
    records: list[Record] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            records.append(Record(f"line {reader.line_num}", "csv", error=f"not CSV ({error})"))
            continue
        where = f"line {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            records.append(
                Record(where, "csv", error=f"{len(row)} values for {len(columns)} columns")
            )
            continue
        cells = {name: value.strip() for name, value in zip(columns, row, strict=False)}
        records.append(Record(where, "csv", cells))
    return records
