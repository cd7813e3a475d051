"""Screenings as FHIR R4: a QuestionnaireResponse per instrument, an Observation per total.

Each answered instrument becomes a ``QuestionnaireResponse`` (its items' linkIds are the LOINC
item codes, answers the LOINC answer codes, from ``kiosk/data/screenings.toml``, where each
panel is cited) and, for the instruments with a LOINC total, an ``Observation`` of category
``survey`` with ``derivedFrom`` the response: PHQ-2 55758-7 (also for a PHQ-9, from its first
two items), PHQ-9 44261-6, GAD-7 70274-6, AUDIT-C 75626-2. STEADI has no LOINC panel: its
response carries the kiosk's local item codes. A skipped instrument is an Observation with its
``dataAbsentReason``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from kiosk.export.codes import ABSENT, LOINC, category, concept
from kiosk.export.observations import Context, Json
from kiosk.screening.instruments import Instrument, instruments

SURVEY = category("survey", "Survey")
LOCAL_SYSTEM = "urn:kiosk:screening"
"""Code system of the items without a LOINC code (STEADI's three key questions)."""
LOINC_QUESTIONNAIRE = "http://loinc.org/q/"
"""Canonical of a LOINC panel as a Questionnaire (the LOINC/LHC forms convention)."""

SKIP_REASONS: dict[str, Json] = {
    "declined": concept(ABSENT, "asked-declined", "Asked But Declined"),
    "done-elsewhere": concept(ABSENT, "not-performed", "Not Performed"),
    "not-appropriate": concept(ABSENT, "not-applicable", "Not Applicable"),
}
TOTAL_DISPLAY: dict[str, str] = {
    "55758-7": "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]",
    "44261-6": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    "70274-6": "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    "75626-2": "Total score [AUDIT-C]",
}


@cache
def _answered_items(instrument_id: str) -> dict[tuple[str, int], Json]:
    """Every (item code, answer score) of an instrument as its response item, built once and
    shared by every bundle (serialised, never modified)."""
    instrument = instruments()[instrument_id]
    out: dict[tuple[str, int], Json] = {}
    for item in instrument.asked:
        for answer in instrument.choices(item):
            coding = {"system": LOINC, "code": answer.code, "display": answer.text}
            out[item.code, answer.value] = {
                "linkId": item.code,
                "text": item.text,
                "answer": [{"valueCoding": coding}],
            }
    return out


def _items(instrument: Instrument, answers: dict[str, int]) -> list[Json]:
    table = _answered_items(instrument.id)
    return [table[code, value] for code, value in answers.items()]


def _total(
    ctx: Context, key: str, code: str, value: int, when: str, source: Json, band: str
) -> None:
    obs: Json = {
        "resourceType": "Observation",
        "status": ctx.status,
        "category": SURVEY,
        "code": {"coding": [{"system": LOINC, "code": code, "display": TOTAL_DISPLAY[code]}]},
        "subject": ctx.patient,
        "encounter": ctx.encounter,
        "effectiveDateTime": when,
        "performer": ctx.performer,
        "valueInteger": value,
        "derivedFrom": [source],
    }
    if band:
        obs["interpretation"] = [{"text": band}]
    ctx.add(key, obs)


def add_screenings(ctx: Context, doc: Json) -> None:
    """The encounter's screenings (stored as ``doc["screenings"]``) into the bundle."""
    section: dict[str, Any] = doc.get("screenings") or {}
    defs = instruments()
    for result in section.get("results", []):
        instrument = defs[result["instrument"]]
        key = f"screening/{result['instrument']}"
        when = result.get("at") or doc.get("signed_at") or doc["started_at"]
        if result.get("skipped"):
            if instrument.total_code:
                obs: Json = {
                    "resourceType": "Observation",
                    "status": ctx.status,
                    "category": SURVEY,
                    "code": {"coding": [{"system": LOINC, "code": instrument.total_code}]},
                    "subject": ctx.patient,
                    "encounter": ctx.encounter,
                    "effectiveDateTime": when,
                    "dataAbsentReason": SKIP_REASONS[result["skipped"]],
                }
                ctx.add(key + "/skipped", obs)
            continue
        if result.get("total") is None:
            continue
        answers: dict[str, int] = result["answers"]
        short = instrument.gate is not None and result.get("form") == instrument.gate.name
        panel = instrument.gate.panel if short and instrument.gate else instrument.panel
        by_patient = result.get("answered_by") == "patient"
        response: Json = {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "subject": ctx.patient,
            "encounter": ctx.encounter,
            "authored": when,
            "author": ctx.patient if by_patient else ctx.performer[0],
            "source": ctx.patient,
            "item": _items(instrument, answers),
        }
        if panel:
            response["questionnaire"] = LOINC_QUESTIONNAIRE + panel
        if result.get("language") and result["language"] != "en":
            response["language"] = result["language"]
        source = ctx.add(key, response)
        band = result.get("band", "")
        if instrument.gate is not None:
            gate = instrument.gate
            first = sum(answers.get(item.code, 0) for item in instrument.items[: gate.items])
            gate_band = "positive" if first >= gate.at_least else "negative"
            _total(ctx, key + "/short-total", gate.total_code, first, when, source, gate_band)
            if short:
                continue
        if instrument.total_code:
            _total(ctx, key + "/total", instrument.total_code, result["total"], when, source, band)
