"""Keys that do what they say (issue 17, part B): scrolling by keys, Space ticks and Enter moves
on, buttons pressed only by Enter/Space, focus after "Stay", sign-out said, help at the step,
no type-ahead into the lock screen. 80x24 unless a test says otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, Input
from ui_helpers import fill, make_app, open_patient, wait_screen

from kiosk.widgets.scroll import ScrollBody

SIZE = (80, 24)


async def reach_review(pilot: Pilot[Any], *, pulse: str = "72") -> Screen[Any]:
    """Sign in and walk every step with valid entries to the review."""
    demo = await open_patient(pilot)
    fill(demo, demographics_phone="(555) 010-2233")
    await pilot.press("ctrl+n")
    hist = await wait_screen(pilot, "HistoryScreen")
    hist.query_one("#history-reviewed", Checkbox).value = True
    await pilot.press("ctrl+n")
    comp = await wait_screen(pilot, "ComplaintScreen")
    fill(comp, complaint_text="sore throat", complaint_onset="2 days ago", complaint_pain="4")
    await pilot.press("ctrl+n")
    vitals = await wait_screen(pilot, "VitalsScreen")
    for widget_id, text in {
        "vitals-bp-0": "128/82",
        "vitals-pulse": pulse,
        "vitals-temp": "98.6",
        "vitals-spo2": "98",
        "vitals-rr": "16",
        "vitals-weight": "154 lb",
        "vitals-height": "5'6\"",
    }.items():
        vitals.query_one(f"#{widget_id}", Input).value = text
    await pilot.pause()
    await pilot.press("ctrl+n")
    await wait_screen(pilot, "PocScreen")
    await pilot.press("ctrl+n")
    return await wait_screen(pilot, "ReviewScreen")


# ---------------------------------------------------------------- 1. scrolling by keys


async def scroll_positions(pilot: Pilot[Any], body: ScrollBody, *keys: str) -> list[int]:
    positions = []
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
        positions.append(round(body.scroll_y))
    return positions


async def test_review_scrolls_by_keys_with_focus_on_sign(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        review = await reach_review(pilot)
        body = review.query_one("#step-body", ScrollBody)
        assert app.focused is not None
        assert app.focused.id == "nav-next"
        assert body.max_scroll_y > body.page  # more than one page below the fold
        assert "more below" in str(body.hint.render())
        page = body.page
        pos = await scroll_positions(pilot, body, "pagedown", "down", "pageup", "end", "home")
        assert pos == [page, page + 1, 1, body.max_scroll_y, 0]
        # the bottom is reachable by paging, and the hint says so
        while body.scroll_y < body.max_scroll_y:
            before = body.scroll_y
            await pilot.press("pagedown")
            await pilot.pause()
            assert body.scroll_y > before
        assert "end" in str(body.hint.render())
        assert app.focused.id == "nav-next"  # scrolling did not move the focus


async def test_review_with_a_critical_value_pages_normally(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        review = await reach_review(pilot, pulse="135")
        body = review.query_one("#step-body", ScrollBody)
        assert app.focused is not None
        assert app.focused.id == "review-notified"
        page = body.page
        assert body.max_scroll_y > page
        pos = await scroll_positions(pilot, body, "pagedown", "pageup", "end", "home")
        assert pos == [page, 0, body.max_scroll_y, 0]


async def test_tab_reaches_the_review_record_and_the_arrows_scroll_it(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        review = await reach_review(pilot)
        body = review.query_one("#step-body", ScrollBody)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is body
        assert await scroll_positions(pilot, body, "down", "down", "up") == [1, 2, 1]
        assert await scroll_positions(pilot, body, "end") == [body.max_scroll_y]
        assert "end" in str(body.hint.render())


async def test_a_step_scrolls_by_page_keys_from_a_text_field(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        demo = await open_patient(pilot)
        body = demo.query_one("#step-body", ScrollBody)
        assert isinstance(app.focused, Input)
        assert body.max_scroll_y > 0
        assert body.hint.has_class("-shown")
        pos = await scroll_positions(pilot, body, "pagedown", "pageup")
        assert pos == [min(body.page, body.max_scroll_y), 0]
        await pilot.click(body.hint)  # touch: the hint pages down
        await pilot.pause()
        assert round(body.scroll_y) == min(body.page, body.max_scroll_y)
        # Home/End belong to the text field (cursor), not to the page
        field = app.focused
        assert isinstance(field, Input)
        field.value = "abc"
        scrolled = round(body.scroll_y)
        await pilot.press("home")
        assert (field.cursor_position, round(body.scroll_y)) == (0, scrolled)


async def test_the_help_scrolls_by_keys(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_patient(pilot)
        await pilot.press("f1")
        help_screen = await wait_screen(pilot, "HelpScreen")
        body = help_screen.query_one("#help-body", ScrollBody)
        assert body.max_scroll_y > 0
        pos = await scroll_positions(pilot, body, "pagedown", "end", "home")
        assert pos == [min(body.page, body.max_scroll_y), body.max_scroll_y, 0]
