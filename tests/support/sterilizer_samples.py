"""Sterilizer loads and procedure-assist records for the rooming and sterilizer tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kiosk.models.procedure import ProcedureAssist, Specimen, TimeOut
from kiosk.models.sterilizer import BiologicalIndicator, Load

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def sample_load(
    cycle: int = 1,
    *,
    sterilizer: str = "S1",
    day: date = date(2026, 3, 2),
    packs: tuple[str, ...] = ("PK-1", "PK-2"),
    lot: str | None = "BI-LOT-7",
    chemical: str = "pass",
) -> Load:
    return Load.model_validate(
        {
            "sterilizer": sterilizer,
            "cycle": cycle,
            "day": day,
            "operator": "ma1",
            "packs": list(packs),
            "cycle_type": "gravity",
            "minutes": 30,
            "temperature_c": 121,
            "pressure_kpa": 103,
            "chemical_indicator": chemical,
            "biological": BiologicalIndicator(lot=lot) if lot else None,
            "recorded_by": "ma1",
            "recorded_at": AT,
        }
    )


def sample_assist(*packs: str, provider: str = "Dr. Osei") -> ProcedureAssist:
    return ProcedureAssist(
        procedure="Excision of skin lesion, left forearm",
        provider=provider,
        at=datetime.now(UTC),
        by="ma1",
        role="assist",
        time_out=TimeOut(
            patient_confirmed=True, site_confirmed=True, procedure_confirmed=True, at=AT
        ),
        consent_documented=True,
        packs=list(packs),
        specimens=[Specimen(type="tissue", site="left forearm", label_confirmed=True)],
    )
