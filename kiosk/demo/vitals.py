"""Demo vital signs: plausible numbers for an age, then the text an MA would type for them.

Two steps so each stays readable: :func:`plan_vitals` picks canonical numbers (mostly normal
for the age, some abnormal, a few critical), :func:`build_vitals` spells them the way they are
typed on a US or metric kiosk ("98.6", "37.2C", "5'10\"", "176#", "7 lb 4 oz") and runs them
through ``check_vital`` so statuses and messages are the kiosk's own. A spelling the clinic's
range table rejects is left out rather than saved (a clinic may tighten its ranges).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from kiosk.models import BloodPressure, Measurement, SpO2, Temperature, Vitals
from kiosk.validators import check_blood_pressure, check_vital, to_measurement

System = Literal["us", "metric"]
Consciousness = Literal["A", "C", "V", "P", "U"]


@dataclass
class VitalsPlan:
    """The canonical numbers of one visit, before they are spelled and checked."""

    temperature_c: float
    blood_pressure: list[tuple[int, int]]
    """Readings in order; empty when not taken (under 3 years)."""
    pulse: int
    respiratory_rate: int
    spo2: int
    on_oxygen: bool
    o2_flow: float | None
    pain: int | None
    weight_kg: float
    height_cm: float
    head_cm: float | None
    """Only under 2 years."""
    glucose_mg_dl: int
    consciousness: Consciousness = "A"


_CHILD_RATES: tuple[tuple[float, tuple[int, int], tuple[int, int]], ...] = (
    # age below (years), pulse range, respiratory-rate range: roughly the middle half of
    # the Fleming 2011 centiles, so most demo children read normal for their age.
    (0.25, (125, 160), (35, 55)),
    (1, (115, 145), (32, 48)),
    (1.5, (105, 135), (29, 44)),
    (2, (100, 130), (26, 38)),
    (3, (95, 125), (23, 33)),
    (6, (85, 115), (21, 26)),
    (8, (78, 108), (19, 23)),
    (12, (70, 100), (17, 21)),
    (15, (65, 95), (16, 20)),
    (18, (60, 90), (14, 18)),
    (float("inf"), (58, 98), (12, 19)),
)


def _growth(rng: random.Random, age: float, sex: str) -> tuple[float, float]:
    """(weight kg, height cm): rough growth curves for children, BMI spread for adults."""
    if age < 1:
        weight, height = 3.4 + 6.6 * age, 50 + 25 * age
    elif age < 2:
        weight, height = 10 + 2.5 * (age - 1), 75 + 12 * (age - 1)
    elif age < 12:
        weight, height = 2 * age + 8, 6 * age + 77
    elif age < 18:
        weight, height = 32 + 5 * (age - 12), 149 + 4 * (age - 12)
    else:
        height = rng.gauss(176 if sex == "male" else 162, 7)
        bmi = min(max(rng.gauss(28, 5.5), 17), 55)
        return bmi * (height / 100) ** 2, height
    return weight * rng.uniform(0.85, 1.15), height * rng.uniform(0.95, 1.05)


def plan_vitals(
    rng: random.Random,
    age: float,
    sex: str,
    problems: set[str],
    tag: str,
    severity: int | None,
) -> VitalsPlan:
    """Numbers for one visit; ``tag`` ("fever", "breath", ...) comes from the complaint."""
    pulse_range, rr_range = next(
        (pulse_band, rr_band) for upto, pulse_band, rr_band in _CHILD_RATES if age < upto
    )
    pulse, rr = rng.randint(*pulse_range), rng.randint(*rr_range)
    temp = round(rng.uniform(36.3, 37.4), 1)
    hypertensive = "Hypertension" in problems or tag == "chest"
    if age < 12:
        sys_, dia = rng.randint(85, 95) + int(age), rng.randint(42, 52) + int(age)
    elif age < 18:
        sys_, dia = rng.randint(100, 118), rng.randint(58, 72)
    elif hypertensive:
        sys_, dia = rng.randint(120, 155), rng.randint(72, 94)
    else:
        sys_, dia = rng.randint(104, 130) + (6 if age > 60 else 0), rng.randint(62, 84)
    spo2, on_oxygen, flow = rng.randint(96, 100), False, None
    if "COPD" in problems:
        spo2 = rng.randint(92, 95)
        if rng.random() < 0.3:
            on_oxygen, flow, spo2 = True, float(rng.randint(1, 3)), rng.randint(92, 96)
    glucose = rng.randint(80, 140) if "Type 2 diabetes" not in problems else rng.randint(110, 260)
    if tag == "fever" or (tag == "" and rng.random() < 0.05):
        temp, pulse = round(rng.uniform(38.1, 39.4), 1), pulse + rng.randint(8, 20)
    if tag == "breath":
        spo2, rr = min(spo2, rng.randint(91, 95)), rng.randint(19, 24)
    if tag == "dizzy":
        sys_, dia = rng.randint(92, 104), rng.randint(55, 64)
    if tag == "glucose":
        glucose = rng.choice((rng.randint(55, 68), rng.randint(250, 390)))
    if age >= 12 and rng.random() < 0.12:  # one more abnormal, unrelated finding
        which = rng.randrange(3)
        if which == 0:
            pulse = rng.randint(101, 120)
        elif which == 1:
            sys_, dia = rng.randint(142, 170), rng.randint(88, 100)
        else:
            rr = rng.randint(21, 24)
    consciousness: Consciousness = "A"
    if age >= 12 and rng.random() < 0.06:  # a few critical findings
        which = rng.randrange(6)
        if which == 0:
            sys_, dia = rng.randint(182, 205), rng.randint(100, 125)
        elif which == 1:
            spo2 = rng.randint(85, 89)
        elif which == 2:
            temp = round(rng.uniform(40.1, 40.6), 1)
        elif which == 3:
            pulse = rng.randint(132, 150)
        elif which == 4:
            sys_, dia = rng.randint(80, 88), rng.randint(45, 55)
        else:
            glucose = rng.choice((rng.randint(40, 48), rng.randint(420, 520)))
        if rng.random() < 0.2:
            consciousness = "C"
    dia = min(dia, sys_ - 20)
    readings = [(sys_, dia)] if age >= 3 else []
    if sys_ >= 140 or dia >= 90:  # repeat a high reading after five minutes' rest
        again = sys_ - rng.randint(0, 12)
        readings.append((again, min(dia - rng.randint(0, 6), again - 20)))
    weight, height = _growth(rng, age, sex)
    head = None
    if age < 2:
        head = (35 + 11 * age if age < 1 else 46 + 2 * (age - 1)) * rng.uniform(0.97, 1.03)
    return VitalsPlan(
        temperature_c=temp,
        blood_pressure=readings,
        pulse=pulse,
        respiratory_rate=rr,
        spo2=spo2,
        on_oxygen=on_oxygen,
        o2_flow=flow,
        pain=severity if age >= 3 else None,
        weight_kg=weight,
        height_cm=height,
        head_cm=head,
        glucose_mg_dl=glucose,
        consciousness=consciousness,
    )


# --------------------------------------------------------------------------- spelling


def _temperature_text(rng: random.Random, celsius: float, system: System) -> str:
    if system == "metric":
        return rng.choice((f"{celsius:.1f}", f"{celsius:.1f}C", f"{celsius:.1f} °C"))
    fahrenheit = celsius * 9 / 5 + 32
    return rng.choice((f"{fahrenheit:.1f}", f"{fahrenheit:.1f}F", f"{fahrenheit:.1f} °F"))


def _weight_text(rng: random.Random, kg: float, age: float, system: System) -> str:
    if system == "metric":
        return rng.choice((f"{kg:.1f} kg", f"{kg:.1f}")) if age >= 2 else f"{kg:.2f} kg"
    pounds = kg / 0.45359237
    if age < 2:
        whole, ounces = divmod(round(pounds * 16), 16)
        return f"{whole} lb {ounces} oz"
    return rng.choice((f"{pounds:.0f}", f"{pounds:.0f} lb", f"{pounds:.0f} lbs", f"{pounds:.0f}#"))


def _height_text(rng: random.Random, cm: float, system: System) -> str:
    if system == "metric":
        return rng.choice((f"{cm:.1f} cm", f"{cm:.0f}", f"{cm / 100:.2f} m"))
    inches = round(cm / 2.54)
    feet, rest = divmod(inches, 12)
    if feet < 3:
        return rng.choice((f"{inches}", f"{inches} in"))
    return rng.choice((f"{feet}'{rest}\"", f"{feet} ft {rest} in", f"{inches} in", f"{inches}"))


def build_vitals(
    plan: VitalsPlan, age: float, system: System, taken: datetime, rng: random.Random
) -> Vitals:
    """Spell, check and assemble the readings of ``plan``."""

    def reading(
        kind: str, text: str, cls: type[Measurement] = Measurement, **extra: object
    ) -> list[Measurement]:
        check = check_vital(kind, text, age_years=age, system=system)
        return [to_measurement(check, taken_at=taken, cls=cls, **extra)] if check.ok else []

    pressures = []
    if not plan.blood_pressure:
        pressures.append(
            BloodPressure(
                systolic=Measurement(
                    kind="systolic", unit="mm[Hg]", not_taken="not-done", taken_at=taken
                ),
                diastolic=Measurement(
                    kind="diastolic", unit="mm[Hg]", not_taken="not-done", taken_at=taken
                ),
                cuff="child",
            )
        )
    cuff = "child" if age < 12 else ("large-adult" if plan.weight_kg > 110 else "adult")
    for number, (sys_, dia) in enumerate(plan.blood_pressure):
        high, low = check_blood_pressure(f"{sys_}/{dia}", age_years=age, system=system)
        if high.ok and low.ok:
            at = taken + timedelta(minutes=5 * number)
            pressures.append(
                BloodPressure(
                    systolic=to_measurement(high, taken_at=at),
                    diastolic=to_measurement(low, taken_at=at),
                    position="sitting",
                    site=rng.choice(("left-arm", "right-arm")),
                    cuff=cuff,
                )
            )
    route = rng.choice(("rectal", "axillary", "temporal")) if age < 2 else "oral"
    if age >= 2 and rng.random() < 0.3:
        route = rng.choice(("tympanic", "temporal"))
    oxygen = {"on_oxygen": plan.on_oxygen, "o2_flow_l_min": plan.o2_flow}
    pain = []
    if plan.pain is not None:
        pain = reading("pain", rng.choice((f"{plan.pain}", f"{plan.pain}/10")))
    head = []
    if plan.head_cm is not None:
        head_text = (
            f"{plan.head_cm:.1f} cm" if system == "metric" else f"{plan.head_cm / 2.54:.1f} in"
        )
        head = reading("head_circumference", head_text)
    return Vitals(
        blood_pressure=pressures,
        pulse=reading("pulse", rng.choice((f"{plan.pulse}", f"{plan.pulse} bpm"))),
        respiratory_rate=reading("respiratory_rate", f"{plan.respiratory_rate}"),
        temperature=reading(
            "temperature",
            _temperature_text(rng, plan.temperature_c, system),
            Temperature,
            route=route,
        ),
        spo2=reading("spo2", rng.choice((f"{plan.spo2}%", f"{plan.spo2}")), SpO2, **oxygen),
        height=reading("height", _height_text(rng, plan.height_cm, system)),
        weight=reading("weight", _weight_text(rng, plan.weight_kg, age, system)),
        pain=pain,
        head_circumference=head,
        consciousness=plan.consciousness,
    )
