"""The clinic's ``ranges_file`` setting is applied where the app and the CLI load settings.

A custom table changes a classification through the app's core loader; a malformed file named
by the configuration stops start-up with the ConfigError line (file, key, reason), on the
sign-in screen and on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static
from ui_helpers import make_app, wait_for, wait_screen

from kiosk.cli import main as cli_main
from kiosk.errors import ConfigError
from kiosk.services import load_core
from kiosk.validators import check_vital
from kiosk.validators.ranges import reset_default_table

PACKAGED = Path(__file__).resolve().parents[2] / "kiosk" / "data" / "ranges.toml"


@pytest.fixture(autouse=True)
def _packaged_table_after() -> Iterator[None]:
    yield
    reset_default_table()  # later tests classify with the packaged table again


def clinic(tmp_path: Path, ranges_text: str) -> argparse.Namespace:
    """A config naming a ranges file next to it, and a data folder."""
    (tmp_path / "clinic-ranges.toml").write_text(ranges_text, encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text('ranges_file = "clinic-ranges.toml"\n', encoding="utf-8")
    return argparse.Namespace(config=str(config), data_dir=str(tmp_path / "data"), demo=False)


def edited_pulse(hi_normal: str) -> str:
    """The packaged table with the adult pulse normal top (100) replaced by ``hi_normal``."""
    text = PACKAGED.read_text(encoding="utf-8")
    pulse = text.index("[pulse]")
    edited = text[pulse:].replace("hi_normal = 100.0", f"hi_normal = {hi_normal}", 1)
    assert edited != text[pulse:]
    return text[:pulse] + edited


def stricter_pulse() -> str:
    return edited_pulse("90.0")


MALFORMED = edited_pulse('"fast"')


def test_the_clinic_table_changes_a_classification_in_the_core_loader(tmp_path: Path) -> None:
    assert check_vital("pulse", "95", age_years=40).status == "normal"
    core = load_core(clinic(tmp_path, stricter_pulse()))
    try:
        assert core.settings.ranges_file == tmp_path / "clinic-ranges.toml"
        assert check_vital("pulse", "95", age_years=40).status == "high"
    finally:
        core.store.close()


def test_a_malformed_ranges_file_stops_the_core_loader(tmp_path: Path) -> None:
    args = clinic(tmp_path, MALFORMED)
    with pytest.raises(ConfigError) as caught:
        load_core(args)
    assert caught.value.file is not None
    assert caught.value.file.endswith("clinic-ranges.toml")
    assert caught.value.key == "pulse.hi_normal"
    assert "number" in caught.value.reason


async def test_the_sign_in_screen_says_why_it_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = clinic(tmp_path, MALFORMED)
    monkeypatch.setenv("KIOSK_CONFIG", args.config)
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: app.core_error, "the start-up error")
        status = str(screen.query_one("#signin-status", Static).render())
        assert "Cannot start:" in status
        assert "clinic-ranges.toml" in status
        assert "pulse.hi_normal" in status
        assert "Traceback" not in status
    assert app.core is None


def test_kiosk_check_reports_a_malformed_ranges_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = clinic(tmp_path, "[pulse\n")
    (tmp_path / "data").mkdir()
    code = cli_main(["--config", args.config, "--data-dir", args.data_dir, "check"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "clinic-ranges.toml" in out + err
    assert "not valid TOML" in out + err
    assert "Traceback" not in out + err
