"""The patient list's rows: the cells of each patient and the order of today's list.

Today's list keeps its stable order (appointments, then visits as they started) except that a
visit waiting past its threshold (``[rooming.thresholds]``) comes first, the longest wait
first, and done visits go last: what needs someone now is at the top. A late wait says
"LATE" in reverse video, so it reads in 16 colours, without colour and to a screen reader.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from kiosk.models import Patient
from kiosk.models.rooming import STATUS_WORDS, Thresholds, VisitRecord, waiting
from kiosk.store.queries import Visit
from kiosk.validators.text import visible

SHORT_STEP = {"demographics": "demogr.", "poc": "POC"}
"""Step names as the list's Visit column shows them (it must fit 80 columns)."""
COLUMNS = (
    ("mark", " "),
    ("name", "Name"),
    ("born", "Born"),
    ("mrn", "MRN"),
    ("status", "Status"),
    ("room", "Room"),
    ("wait", "Wait"),
    ("visit", "Intake"),
)
LATE_STYLE = "bold reverse"


def visit_text(visit: Visit | None) -> str:
    """A visit's intake state for the list's Intake column, in the kiosk's local time: the
    step an unfinished intake was left at ("vitals 10:42"), "elsewhere" (open on another
    terminal), "signed 11:05" or "waiting" (short: the row must fit 80 columns)."""
    if visit is None:
        return ""
    at = f"{visit.at.astimezone():%H:%M}" if visit.at is not None else ""
    if visit.state == "draft":
        step = SHORT_STEP.get(visit.step, visit.step) or "start"
        return f"{step} {at}".rstrip()
    if visit.state == "open-elsewhere":
        return "elsewhere"
    if visit.state == "signed":
        return f"signed {at}".rstrip()
    return "waiting"


def wait_cell(record: VisitRecord | None, now: datetime, limits: Thresholds) -> str | Text:
    if record is None or record.status == "done":
        return ""
    minutes, flag = waiting(record, now, limits)
    if flag:
        return Text(f"{minutes}m LATE", style=LATE_STYLE)
    return f"{minutes}m"


def cells(
    patient: Patient, visit: Visit | None, now: datetime, limits: Thresholds
) -> tuple[str | Text, ...]:
    record = visit.rooming if visit is not None else None
    return (
        " ",
        visible(f"{patient.family_name.upper()}, {patient.given_name}"),
        f"{patient.birth_date:%Y-%m-%d}",
        visible(patient.id),
        STATUS_WORDS[record.status] if record else "",
        visible(record.room) if record else "",
        wait_cell(record, now, limits),
        "" if record and visit and visit.state == "waiting" else visit_text(visit),
    )


def urgency_order(
    rows: list[Patient], visits: dict[str, Visit], now: datetime, limits: Thresholds
) -> list[Patient]:
    """``rows`` with late visits first (the longest wait first), done visits last, the rest
    in their order (sorted() is stable)."""

    def key(item: tuple[int, Patient]) -> tuple[int, int, int]:
        position, patient = item
        visit = visits.get(patient.id)
        record = visit.rooming if visit is not None else None
        if record is None:
            return (1, 0, position)
        if record.status == "done":
            return (2, 0, position)
        minutes, flag = waiting(record, now, limits)
        return (0, -minutes, position) if flag else (1, 0, position)

    return [patient for _, patient in sorted(enumerate(rows), key=key)]


__all__ = ["COLUMNS", "SHORT_STEP", "cells", "urgency_order", "visit_text"]
