"""Keys that do what they say (issue 17, part B): scrolling by keys, Space ticks and Enter moves
on, buttons pressed only by Enter/Space, focus after "Stay", sign-out said, help at the step,
no type-ahead into the lock screen. 80x24 unless a test says otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Select, Static
from ui_helpers import (
    STAFF_ID,
    fill,
    make_app,
    open_patient,
    past_screenings,
    pick_patient,
    sign_in,
    wait_for,
    wait_screen,
)

from kiosk.screens.help import KEYS, SECTION_OF_SCREEN, HelpScreen, sections
from kiosk.screens.identity import IdentityScreen
from kiosk.store import EncounterStore
from kiosk.widgets.dipstick import ChoiceRow
from kiosk.widgets.navbar import KeyLine
from kiosk.widgets.scroll import ScrollBody

SIZE = (80, 24)


def focused_id(app: App[Any]) -> str | None:
    """The focused widget's id (a function: mypy narrows ``app.focused`` after an assert)."""
    return app.focused.id if app.focused is not None else None


async def reach_review(pilot: Pilot[Any], *, pulse: str = "72") -> Screen[Any]:
    """Sign in and walk every step with valid entries to the review."""
    return await walk_to(pilot, "ReviewScreen", pulse=pulse)


async def walk_to(pilot: Pilot[Any], step: str, *, pulse: str = "72") -> Screen[Any]:
    """Sign in and walk the steps with valid entries up to ``step`` (a screen class name)."""
    demo = await open_patient(pilot)
    if step == "DemographicsScreen":
        return demo
    fill(demo, demographics_phone="(555) 010-2233")
    await pilot.press("ctrl+n")
    hist = await wait_screen(pilot, "HistoryScreen")
    if step == "HistoryScreen":
        return hist
    hist.query_one("#history-reviewed", Checkbox).value = True
    await pilot.press("ctrl+n")
    comp = await wait_screen(pilot, "ComplaintScreen")
    if step == "ComplaintScreen":
        return comp
    fill(comp, complaint_text="sore throat", complaint_onset="2 days ago", complaint_pain="4")
    await pilot.press("ctrl+n")
    await past_screenings(pilot)
    vitals = await wait_screen(pilot, "VitalsScreen")
    if step == "VitalsScreen":
        return vitals
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
    poc = await wait_screen(pilot, "PocScreen")
    if step == "PocScreen":
        return poc
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
        pos = await scroll_positions(pilot, body, "home", "pagedown", "end", "home")
        assert pos == [0, min(body.page, body.max_scroll_y), body.max_scroll_y, 0]


# ---------------------------------------------------------------- 2. Space ticks, Enter moves on


