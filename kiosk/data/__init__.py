"""Files the kiosk reads at run time, shipped inside the package (``pip install .`` has them).

``kiosk.toml`` (default settings), ``ranges.toml`` (default range table) and
``poc_catalog.toml`` (the point-of-care test catalog) are the defaults;
``config/`` in the repository holds identical, editable copies a clinic starts from (a test
keeps them equal).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def packaged(name: str) -> Path:
    """The path of a shipped data file (installed packages are plain directories here)."""
    return Path(str(files(__name__).joinpath(name)))
