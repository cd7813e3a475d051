"""Build step: compile the gettext catalogs (kiosk/locale/*/LC_MESSAGES/*.po) to .mo files.

Everything else is in pyproject.toml. A wheel (``pip install .``) gets the .mo files in its
build folder; an editable install (``pip install -e .``) gets them beside the .po files in the
source tree (ignored by git). Babel is a build requirement (pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def compile_catalogs(target: Path) -> list[str]:
    """Compile every catalog under kiosk/locale into ``target``/kiosk/locale; the .mo paths."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted((ROOT / "kiosk" / "locale").glob("*/LC_MESSAGES/*.po")):
        relative = po.relative_to(ROOT).with_suffix(".mo")
        out = target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        with out.open("wb") as sink:
            write_mo(sink, catalog, use_fuzzy=False)
        written.append(str(out))
    return written


class BuildWithCatalogs(build_py):
    """build_py, then the catalogs (into the source tree for an editable install)."""

    def run(self) -> None:
        super().run()
        target = ROOT if self.editable_mode else Path(self.build_lib)
        self._catalogs = compile_catalogs(target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs: list[str] = list(super().get_outputs(include_bytecode))
        return outputs + [c for c in getattr(self, "_catalogs", []) if not self.editable_mode]


setup(cmdclass={"build_py": BuildWithCatalogs})
