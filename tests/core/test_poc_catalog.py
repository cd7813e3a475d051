"""The point-of-care catalog: the shipped one is complete and cited; a broken one is refused
with one line naming the file, the entry and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.data import packaged
from kiosk.errors import ConfigError
from kiosk.validators.poc_catalog import LOINC_CODE, load_catalog

REQUIRED = {
    "strep-a": "78012-2",
    "flu-a": "80382-5",
    "flu-b": "80383-3",
    "covid-ag": "94558-4",
    "rsv": "72885-7",
    "hcg": "2106-3",
    "hgb": "30352-9",
    "hba1c": "4548-4",
    "inr": "46418-0",
    "urine-dipstick": "24357-6",
    "glucose": "41653-7",
}


def test_the_shipped_catalog_holds_every_test_with_its_checked_loinc() -> None:
    catalog = load_catalog()
    assert {t.id: t.loinc for t in catalog.tests} == REQUIRED
    for test in catalog.tests:
        assert LOINC_CODE.match(test.loinc)
        assert test.cpt, test.id
        assert test.sources, test.id
        assert test.loinc_display, test.id
        assert test.needs_qc == bool(test.controls)
    # influenza A and B are read off one cassette: one kit in stock
    assert catalog.spec("flu-a").kit == catalog.spec("flu-b").kit == "flu-ab"
    assert {t.builtin for t in catalog.tests} == {"", "urine", "glucose"}
    assert catalog.spec("inr").unit == "{INR}"
    assert catalog.spec("hgb").bounds.low_critical == 7.0


def test_the_catalog_says_where_sources_disagree() -> None:
    text = packaged("poc_catalog.toml").read_text()
    assert "Sources disagree" in text
    assert "80381-7" in text
    assert "94564-2" in text  # an antibody code passed off as an antigen


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(body)
    return path


GOOD = """
[[test]]
id = "strep-a"
name = "Rapid strep A"
loinc = "78012-2"
cpt = "87880"
result = "qualitative"
qc = "per-lot"
controls = ["positive", "negative"]
sources = ["ANS"]
"""

NUMERIC = """
[[test]]
id = "hgb"
name = "Hemoglobin"
loinc = "30352-9"
result = "numeric"
unit = "g/dL"
sources = ["GECCO"]
"""


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        (GOOD.replace("78012-2", "78012"), "test[0] (strep-a).loinc", "not a LOINC code"),
        (GOOD.replace('cpt = "87880"', 'cpt = "87"'), "test[0] (strep-a).cpt", "not a CPT code"),
        (GOOD + "colour = 'red'\n", "test[0].colour", "unknown key"),
        (GOOD.replace('result = "qualitative"', 'result = "yes/no"'), ".result", "must be one of"),
        (GOOD.replace('controls = ["positive", "negative"]', ""), ".controls", "needs the control"),
        (GOOD.replace('sources = ["ANS"]', ""), ".sources", "cite where"),
        (GOOD + 'abnormal = ["detected"]\n', ".abnormal", "'detected' is not an answer"),
        (GOOD + GOOD, "test (strep-a)", "used twice"),
        (NUMERIC, "test[0] (hgb).range", "needs its [test.range]"),
        (NUMERIC + 'units = ["g/dL", "furlong"]\n[test.range]\n', ".units", "unknown unit"),
        (
            NUMERIC + "[test.range]\nlow_normal = 12.0\nhi_normal = 10.0\n",
            ".range.hi_normal",
            "below low_normal",
        ),
        ("[[test]\nid=1", None, "not valid TOML"),
        ("", "test", "at least one"),
    ],
)
def test_a_bad_catalog_is_refused_naming_the_entry_and_key(
    tmp_path: Path, body: str, key: str | None, words: str
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert words in message, message
    if key is not None:
        assert caught.value.key is not None
        assert key in caught.value.key, caught.value.key


def test_a_good_clinic_catalog_loads(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, GOOD))
    assert [t.id for t in catalog.tests] == ["strep-a"]
    assert catalog.spec("strep-a").choices == ("positive", "negative", "invalid")


def test_kiosk_check_reports_a_broken_catalog_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write(tmp_path, GOOD.replace("78012-2", "strep"))
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    monkeypatch.setenv("KIOSK_POC_CATALOG_FILE", str(bad))
    assert main(["--data-dir", str(data), "check"]) == 1
    out = capsys.readouterr().out
    assert f"Problem: {bad}, key 'test[0] (strep-a).loinc': 'strep' is not a LOINC code" in out


def test_start_up_refuses_a_broken_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.config import load_settings
    from kiosk.services import apply_catalog

    bad = write(tmp_path, GOOD.replace('qc = "per-lot"', 'qc = "weekly"'))
    monkeypatch.setenv("KIOSK_POC_CATALOG_FILE", str(bad))
    with pytest.raises(ConfigError, match=r"qc'?: must be one of none, daily"):
        apply_catalog(load_settings())


def test_the_shipped_file_is_valid_toml_with_only_test_entries() -> None:
    data = tomllib.loads(packaged("poc_catalog.toml").read_text())
    assert set(data) == {"test"}
