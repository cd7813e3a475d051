"""With a central database that does not answer, the intake still opens the patient with the
last visit from this host, and says the history is this host's only (80x24)."""

from __future__ import annotations

from pathlib import Path

import pytest
from postgres import free_port
from ui_helpers import make_app, open_patient, wait_for

from kiosk.sync.history import LOCAL_ONLY


async def test_history_falls_back_to_this_host_and_says_so(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_CENTRAL_DATABASE", f"postgresql://kiosk@127.0.0.1:{free_port()}/k")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_patient(pilot)

        def said() -> list[str]:
            return [str(n.message) for n in app._notifications]

        await wait_for(pilot, lambda: LOCAL_ONLY in said(), "the local-only note")
        assert app.draft is not None
        assert app.draft.history.allergies  # carried forward from this host's last visit
        assert app.core is not None
        assert app.core.sync is not None
        assert app.core.sync.is_alive()  # retrying in the background, the intake unaffected
        assert (data_dir / "outbox").is_dir()
    assert app.core.sync.stopping  # the app stopped it when it closed
