"""The patient banner: one row at the top of every step, so the chart is never misread.

Left: the patient's name in capitals, date of birth, age and MRN; right: the step and where it
is in the intake. Reverse video keeps it distinct even at 16 colours.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kiosk.validators.age import age_short
from kiosk.widgets.inert import inert

if TYPE_CHECKING:
    from kiosk.models import Patient


def identity_line(patient: Patient) -> str:
    age = age_short(patient.birth_date, date.today())
    return (
        f"{patient.family_name.upper()}, {patient.given_name}  ·  "
        f"DOB {patient.birth_date:%Y-%m-%d} ({age})  ·  {patient.id}"
    )


class PatientBanner(Horizontal):
    """Who the chart belongs to, and which step this is."""

    DEFAULT_CSS = """
    PatientBanner {
        dock: top;
        height: 1;
        width: 1fr;
        background: $primary;
        color: $text;
    }
    PatientBanner:ansi {
        text-style: reverse;
    }
    PatientBanner > #banner-patient {
        width: auto;
        text-style: bold;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    PatientBanner > #banner-step {
        width: 1fr;
        padding: 0 1;
        text-align: right;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, patient: Patient, step: str) -> None:
        super().__init__(id="banner")
        self._patient = patient
        self._step = step

    def compose(self) -> ComposeResult:
        yield Static(inert(identity_line(self._patient)), id="banner-patient")
        yield Static(self._step, id="banner-step")
