"""The Spanish catalog: every text of every instrument translated, the compiled catalog current.

The .po file is read with Babel (as the build compiles it); the kiosk loads the compiled .mo
with gettext (kiosk.screening.i18n). A text added to screenings.toml without its Spanish, or a
.po edited without rebuilding, fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.errors import ConfigError
from kiosk.screening import LANGUAGES, catalog, instruments
from kiosk.screening.i18n import LOCALE_DIR


def patient_texts() -> set[str]:
    """Everything of the instruments a patient reads: preambles, questions, answers."""
    texts: set[str] = set()
    for instrument in instruments().values():
        texts.add(instrument.preamble)
        for item in (*instrument.items, *((instrument.extra,) if instrument.extra else ())):
            texts.add(item.text)
            texts.update(answer.text for answer in instrument.choices(item))
    return texts


def po(language: str) -> dict[str, str]:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po").open("rb") as source:
        parsed = read_po(source, locale=language)
    return {str(m.id): str(m.string) for m in parsed if m.id and not m.fuzzy}


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_instrument_text_is_translated(language: str) -> None:
    messages = po(language)
    untranslated = sorted(t for t in patient_texts() if not messages.get(t, "").strip())
    assert untranslated == []


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_the_compiled_catalog_matches_the_po_file(language: str) -> None:
    loaded = catalog(language)
    for msgid, msgstr in po(language).items():
        assert loaded.gettext(msgid) == msgstr, msgid
    assert loaded.missing == set()


def test_placeholders_survive_translation() -> None:
    spanish = catalog("es")
    assert spanish.format("Question {n} of {total}", n=2, total=9) == "Pregunta 2 de 9"
    assert catalog("en").format("Question {n} of {total}", n=2, total=9) == "Question 2 of 9"


def test_a_missing_translation_is_recorded() -> None:
    spanish = catalog("es")
    assert spanish.gettext("No such text in any catalog") == "No such text in any catalog"
    assert spanish.missing == {"No such text in any catalog"}


def test_a_missing_compiled_catalog_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no compiled catalog for 'es'.*pip install \."):
        catalog("es", tmp_path)
    with pytest.raises(ConfigError, match="no such language"):
        catalog("fr")
