"""The complaint's pain score and the oxygen flow (kiosk.validators.readings): table tests."""

from __future__ import annotations

import pytest

from kiosk.validators.readings import PAIN_MESSAGE, check_flow, parse_pain

NO_FLOW = "On oxygen: type the flow in litres per minute (e.g. 2)."
FLOW_RANGE = "Oxygen flow must be above 0 and at most 60 L/min."


def unreadable(text: str) -> str:
    return f"Cannot read the oxygen flow '{text}'. Type litres per minute, e.g. 2."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, "")),
        ("   ", (None, "")),
        ("0", (0, "")),
        ("7", (7, "")),
        ("10", (10, "")),
        (" 7 ", (7, "")),
        ("7/10", (7, "")),
        ("7 /10", (7, "")),
        ("0/10", (0, "")),
        ("10/10", (10, "")),
        ("07", (7, "")),
        ("/10", (None, "")),  # only the scale: nothing given
        ("11", (None, PAIN_MESSAGE)),
        ("-1", (None, PAIN_MESSAGE)),
        ("7.5", (None, PAIN_MESSAGE)),
        ("7/5", (None, PAIN_MESSAGE)),
        ("7 / 10", (None, PAIN_MESSAGE)),
        ("seven", (None, PAIN_MESSAGE)),
        ("7 out of 10", (None, PAIN_MESSAGE)),
        ("²", (None, PAIN_MESSAGE)),  # a digit int() cannot read: refused, never a crash
        ("99999", (None, PAIN_MESSAGE)),
        ("9" * 5000, (None, PAIN_MESSAGE)),  # int() refuses it: refused here, never raised
        ("007", (7, "")),
    ],
)
def test_pain_score(text: str, expected: tuple[int | None, str]) -> None:
    assert parse_pain(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", (2.0, "")),
        (" 2 ", (2.0, "")),
        ("0.5", (0.5, "")),
        ("2 L/min", (2.0, "")),
        ("2L/min", (2.0, "")),
        ("2 l/min", (2.0, "")),
        ("15 L/MIN", (15.0, "")),
        ("60", (60.0, "")),
        ("", (None, NO_FLOW)),
        ("   ", (None, NO_FLOW)),
        ("L/min", (None, NO_FLOW)),
        ("0", (None, FLOW_RANGE)),
        ("-2", (None, FLOW_RANGE)),
        ("60.5", (None, FLOW_RANGE)),
        ("nan", (None, unreadable("nan"))),
        ("inf", (None, unreadable("inf"))),
        # The vitals' tokenizer: the units clinicians write, not Python's float() grammar.
        ("2L", (2.0, "")),
        ("2 L", (2.0, "")),
        ("2 lpm", (2.0, "")),
        ("2 LPM", (2.0, "")),
        ("2.5 litres per minute", (2.5, "")),
        ("2 liters/min", (2.0, "")),
        ("2 l per min", (2.0, "")),
        (".5", (0.5, "")),
        ("1e1", (None, unreadable("1e1"))),
        ("1E1", (None, unreadable("1E1"))),
        ("1_5", (None, unreadable("1_5"))),
        ("infinity", (None, unreadable("infinity"))),
        ("2 mg", (None, unreadable("2 mg"))),
        ("2 L 3", (None, unreadable("2 L 3"))),
        ("room air", (None, unreadable("room air"))),
        ("2,5", (None, unreadable("2,5"))),
        (" two ", (None, unreadable("two"))),
        ("9" * 41, (None, unreadable("9" * 41))),
        ("9" * 40, (None, FLOW_RANGE)),
        (
            "2\x1b[31m",
            (
                None,
                "The oxygen flow '2\\x1b[31m' holds an invisible character "
                "(\\x1b). Clear the field and type litres per minute, e.g. 2.",
            ),
        ),
    ],
)
def test_oxygen_flow(text: str, expected: tuple[float | None, str]) -> None:
    assert check_flow(text) == expected


def test_a_flow_is_a_value_or_a_message_never_both() -> None:
    for text in ("2", "", "0", "x", "2 L/min", "61"):
        flow, message = check_flow(text)
        assert (flow is None) != (message == "")
