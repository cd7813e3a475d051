"""Two small readings typed outside the unit parser: the complaint's pain score, the oxygen flow.

Neither goes through :func:`kiosk.validators.check_vital`: the complaint's pain is the patient's
own number (no unit, no range table), and the flow is a setting of the oxygen supply beside an
SpO2 reading, not a measured kind. Both answer ``(value, message)``: the value when the text can
be saved, else None and the message for the MA ("" when there is nothing to say).
"""

from __future__ import annotations

import math

PAIN_MESSAGE = "Pain is a whole number from 0 (none) to 10 (worst imaginable)."
FLOW_MAX_L_MIN = 60.0
"""The highest flow a clinic oxygen supply gives (the model's bound on ``o2_flow_l_min``)."""


def parse_pain(text: str) -> tuple[int | None, str]:
    """Pain 0-10 as a whole number ("7" or "7/10"); (None, "") when left empty."""
    text = text.strip().removesuffix("/10").strip()
    if not text:
        return None, ""
    # isdecimal, not isdigit: "²" is a digit that int() cannot read.
    if not text.isdecimal() or not 0 <= int(text) <= 10:
        return None, PAIN_MESSAGE
    return int(text), ""


def check_flow(text: str) -> tuple[float | None, str]:
    """An oxygen flow in litres per minute ("2", "2 L/min"), above 0 and at most 60.

    Empty text is (None, a request for the flow): it is only asked for on oxygen, which needs one.
    """
    cleaned = text.strip().lower().removesuffix("l/min").strip()
    if not cleaned:
        return None, "On oxygen: type the flow in litres per minute (e.g. 2)."
    try:
        flow = float(cleaned)
    except ValueError:
        return (
            None,
            f"Cannot read the oxygen flow '{text.strip()}'. Type litres per minute, e.g. 2.",
        )
    if not math.isfinite(flow) or not 0 < flow <= FLOW_MAX_L_MIN:
        return None, "Oxygen flow must be above 0 and at most 60 L/min."
    return flow, ""