async def test_enter_on_a_tick_moves_on_and_space_ticks(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        patients = await wait_screen(pilot, "PatientScreen")
        fill(patients, patient_search="rivera")
        await wait_for(pilot, lambda: getattr(patients, "shown_query", None) == "rivera", "hits")
        patients.query_one("#patient-search", Input).focus()
        await pilot.press("enter")
        identity = await wait_screen(pilot, "IdentityScreen")
        name = identity.query_one("#identity-name", Checkbox)
        dob = identity.query_one("#identity-dob", Checkbox)
        assert app.focused is name
        await pilot.press("enter")  # moves on, does not tick
        assert (name.value, app.focused) == (False, dob)
        await pilot.press("shift+tab", "space")  # Space ticks
        assert name.value
        await pilot.press("enter", "space")  # Enter to the next box, Space ticks it
        assert dob.value
        assert name.value  # Enter never unticked anything
        await pilot.press("enter")  # to the typed date of birth
        assert focused_id(app) == "identity-dob-typed"
        await pilot.press("enter")  # the last field: Continue (both confirmed)
        await wait_screen(pilot, "DemographicsScreen")


async def test_enter_stops_on_the_drop_down_and_letters_choose(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, "PatientScreen")
        await pilot.press("ctrl+r")
        register = await wait_screen(pilot, "RegisterScreen")
        sex = register.query_one("#register-sex", Select)
        await pilot.press(*"Nguyen", "enter", *"Lan", "enter", *"04/05/1990", "enter")
        assert app.focused is sex  # Enter stops on the drop-down, as Tab does
        await pilot.press("f")  # the first letter chooses
        assert sex.value == "female"
        await pilot.press("m")  # "fm" matches nothing: a new search, "m"
        assert sex.value == "male"
        await pilot.press("f", "e")  # "fe" still female
        assert sex.value == "female"
        assert not sex.expanded
        await pilot.press("enter")  # moves on, does not open the list
        assert not sex.expanded
        assert focused_id(app) == "register-mrn"
        await pilot.press(*"MRN-7007", "enter", "enter")  # phone empty: the last field saves
        identity = await wait_screen(pilot, "IdentityScreen")
        assert isinstance(identity, IdentityScreen)
        assert identity.patient.sex == "female"
        assert identity.patient.birth_date.isoformat() == "1990-04-05"


async def test_space_opens_a_drop_down_and_enter_chooses_in_its_list(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, "PatientScreen")
        await pilot.press("ctrl+r")
        register = await wait_screen(pilot, "RegisterScreen")
        sex = register.query_one("#register-sex", Select)
        sex.focus()
        await pilot.press("space")
        await wait_for(pilot, lambda: sex.expanded, "the list open")
        await pilot.press("o", "enter")  # the open list's own search, then Enter chooses
        await wait_for(pilot, lambda: not sex.expanded, "the list closed")
        assert sex.value == "other"
        assert app.focused is sex


async def test_enter_on_a_dipstick_row_moves_on_and_space_or_arrows_choose(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        poc = await walk_to(pilot, "PocScreen")
        glucose = poc.query_one("#poc-urine-glucose", ChoiceRow)
        assert app.focused is glucose
        await pilot.press("right")  # an arrow chooses ("negative")
        assert glucose.value == "negative"
        await pilot.press("enter")  # moves on, chooses nothing
        assert glucose.value == "negative"
        bilirubin = poc.query_one("#poc-urine-bilirubin", ChoiceRow)
        assert app.focused is bilirubin
        assert bilirubin.value is None
        await pilot.press("enter")
        assert bilirubin.value is None  # Enter did not choose the highlighted "not done"...
        assert app.focused is not bilirubin  # ...it moved on


async def test_letters_typed_on_a_button_do_not_press_it(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        vitals = await walk_to(pilot, "VitalsScreen")
        repeat = vitals.query_one("#vitals-repeat-bp", Button)
        repeat.focus()
        await pilot.pause()
        await pilot.press(*"72", "enter", "space")  # as if a field had the focus
        await pilot.pause()
        assert not vitals.query("#vitals-bp-1")  # no empty "BP repeat 1" row
        assert app.focused is repeat
        await pilot.press("tab", "shift+tab", "enter")  # a fresh Enter presses it
        await wait_for(pilot, lambda: vitals.query("#vitals-bp-1"), "the repeat row")


async def test_space_presses_a_focused_button(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        vitals = await walk_to(pilot, "VitalsScreen")
        vitals.query_one("#vitals-repeat-bp", Button).focus()
        await pilot.pause()
        await pilot.press("space")
        await wait_for(pilot, lambda: vitals.query("#vitals-bp-1"), "the repeat row")


# ---------------------------------------------------------------- 3. focus after Stay and resume


async def test_stay_after_esc_on_the_first_step_returns_to_the_field(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_patient(pilot)
        await pilot.press("tab", "tab", "tab")
        left = focused_id(app)
        assert left is not None
        assert left != "demographics-family"  # not the first field: a restore is visible
        await pilot.press("escape")  # Back from the first step asks to leave
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("escape")  # Stay
        await wait_screen(pilot, "DemographicsScreen")
        await wait_for(pilot, lambda: focused_id(app) == left, f"the focus back on {left}")


async def test_stay_after_ctrl_e_keeps_the_field(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_patient(pilot)
        await pilot.press("tab", "tab")
        left = focused_id(app)
        await pilot.press("ctrl+e")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("enter")  # the focused, safe button: Stay
        await wait_screen(pilot, "DemographicsScreen")
        assert focused_id(app) == left


async def test_a_crash_resume_returns_to_the_field(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        comp = await walk_to(pilot, "ComplaintScreen")
        fill(comp, complaint_text="cough")
        comp.query_one("#complaint-location", Input).focus()
        await pilot.pause()
        app.save_open_step()  # what the 1-second autosave does
    app = make_app(data_dir)  # a new kiosk process: the old one crashed
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, "ConfirmModal")
        await pilot.click("#confirm-yes")  # Resume the intake
        identity = await wait_screen(pilot, "IdentityScreen")
        identity.query_one("#identity-name", Checkbox).value = True
        identity.query_one("#identity-dob", Checkbox).value = True
        await pilot.press("ctrl+n")
        comp = await wait_screen(pilot, "ComplaintScreen")
        assert comp.query_one("#complaint-text", Input).value == "cough"
        assert focused_id(app) == "complaint-location"
        await pilot.press(*"throat")
        assert comp.query_one("#complaint-location", Input).value == "throat"


# ---------------------------------------------------------------- 4. Ctrl+O says it signs out


async def test_ctrl_o_mid_intake_says_it_signs_out_and_that_the_draft_is_kept(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_middle="Lucia")
        await pilot.press("ctrl+o")
        modal = await wait_screen(pilot, "ConfirmModal")
        question = str(modal.query_one("#confirm-question", Static).render())
        assert question.startswith("Sign out? The draft of this intake is kept")
        assert str(modal.query_one("#confirm-yes", Button).label) == "Sign out"
        assert str(modal.query_one("#confirm-no", Button).label).startswith("Stay")
        await pilot.press("escape")  # Stay: still in the intake, nothing said
        await wait_screen(pilot, "DemographicsScreen")
        assert app.staff_id is not None
        await pilot.press("ctrl+o")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.click("#confirm-yes")
        await wait_screen(pilot, "SignInScreen")
        assert app.staff_id is None
        await wait_for(
            pilot,
            lambda: any("Signed out; the draft" in n.message for n in app._notifications),
            "the sign-out notice",
        )
    store = EncounterStore(data_dir)
    try:
        draft = next(iter(store.drafts_for(STAFF_ID)), None)
    finally:
        store.close()
    assert draft is not None
    assert draft.form_text["demographics-middle"] == "Lucia"  # kept as typed


# ---------------------------------------------------------------- 5. buttons, key line, sizes


async def test_lock_and_sign_out_buttons_on_every_step_fit_80_columns(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        review = await reach_review(pilot)
        buttons = list(review.query("#navbar Button").results(Button))
        assert [b.id for b in buttons] == [
            "nav-back",
            "nav-help",
            "nav-leave",
            "nav-lock",
            "nav-sign-out",
            "nav-next",
        ]
        for button in buttons:  # every label whole at 80 columns
            assert button.content_region.width >= len(str(button.label)), button.id
        assert str(review.query_one("#nav-lock", Button).label) == "Lock  ^L"
        await pilot.click("#nav-lock")
        await wait_screen(pilot, "LockScreen")


async def test_the_sign_out_button_asks_first(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        demo = await open_patient(pilot)
        sign_out = demo.query_one("#nav-sign-out", Button)
        assert str(sign_out.label) == "Sign out  Ctrl+O"  # wide: the key spelt out
        await pilot.click("#nav-sign-out")
        modal = await wait_screen(pilot, "ConfirmModal")
        assert "Sign out?" in str(modal.query_one("#confirm-question", Static).render())


def key_offset(line: Static, text: str) -> tuple[int, int]:
    """Where ``text`` is drawn on the key line (its padding is one column)."""
    plain = str(line.render())
    assert text in plain, plain
    return (1 + plain.index(text) + 1, 0)


async def test_the_key_line_is_clickable(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        demo = await open_patient(pilot)
        line = demo.query_one("#keyline", KeyLine)
        await pilot.click(line, offset=key_offset(line, "F1 Help"))
        await wait_screen(pilot, "HelpScreen")
        await pilot.press("escape")
        await wait_screen(pilot, "DemographicsScreen")
        await pilot.click(line, offset=key_offset(line, "Ctrl+L Lock"))
        await wait_screen(pilot, "LockScreen")


async def test_the_key_line_of_the_patient_list_is_clickable(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        patients = await wait_screen(pilot, "PatientScreen")
        line = patients.query_one("#keyline", KeyLine)
        await wait_for(pilot, lambda: "^L Lock" in str(line.render()), "the key line")
        await pilot.click(line, offset=key_offset(line, "^L Lock"))
        await wait_screen(pilot, "LockScreen")


def key_line_entries(line: KeyLine, width: int) -> list[str]:
    """The entries drawn, checked: whole ones only, all in one spelling."""
    text = str(line.render())
    separator = next(s for s in KeyLine.SEPARATORS if s in text)
    entries = [e.strip() for e in text.split(separator) if e.strip()]
    assert "…" not in text
    assert len(text.rstrip()) <= width - 2, text
    spelt = {
        short: {line.spell(n, w, short=short) for _, n, w in line.entries()}
        for short in (False, True)
    }
    assert set(entries) <= spelt[False] or set(entries) <= spelt[True], entries
    return entries


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_key_lines_speak_one_style_own_keys_first_never_cut(
    data_dir: Path, width: int
) -> None:
    """Every screen's key line: "Ctrl+X What", the screen's keys before the app's, and
    whole entries only at any width (no "…", no word cut in two)."""
    app = make_app(data_dir)
    async with app.run_test(size=(width, 24)) as pilot:
        await sign_in(pilot)
        patients = await wait_screen(pilot, "PatientScreen")
        line = patients.query_one("#keyline", KeyLine)
        await wait_for(pilot, lambda: str(line.render()).strip() != "", "the key line")
        shown = key_line_entries(line, width)
        assert shown[0] in ("Ctrl+F Search", "^F Search")
        assert any(e.endswith("Lock") for e in shown)  # every key fits, shortened at 80
        assert shown.index(shown[0]) < next(i for i, e in enumerate(shown) if "Help" in e)
        await pick_patient(pilot, "rivera")
        demo = await wait_screen(pilot, "DemographicsScreen")
        line = demo.query_one("#keyline", KeyLine)
        await wait_for(pilot, lambda: str(line.render()).strip() != "", "the step's key line")
        shown = key_line_entries(line, width)
        assert shown[0] in ("Ctrl+P Self-pay", "^P Self-pay")


async def test_ticks_and_dipstick_choices_are_three_rows_on_a_tall_terminal(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 40)) as pilot:
        poc = await walk_to(pilot, "PocScreen")
        choices = list(poc.query("#poc-urine-glucose RadioButton"))
        assert choices
        assert {c.outer_size.height for c in choices} == {3}
        await pilot.press("ctrl+b")
        await wait_screen(pilot, "VitalsScreen")
        await pilot.press("ctrl+b")
        await wait_screen(pilot, "ScreeningsScreen")
        await pilot.press("ctrl+b")
        await wait_screen(pilot, "ComplaintScreen")
        await pilot.press("ctrl+b")
        history = await wait_screen(pilot, "HistoryScreen")
        assert history.query_one("#history-reviewed", Checkbox).outer_size.height == 3


async def test_ticks_and_dipstick_choices_are_one_row_at_80x24(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        poc = await walk_to(pilot, "PocScreen")
        body = poc.query_one("#step-body", ScrollBody)
        assert {c.outer_size.height for c in poc.query("#poc-urine-glucose RadioButton")} == {1}
        # the dipstick and the glucose row still fit on the first screen, above the "more
        # below" line; the catalog tests, vision and hearing follow below the fold
        glucose = poc.query_one("#poc-glucose-field")
        assert body.scroll_y == 0
        assert glucose.region.bottom <= body.hint.region.y


# ---------------------------------------------------------------- 6. help at the step


async def test_help_opens_at_the_steps_section_and_says_space_enter_and_scrolling(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, "VitalsScreen")
        await pilot.press("f1")
        help_screen = await wait_screen(pilot, "HelpScreen")
        body = help_screen.query_one("#help-body", ScrollBody)
        vitals = help_screen.query_one("#help-vitals", Static)
        await wait_for(pilot, lambda: body.scroll_y > 0, "the help scrolled to Vitals")
        # the Vitals section is the first thing under the title, not "Everywhere"
        assert vitals.region.y == body.content_region.y
        hint = str(help_screen.query_one("#help-hint", Static).render())
        assert "Space ticks" in hint
        assert "Enter moves on" in hint
        assert "PgUp / PgDn" in hint
        assert "wheel" in hint
        await pilot.press("home")  # the keys of every screen are above
        assert body.scroll_y == 0


async def test_help_on_a_question_opens_at_questions(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_patient(pilot)
        await pilot.press("ctrl+e")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("f1")
        help_screen = await wait_screen(pilot, "HelpScreen")
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.section == "Questions"
        body = help_screen.query_one("#help-body", ScrollBody)
        await wait_for(pilot, lambda: body.scroll_y > 0, "scrolled to Questions")


def test_every_screen_opens_the_help_at_a_section_that_exists() -> None:
    assert set(SECTION_OF_SCREEN.values()) <= set(sections())


# ---------------------------------------------------------------- 8. the help made from bindings


def every_binding() -> dict[str, list[Binding]]:
    """Every binding the kiosk declares: the app's, and each screen's and widget's own."""
    import importlib
    import pkgutil

    import kiosk.screens
    import kiosk.widgets
    from kiosk.screens.keys import APP_BINDINGS

    found: dict[str, list[Binding]] = {"app": [b for b in APP_BINDINGS if isinstance(b, Binding)]}
    for package in (kiosk.screens, kiosk.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                if isinstance(value, type) and value.__module__ == module.__name__:
                    own = value.__dict__.get("BINDINGS", [])
                    found[f"{module.__name__}.{name}"] = [b for b in own if isinstance(b, Binding)]
    return found


def test_every_binding_has_an_id_and_says_what_it_does() -> None:
    missing = [
        f"{owner}: {binding.key}"
        for owner, bindings in every_binding().items()
        for binding in bindings
        if not binding.id or not (binding.tooltip or binding.system)
    ]
    assert missing == []
    ids: dict[str, Binding] = {}
    for bindings in every_binding().values():
        for binding in bindings:
            assert binding.id is not None
            assert ids.setdefault(binding.id, binding) is binding, f"two bindings {binding.id}"


def test_the_help_lists_every_key_bound_on_the_screens_it_covers() -> None:
    from kiosk.screens.help import SECTIONS, bindings_of
    from kiosk.widgets.navbar import key_name

    listed = {(key, what) for _, key, what in KEYS}
    for _, owners, _ in SECTIONS:
        for owner in owners:
            for binding in bindings_of(owner):
                names = [key_name(k.strip()) for k in binding.key.split(",")]
                rows = [key for key, what in listed if what == binding.tooltip]
                assert rows, f"{binding.id} is not in the help"
                assert any(all(n in key.split("  or  ") for n in names) for key in rows), binding.id


def test_a_new_binding_shows_up_in_the_help_without_editing_it() -> None:
    from kiosk.screens.help import key_rows
    from kiosk.screens.history import HistoryScreen

    extra = Binding("ctrl+y", "noop", "Try", id="history.try", tooltip="A key added to a step")
    HistoryScreen.BINDINGS.append(extra)
    try:
        assert ("History", "Ctrl+Y", "A key added to a step") in key_rows()
    finally:
        HistoryScreen.BINDINGS.remove(extra)
    assert ("History", "Ctrl+Y", "A key added to a step") not in key_rows()


async def test_the_banner_keeps_the_patient_and_the_steps_position_at_80_columns(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        poc = await walk_to(pilot, "PocScreen")
        step = str(poc.query_one("#banner-step", Static).render())
        patient = str(poc.query_one("#banner-patient", Static).render())
        assert step.strip().startswith("6/7"), step
        assert "RIVERA, Ana" in patient
        assert "…" not in patient
