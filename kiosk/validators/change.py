"""Change from the last visit: is a new weight or height plausible next to the last one?

A 15 lb drop in a month or an adult 8.6 cm taller is far more often a typing or scale slip
(lb typed as kg, shoes on, the wrong patient's chart) than a fact, so the vitals step asks the
MA to confirm such a change before Next. Pure functions over canonical values (kg, cm); the
limits are clinic settings (``[change_limits]`` in ``config/kiosk.toml``, read and checked by
:mod:`kiosk.config`).

The rules (project decisions, documented in ``config/kiosk.toml``):

* **Weight**, at every age and in both directions: flagged when the change exceeds the
  *smaller* of ``weight_percent`` of the last weight and ``weight_kg`` (defaults 5 % and 5 kg).
  So 70 kg flags beyond 3.5 kg, 150 kg beyond 5 kg, a 4 kg infant beyond 0.2 kg: the smaller
  limit is the more sensitive one, and a tick costs the MA one key, while a wrong weight feeds
  doses. Growth between children's visits is therefore often flagged; that is intended.
* **Height of an adult** (``adult_age_years``, default 18, or older on the day of this visit):
  flagged beyond ``adult_height_cm`` (default 2 cm) either way.
* **Height of a child**: children grow, so an increase is never flagged; a decrease of more
  than ``child_height_decrease_cm`` (default 0: any decrease) is.

The time between the visits is not taken into account.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from kiosk import units
from kiosk.validators.kinds import KIND_SPECS

System = Literal["us", "metric"]
CHANGE_KINDS = ("height", "weight")
"""The kinds whose change from the last visit is checked."""


@dataclass(frozen=True, slots=True)
class ChangeLimits:
    """How far a weight or height may move from the last visit before the MA must confirm."""

    weight_percent: float = 5.0
    weight_kg: float = 5.0
    adult_height_cm: float = 2.0
    child_height_decrease_cm: float = 0.0
    adult_age_years: float = 18.0

    def __post_init__(self) -> None:
        for name in (
            "weight_percent",
            "weight_kg",
            "adult_height_cm",
            "child_height_decrease_cm",
            "adult_age_years",
        ):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number of zero or more, not {value!r}")


@dataclass(frozen=True, slots=True)
class Change:
    """A new reading beside the last visit's: ``flagged`` when it needs the MA's confirmation."""

    kind: str
    now: float
    last: float
    limit: float | None
    """The allowed change in the canonical unit; None when any change is allowed (a child
    growing)."""
    flagged: bool

    @property
    def difference(self) -> float:
        return self.now - self.last


def check_change(
    kind: str,
    now: float,
    last: float,
    *,
    age_years: float | None,
    limits: ChangeLimits | None = None,
) -> Change:
    """Compare canonical ``now`` with ``last`` (kg or cm) under the clinic's limits.

    ``age_years`` is the patient's age on this visit (None: unknown, treated as an adult).
    ValueError for a kind other than weight or height.
    """
    limits = limits or ChangeLimits()
    difference = now - last
    if kind == "weight":
        limit = min(limits.weight_percent / 100 * abs(last), limits.weight_kg)
        return Change(kind, now, last, limit, abs(difference) > limit + 1e-9)
    if kind == "height":
        adult = age_years is None or age_years >= limits.adult_age_years
        if adult:
            limit = limits.adult_height_cm
            return Change(kind, now, last, limit, abs(difference) > limit + 1e-9)
        shrunk = -difference > limits.child_height_decrease_cm + 1e-9
        return Change(kind, now, last, None, shrunk)
    raise ValueError(f"no change limits for {kind!r} (only {', '.join(CHANGE_KINDS)})")


def clinic_unit(kind: str, system: System) -> str:
    """The UCUM unit the clinic types ``kind`` in: lb and in on a US kiosk, kg and cm else."""
    spec = KIND_SPECS[kind]
    return spec.default_us if system == "us" else spec.default_metric


def in_clinic_units(kind: str, canonical: float, system: System) -> str:
    """A canonical value as the clinic reads it: 74.9 kg -> "165.1 lb" on a US kiosk."""
    ucum = clinic_unit(kind, system)
    spec = KIND_SPECS[kind]
    value = round(units.convert(canonical, spec.canonical, ucum), max(spec.shown, 1))
    return _with_unit(value, ucum)


def _with_unit(value: float, ucum: str) -> str:
    text = f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    if ucum == "{score}":
        return f"{text}/10"
    if ucum in ("/min", "%"):
        return f"{text}{units.symbol(ucum)}"
    return f"{text} {units.symbol(ucum)}"


def change_message(change: Change, system: System, last_day: date | None = None) -> str:
    """ "Weight 15 lb less than last visit (180 lb, 2026-03-01)", in the clinic's units."""
    kind = change.kind
    ucum = clinic_unit(kind, system)
    spec = KIND_SPECS[kind]
    amount = units.convert(abs(change.difference), spec.canonical, ucum)
    shown = _with_unit(round(amount, 1), ucum)
    direction = "less" if change.difference < 0 else "more"
    if kind == "height":
        direction = "shorter" if change.difference < 0 else "taller"
    last = in_clinic_units(kind, change.last, system)
    when = f", {last_day.isoformat()}" if last_day is not None else ""
    return f"{kind.capitalize()} {shown} {direction} than last visit ({last}{when})"
