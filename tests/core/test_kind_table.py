"""The kind table (kiosk.validators.kinds): every kind in it is complete, so a half-added kind
fails here — ranges in the shipped file, a LOINC code, a form field and a review line."""

from __future__ import annotations

import re
import tomllib
from typing import Any, get_args

import pytest

from kiosk.config import REQUIRED_FIELD_NAMES
from kiosk.data import packaged
from kiosk.export.codes import LOINC, MEASUREMENT_CODES, kind_code
from kiosk.export.observations import ENTERED_UNITS
from kiosk.models import (
    BloodPressure,
    Encounter,
    GlucoseTest,
    Measurement,
    Patient,
    PocTests,
    VitalKind,
    Vitals,
)
from kiosk.screens.review_text import flags, poc_lines, vitals_lines
from kiosk.screens.vitals_fields import FIELDS
from kiosk.units import UNITS
from kiosk.validators.kinds import BLOOD_PRESSURE_FIELD, KIND_SPECS, KindSpec
from kiosk.validators.ranges import KINDS, load_ranges

SPECS = list(KIND_SPECS.values())
LOINC_CODE = re.compile(r"\d{1,7}-\d")


def ids(spec: KindSpec) -> str:
    return spec.kind


def test_the_table_names_every_kind_the_model_knows() -> None:
    assert set(KIND_SPECS) == set(get_args(VitalKind))
    assert all(kind == spec.kind for kind, spec in KIND_SPECS.items())


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_kind_has_ranges_in_the_shipped_file(spec: KindSpec) -> None:
    with packaged("ranges.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    assert spec.kind in raw, f"ranges.toml has no [{spec.kind}]"
    assert raw[spec.kind].get("unit", spec.canonical) == spec.canonical
    bounds = load_ranges(packaged("ranges.toml")).bounds(spec.kind)
    assert bounds.low_absolute is not None
    assert bounds.hi_absolute is not None
    assert KINDS[spec.kind] == spec.canonical


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_kind_has_a_loinc_code(spec: KindSpec) -> None:
    assert spec.loinc, spec.kind
    for coding in (*spec.loinc, *(c for _, c in spec.unit_loinc)):
        assert LOINC_CODE.fullmatch(coding.code), coding
        assert coding.display.strip(), coding
    code = MEASUREMENT_CODES[spec.kind]
    assert code == kind_code(spec.kind)
    assert code["coding"][0] == {
        "system": LOINC,
        "code": spec.loinc[0].code,
        "display": spec.loinc[0].display,
    }
    for unit, coding in spec.unit_loinc:
        assert unit in UNITS
        assert kind_code(spec.kind, unit)["coding"][0]["code"] == coding.code


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_kind_has_units_the_unit_table_knows(spec: KindSpec) -> None:
    for unit in (spec.canonical, spec.default_us, spec.default_metric, *spec.fhir_units):
        assert unit in UNITS, (spec.kind, unit)
        assert UNITS[unit].dimension == spec.dimension, (spec.kind, unit)
    assert ENTERED_UNITS.get(spec.kind, frozenset()) == spec.fhir_units


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_kind_has_a_form_field_on_its_step(spec: KindSpec) -> None:
    section, _, attribute = spec.required[0].partition(".")
    form = spec.field
    assert form.label.strip()
    assert form.placeholder_us.strip()
    assert form.placeholder_metric.strip()
    assert form.widget_id.startswith(f"{section}-"), "the step protocol wants its prefix"
    if section == "vitals" and form is not BLOOD_PRESSURE_FIELD:
        assert attribute == spec.kind
        assert spec in FIELDS, f"{spec.kind} is not laid out on the vitals step"
    else:
        assert spec not in FIELDS


def test_form_fields_have_distinct_ids() -> None:
    fields = {id(spec.field): spec.field for spec in SPECS}.values()
    widget_ids = [form.widget_id for form in fields]
    assert len(widget_ids) == len(set(widget_ids))


def test_the_vitals_fields_follow_the_model() -> None:
    assert [spec.kind for spec in FIELDS] == list(Vitals.SINGLE_KINDS)
    lists = [name for name in Vitals.model_fields if name not in ("consciousness", "spo2_scale")]
    assert lists == ["blood_pressure", *Vitals.SINGLE_KINDS]


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_kind_is_a_required_field_name(spec: KindSpec) -> None:
    name, words = spec.required
    assert REQUIRED_FIELD_NAMES[name] == words


def _abnormal(spec: KindSpec, cls: type[Measurement] = Measurement, **extra: Any) -> Any:
    value = {"systolic": 150.0, "diastolic": 95.0}.get(spec.kind, 1.0)
    return cls(
        kind=spec.kind, entered="1", value=value, unit=spec.canonical, status="high", **extra
    )


def _encounter_with(spec: KindSpec) -> Encounter:
    """An encounter holding one high reading of ``spec``'s kind, where its required name says."""
    section, _, attribute = spec.required[0].partition(".")
    vitals, poc = Vitals(), PocTests()
    if attribute == "blood_pressure":
        vitals = Vitals(
            blood_pressure=[
                BloodPressure(
                    systolic=_abnormal(KIND_SPECS["systolic"]),
                    diastolic=_abnormal(KIND_SPECS["diastolic"]),
                )
            ]
        )
    elif section == "vitals":
        cls = Vitals.model_fields[attribute].annotation
        item = get_args(cls)[0]
        vitals = Vitals(**{attribute: [_abnormal(spec, item)]})
    else:
        poc = PocTests(**{attribute: _abnormal(spec, GlucoseTest)})
    patient = Patient(id="K-1", family_name="Kind", given_name="Table", birth_date="1970-01-01")
    return Encounter(staff_id="ma1", patient=patient, vitals=vitals, poc=poc)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_kind_has_a_review_line(spec: KindSpec) -> None:
    encounter = _encounter_with(spec)
    flagged = [flag.text for flag in flags(encounter)]
    assert any(f"high  {spec.label} " in text for text in flagged), flagged
    lines = vitals_lines(encounter) + poc_lines(encounter)
    heading = "Blood pressure" if spec.field is BLOOD_PRESSURE_FIELD else spec.label
    assert any(line.startswith(f"{heading}: ") and "not done" not in line for line in lines)
