"""Two small readings outside the range tables: the complaint's pain score, the oxygen flow.

Neither goes through :func:`kiosk.validators.check_vital`: the complaint's pain is the patient's
own number (no unit, no range table), and the flow is a setting of the oxygen supply beside an
SpO2 reading, not a measured kind (its text is still read by the vitals' tokenizer). Both
answer ``(value, message)``: the value when the text can be saved, else None and the message
for the MA ("" when there is nothing to say).
"""

from __future__ import annotations

from kiosk import units
from kiosk.validators.text import hidden_char, visible

PAIN_MESSAGE = "Pain is a whole number from 0 (none) to 10 (worst imaginable)."
FLOW_MAX_L_MIN = 60.0
"""The highest flow a clinic oxygen supply gives (the model's bound on ``o2_flow_l_min``)."""
FLOW_RANGE_MESSAGE = "Oxygen flow must be above 0 and at most 60 L/min."
MAX_TEXT = 40
"""Longest flow text read (as for a vital reading)."""


def parse_pain(text: str) -> tuple[int | None, str]:
    """Pain 0-10 as a whole number ("7" or "7/10"); (None, "") when left empty. Never raises."""
    text = text.strip().removesuffix("/10").strip()
    if not text:
        return None, ""
    # isdecimal, not isdigit: "²" is a digit that int() cannot read; and int() refuses
    # thousands of digits, so only a short number is read at all.
    if not text.isdecimal() or len(text) > 3 or not 0 <= int(text) <= 10:
        return None, PAIN_MESSAGE
    return int(text), ""


def check_flow(text: str) -> tuple[float | None, str]:
    """An oxygen flow in litres per minute ("2", "2L", "2 lpm", "2 L/min"), above 0 and at
    most 60.

    Read by the vitals' clinical tokenizer (:func:`kiosk.units.split_quantity`): a number of
    digits and a decimal point, then an optional litres-per-minute word; Python's float()
    spellings ("1e1", "1_5", "inf") are not numbers here. Empty text is (None, a request for
    the flow): it is only asked for on oxygen, which needs one. Never raises.
    """
    clean = units.normalise_text(text)
    if not clean or units.lookup_unit(clean) == "L/min":
        return None, "On oxygen: type the flow in litres per minute (e.g. 2)."
    hidden = hidden_char(clean)
    if hidden is not None:
        return None, (
            f"The oxygen flow '{visible(clean)}' holds an invisible character ({hidden}). "
            "Clear the field and type litres per minute, e.g. 2."
        )
    unreadable = (
        None,
        f"Cannot read the oxygen flow '{visible(clean)}'. Type litres per minute, e.g. 2.",
    )
    if clean.startswith("-"):
        return None, FLOW_RANGE_MESSAGE
    if len(clean) > MAX_TEXT or "," in clean:
        return unreadable
    segments = units.split_quantity(clean)
    if segments is None or len(segments) != 1:
        return unreadable
    segment = segments[0]
    if segment.unit_word and units.lookup_unit(segment.unit_word) != "L/min":
        return unreadable
    if not 0 < segment.number <= FLOW_MAX_L_MIN:
        return None, FLOW_RANGE_MESSAGE
    return segment.number, ""
