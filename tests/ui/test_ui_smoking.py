"""The history step's smoking status splits "current" into every day and some days (80x24),
and what is chosen is what the draft stores (and the export codes)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Select
from ui_helpers import fill, make_app, open_patient, wait_screen


async def test_current_smoker_some_days_is_kept(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_phone="(555) 010-2233")
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, "HistoryScreen")
        tobacco = hist.query_one("#history-tobacco", Select)
        labels = [str(option[0]) for option in tobacco._options]
        assert "current, every day" in labels
        assert "current, some days" in labels
        tobacco.value = "current-some-days"
        hist.query_one("#history-reviewed", Checkbox).value = True
        await pilot.pause()
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "ComplaintScreen")
        assert app.draft is not None
        assert app.draft.history.social.tobacco == "current-some-days"
