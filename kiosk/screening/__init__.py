"""Screenings at intake, the pure part: instruments as data, exact scoring, due rules, catalogs.

``instruments`` (the shipped ``screenings.toml`` as models), ``scoring`` (which questions to
ask, totals, bands, flags), ``due`` (which are due by age, sex and interval), ``i18n`` (the
gettext catalogs of what the patient reads). No Textual here: the screens are
``kiosk.screens.screenings`` and ``kiosk.screens.patient_mode``.
"""

from kiosk.screening.due import Due, DueRule, ScreeningRules, due_screenings, last_done
from kiosk.screening.i18n import LANGUAGES, Catalog, catalog
from kiosk.screening.instruments import INSTRUMENT_IDS, Answer, Instrument, Item, instruments
from kiosk.screening.scoring import Score, questions, result_for, score

__all__ = [
    "INSTRUMENT_IDS",
    "LANGUAGES",
    "Answer",
    "Catalog",
    "Due",
    "DueRule",
    "Instrument",
    "Item",
    "Score",
    "ScreeningRules",
    "catalog",
    "due_screenings",
    "instruments",
    "last_done",
    "questions",
    "result_for",
    "score",
]
