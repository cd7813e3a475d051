"""A failed signing says which fields are at fault, never what was typed in them (80x24).

pydantic's own message quotes the input value (patient data); the toast and the log must not.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from ui_helpers import STAFF_ID, make_app, open_patient

import kiosk.screens.flow
from kiosk.models import Encounter, Patient
from kiosk.screens.flow import Intake, not_saved_reason

SECRET = "Zebulon-Quartz"


def invalid_patient(_: Any) -> Encounter:
    """What ``signed`` raises when a value is wrong: pydantic quoting the input."""
    Patient.model_validate(
        {"id": "MRN-1", "family_name": "", "given_name": SECRET, "birth_date": SECRET}
    )
    raise AssertionError("unreachable")


def test_the_reason_names_fields_only() -> None:
    with pytest.raises(ValidationError) as caught:
        invalid_patient(None)
    assert SECRET in str(caught.value)  # what the old toast showed
    reason = not_saved_reason(caught.value)
    assert SECRET not in reason
    assert "birth date" in reason
    assert "family name" in reason


async def test_a_failed_signing_toast_quotes_no_value(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(kiosk.screens.flow, "signed", invalid_patient)
    caplog.set_level(logging.DEBUG)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patient(pilot)
        assert app.core is not None
        assert app.draft is not None
        intake = Intake(app, app.core, STAFF_ID)
        assert await intake._sign(app.draft) is False
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Not saved: these entries are not valid") for m in messages)
        assert any("birth date" in m for m in messages)
        assert not any(SECRET in m for m in messages)
    assert SECRET not in caplog.text
