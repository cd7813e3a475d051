"""What the patient reads, in their language: gettext catalogs compiled from ``.po`` files.

The catalogs are ``kiosk/locale/<lang>/LC_MESSAGES/kiosk.po`` (edited by people, read with
Babel), compiled to ``kiosk.mo`` when the package is built (``setup.py``, Babel's compiler)
and loaded here with the standard library's gettext. English is the source language (the
msgids). A further language is one more catalog and one more entry in :data:`LANGUAGES`.

:class:`Catalog` remembers every text it was asked for that has no translation, so a test
walking patient mode in Spanish fails on the first untranslated string.
"""

from __future__ import annotations

import copy
import gettext
from functools import cache
from importlib.resources import files
from pathlib import Path

from kiosk.errors import ConfigError

DOMAIN = "kiosk"
LOCALE_DIR = Path(str(files("kiosk").joinpath("locale")))
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
"""The languages a patient may choose, each named in itself."""
SOURCE_LANGUAGE = "en"


class _Misses(gettext.NullTranslations):
    """The fallback gettext asks for a text its catalog lacks: keep it, answer in English."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: set[str] = set()

    def gettext(self, message: str) -> str:
        self.missing.add(message)
        return message


class Catalog:
    """One language's translations, with a record of the texts it could not translate."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._misses = _Misses()
        self._translations = copy.copy(translations)  # its own fallback: its own record
        self._translations.add_fallback(self._misses)

    @property
    def missing(self) -> set[str]:
        """The texts asked for that this language's catalog has no translation of."""
        return self._misses.missing

    def gettext(self, message: str) -> str:
        if self.language == SOURCE_LANGUAGE or not message:
            return message
        return self._translations.gettext(message)

    def format(self, message: str, **values: object) -> str:
        """Translate, then fill ``{name}`` fields (the translation keeps the names)."""
        return self.gettext(message).format(**values)


@cache
def _translations(language: str, where: Path) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, localedir=str(where), languages=[language])
    except OSError:
        raise ConfigError(
            where,
            None,
            f"no compiled catalog for {language!r} ({language}/LC_MESSAGES/{DOMAIN}.mo); "
            "reinstall the kiosk (pip install .) to build it",
        ) from None


def catalog(language: str, where: Path | None = None) -> Catalog:
    """The catalog of ``language`` (one of :data:`LANGUAGES`), a fresh miss record each time."""
    if language not in LANGUAGES:
        raise ConfigError(None, None, f"no such language: {language!r} ({', '.join(LANGUAGES)})")
    return Catalog(language, _translations(language, where or LOCALE_DIR))
