"""The sterilizer log: each load, its indicators, which sterilizers are out of service, recall.

Rules from the CDC's Guideline for Disinfection and Sterilization in Healthcare Facilities
(2008, updated 2019), "Sterilizing practices": every load is recorded with its sterilizer,
cycle number, date, operator, contents, cycle type and parameters (time, temperature,
pressure) and a chemical indicator; a biological indicator is run at least weekly; after a
positive (failed) biological indicator the sterilizer is taken out of service and the items
processed since the last negative (passing) indicator are recalled; sterilization records
are retained as the Joint Commission, statutes of limitations and state and federal
regulations require. The kiosk never deletes a load (kept indefinitely, so longer than any
of those periods); a clinic's records officer archives them.

A pack id is the label put on one pack for one load (a load sticker): it is unique in the
log, so a recall through a visit's procedure record always names the load it came from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from kiosk.models.base import KioskModel, Text
from kiosk.models.procedure import PackId

Result = Literal["pass", "fail"]
CycleType = Literal["gravity", "prevacuum", "immediate-use", "dry-heat", "chemical-vapor"]
SterilizerId = Annotated[
    str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]


class BiologicalIndicator(KioskModel):
    """The spore test in a load: its lot, and the result after incubation."""

    lot: Annotated[str, Field(min_length=1, max_length=40)]
    result: Result | None = None
    """None while incubating."""
    read_at: AwareDatetime | None = None
    read_by: Text = ""


class Load(KioskModel):
    """One sterilizer cycle and what it held."""

    sterilizer: SterilizerId
    cycle: Annotated[int, Field(ge=1, le=10_000_000)]
    day: date
    operator: Annotated[str, Field(min_length=1, max_length=64)]
    packs: list[PackId] = Field(default_factory=list)
    cycle_type: CycleType
    minutes: Annotated[float, Field(gt=0, le=600, allow_inf_nan=False)]
    temperature_c: Annotated[float, Field(ge=20, le=250, allow_inf_nan=False)]
    pressure_kpa: Annotated[float, Field(ge=0, le=500, allow_inf_nan=False)] | None = None
    chemical_indicator: Result
    biological: BiologicalIndicator | None = None
    recorded_by: Annotated[str, Field(min_length=1, max_length=80)]
    recorded_at: AwareDatetime

    @model_validator(mode="after")
    def _packs_once(self) -> Load:
        if len(set(self.packs)) != len(self.packs):
            raise ValueError("a pack id is listed twice in the load")
        return self

    @property
    def key(self) -> tuple[date, int]:
        return (self.day, self.cycle)


class OutOfService(KioskModel):
    since: AwareDatetime
    cycle: int
    """The load whose biological indicator failed."""


class SterilizerLog(KioskModel):
    """Every load ever recorded, and the sterilizers out of service now."""

    loads: list[Load] = Field(default_factory=list)
    out_of_service: dict[str, OutOfService] = Field(default_factory=dict)

    def find(self, sterilizer: str, cycle: int) -> Load | None:
        return next((x for x in self.loads if (x.sterilizer, x.cycle) == (sterilizer, cycle)), None)

    def load_of_pack(self, pack: str) -> Load | None:
        return next((x for x in self.loads if pack in x.packs), None)


class SterilizerError(ValueError):
    """A log change refused; the message says why in plain words."""


def add_load(log: SterilizerLog, load: Load) -> SterilizerLog:
    """``log`` with ``load``: refused for a known cycle, a pack already labelled, or packs in an
    out-of-service sterilizer (a test cycle without packs may run, to bring it back)."""
    if log.find(load.sterilizer, load.cycle) is not None:
        raise SterilizerError(f"Sterilizer {load.sterilizer} cycle {load.cycle} is already logged.")
    for pack in load.packs:
        earlier = log.load_of_pack(pack)
        if earlier is not None:
            raise SterilizerError(
                f"Pack {pack} is already in sterilizer {earlier.sterilizer} cycle "
                f"{earlier.cycle}: label each pack anew for each load."
            )
    if load.sterilizer in log.out_of_service and load.packs:
        raise SterilizerError(
            f"Sterilizer {load.sterilizer} is out of service (a failed biological indicator): "
            "only a test cycle without packs may run until a biological indicator passes."
        )
    return log.model_copy(update={"loads": [*log.loads, load]})


def set_result(
    log: SterilizerLog,
    sterilizer: str,
    cycle: int,
    result: Result,
    *,
    by: str,
    at: datetime,
    lot: str | None = None,
) -> SterilizerLog:
    """Record a biological indicator's result; a fail takes the sterilizer out of service, a
    pass in a later cycle than the failed one brings it back."""
    load = log.find(sterilizer, cycle)
    if load is None:
        raise SterilizerError(f"No load of sterilizer {sterilizer} with cycle {cycle} is logged.")
    bi = load.biological
    if bi is None:
        if not lot:
            raise SterilizerError("That load has no biological indicator: give its lot (--lot).")
        bi = BiologicalIndicator(lot=lot)
    elif bi.result is not None:
        raise SterilizerError(
            f"The biological indicator of cycle {cycle} was already read ({bi.result})."
        )
    read = bi.model_copy(update={"result": result, "read_at": at, "read_by": by})
    loads = [x.model_copy(update={"biological": read}) if x is load else x for x in log.loads]
    out = dict(log.out_of_service)
    if result == "fail":
        out[sterilizer] = OutOfService(since=at, cycle=cycle)
    elif sterilizer in out and cycle > out[sterilizer].cycle:
        del out[sterilizer]
    return SterilizerLog(loads=loads, out_of_service=out)


def recall(log: SterilizerLog, sterilizer: str) -> list[Load]:
    """The loads of ``sterilizer`` since its last passing biological indicator (all of its
    loads if none ever passed), oldest first: every pack in them is recalled."""
    mine = sorted((x for x in log.loads if x.sterilizer == sterilizer), key=lambda x: x.key)
    passed = [x.key for x in mine if x.biological is not None and x.biological.result == "pass"]
    last = max(passed) if passed else None
    return [x for x in mine if last is None or x.key > last]


def pack_problem(log: SterilizerLog, pack: str) -> str | None:
    """Why ``pack`` must not be used (None when it may): unknown, a failed chemical
    indicator, a failed biological indicator, or recalled from an out-of-service sterilizer."""
    load = log.load_of_pack(pack)
    if load is None:
        return f"Pack {pack} is not in the sterilizer log."
    where = f"sterilizer {load.sterilizer} cycle {load.cycle}"
    if load.chemical_indicator == "fail":
        return f"Pack {pack} ({where}) failed its chemical indicator: reprocess it."
    if load.biological is not None and load.biological.result == "fail":
        return f"Pack {pack} ({where}) failed its biological indicator: it is recalled."
    if load.sterilizer in log.out_of_service and load in recall(log, load.sterilizer):
        return f"Pack {pack} ({where}) is recalled: the sterilizer is out of service."
    return None


__all__ = [
    "BiologicalIndicator",
    "CycleType",
    "Load",
    "OutOfService",
    "Result",
    "SterilizerError",
    "SterilizerLog",
    "add_load",
    "pack_problem",
    "recall",
    "set_result",
]
