"""Which screenings are due at a visit: by age, sex and the time since the last one.

The rules are clinic settings (``[screenings]`` in kiosk.toml, :class:`ScreeningRules`); the
last time each was done is carried from the patient's earlier signed visits. Defaults follow
the USPSTF: depression yearly from 12 (2016 adults, 2022 adolescents), anxiety 18-64 (2023
adults), unhealthy alcohol use from 18 (2018); falls (CDC STEADI) yearly from 65. The yearly
interval is a project decision (the USPSTF names no interval); clinics change it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kiosk.models import Encounter, ScreeningId, Sex
from kiosk.screening.instruments import INSTRUMENT_IDS


class DueRule(BaseModel):
    """When one instrument is due."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    min_age_years: Annotated[int, Field(ge=0, le=130)] = 0
    """Due from this age (whole years) on."""
    max_age_years: Annotated[int, Field(ge=0, le=130)] | None = None
    """Due up to and including this age; unset: no upper limit."""
    sexes: tuple[Sex, ...] = ()
    """Only for these recorded sexes; empty: everyone."""
    interval_days: Annotated[int, Field(ge=0, le=3650)] = 365
    """Due again this many days after the last one done (0: every visit)."""


class ScreeningRules(BaseModel):
    """``[screenings]``: the due rules of each instrument and the PHQ-9 choice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phq9_always: bool = False
    """Ask all of PHQ-9 even when PHQ-2 is negative (below 3)."""
    phq: DueRule = DueRule(min_age_years=12)
    gad7: DueRule = DueRule(min_age_years=18, max_age_years=64)
    auditc: DueRule = DueRule(min_age_years=18)
    steadi: DueRule = DueRule(min_age_years=65)

    def rule(self, instrument: str) -> DueRule:
        rule: DueRule = getattr(self, instrument)
        return rule


@dataclass(frozen=True)
class Due:
    """One instrument and why it is (or is not) due."""

    instrument: ScreeningId
    due: bool
    why: str
    last: date | None = None


def last_done(earlier: Iterable[Encounter]) -> dict[str, date]:
    """The newest day each instrument was done (answered, or skipped as done elsewhere) in
    the patient's earlier signed visits. A decline does not count: it is asked again."""
    found: dict[str, date] = {}
    for encounter in earlier:
        if encounter.status == "draft":
            continue
        for result in encounter.screenings.results:
            if not (result.done or result.skipped == "done-elsewhere"):
                continue
            day = encounter.day
            if result.instrument not in found or day > found[result.instrument]:
                found[result.instrument] = day
    return found


def due_screenings(
    rules: ScreeningRules, age_years: int, sex: Sex, last: dict[str, date], today: date
) -> list[Due]:
    """Every instrument, in the order asked, with whether it is due today and why."""
    out: list[Due] = []
    for instrument in INSTRUMENT_IDS:
        rule = rules.rule(instrument)
        previous = last.get(instrument)
        if not rule.enabled:
            out.append(Due(instrument, False, "not used by this clinic", previous))
        elif age_years < rule.min_age_years:
            out.append(Due(instrument, False, f"from {rule.min_age_years} years", previous))
        elif rule.max_age_years is not None and age_years > rule.max_age_years:
            out.append(Due(instrument, False, f"up to {rule.max_age_years} years", previous))
        elif rule.sexes and sex not in rule.sexes:
            out.append(Due(instrument, False, f"only for {', '.join(rule.sexes)}", previous))
        elif previous is not None and today < previous + timedelta(days=rule.interval_days):
            again = previous + timedelta(days=rule.interval_days)
            out.append(Due(instrument, False, f"done {previous}, due again {again}", previous))
        else:
            why = "never done" if previous is None else f"last done {previous}"
            out.append(Due(instrument, True, why, previous))
    return out
