"""The screening instruments as data: ``kiosk/data/screenings.toml`` read into frozen models.

Nothing here scores; :mod:`kiosk.screening.scoring` does. The file is shipped in the package
and read once per process (``instruments()``); a mistake in it stops with one line naming the
instrument and the key (a :class:`~kiosk.errors.ConfigError`), never a traceback.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kiosk.data import packaged
from kiosk.errors import ConfigError
from kiosk.models import ScreeningId

INSTRUMENTS_FILE = packaged("screenings.toml")
INSTRUMENT_IDS: tuple[ScreeningId, ...] = ("phq", "gad7", "auditc", "steadi")
"""The instruments in the order they are asked (the order of :data:`kiosk.models.ScreeningId`)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Answer(_Frozen):
    """One answer choice: its score, LOINC answer code and English text (a msgid)."""

    value: Annotated[int, Field(ge=0, le=10)]
    code: str
    text: str


class Item(_Frozen):
    """One question: its code (LOINC where one exists), text (a msgid) and answer set name."""

    code: str
    text: str
    answers: str = ""
    """The answer set; empty: the instrument's own."""


class Band(_Frozen):
    at_least: Annotated[int, Field(ge=0)]
    band: str


class Critical(_Frozen):
    """An answer on one item that needs "provider notified" before signing."""

    code: str
    above: int
    text: str


class Gate(_Frozen):
    """A short form asked first (PHQ-2): the rest only when its total reaches ``at_least``."""

    name: str
    items: Annotated[int, Field(ge=1)]
    at_least: int
    panel: str
    total_code: str
    bands: tuple[Band, ...]


class Instrument(_Frozen):
    id: str = ""
    name: str
    title: str
    source: str
    panel: str
    total_code: str
    preamble: str
    answers: str = ""
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    positive_at: int | None = None
    positive_by_sex: dict[str, int] | None = None
    at_risk_if_any: bool = False
    extra: Item | None = None
    critical: tuple[Critical, ...] = ()
    gate: Gate | None = None
    answer_sets: dict[str, tuple[Answer, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sets_exist(self) -> Instrument:
        for item in (*self.items, *((self.extra,) if self.extra else ())):
            name = item.answers or self.answers
            if name not in self.answer_sets:
                raise ValueError(f"item {item.code}: no answer set {name!r}")
        codes = {item.code for item in self.items}
        for flag in self.critical:
            if flag.code not in codes:
                raise ValueError(f"critical: no item {flag.code}")
        return self

    def choices(self, item: Item) -> tuple[Answer, ...]:
        """The answer choices of ``item``, lowest score first."""
        return self.answer_sets[item.answers or self.answers]

    @property
    def asked(self) -> list[Item]:
        """Every question, the unscored extra one last."""
        extra: list[Item] = [self.extra] if self.extra is not None else []
        return [*self.items, *extra]

    def item(self, code: str) -> Item:
        for found in self.asked:
            if found.code == code:
                return found
        raise KeyError(code)

    @property
    def max_total(self) -> int:
        return sum(max(a.value for a in self.choices(item)) for item in self.items)


def load_instruments(text: str, where: str = str(INSTRUMENTS_FILE)) -> dict[str, Instrument]:
    """Parse an instruments file; ConfigError names the instrument and the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(where, None, f"not valid TOML ({error})") from None
    sets = data.get("answer_sets", {})
    found: dict[str, Instrument] = {}
    for key, spec in data.get("instruments", {}).items():
        try:
            found[key] = Instrument.model_validate({**spec, "id": key, "answer_sets": sets})
        except ValidationError as error:
            first = error.errors(include_url=False, include_input=False)[0]
            at = ".".join(str(p) for p in first["loc"])
            raise ConfigError(where, f"instruments.{key}", f"{at}: {first['msg']}") from None
    missing = [i for i in INSTRUMENT_IDS if i not in found]
    if missing:
        raise ConfigError(where, "instruments", f"missing: {', '.join(missing)}")
    return {key: found[key] for key in INSTRUMENT_IDS}


@cache
def instruments() -> dict[str, Instrument]:
    """The shipped instruments, by id, in the order they are asked."""
    return load_instruments(INSTRUMENTS_FILE.read_text(encoding="utf-8"))
