"""Open the core (settings, store, staff accounts) off the first frame's path.

The kiosk face imports this module in a thread worker after the sign-in screen is drawn, so
pydantic-settings, pint, TinyDB and Argon2 never delay the first frame. No Textual here.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from kiosk.config import Settings
    from kiosk.store import EncounterStore
    from kiosk.store.staff import StaffDirectory


@dataclass(frozen=True)
class Core:
    """Everything the app needs once someone signs in."""

    settings: Settings
    store: EncounterStore
    staff: StaffDirectory
    demo_credentials: tuple[str, str] | None
    """(staff id, PIN) of the demo account, shown on the sign-in screen in demo mode."""


def load_core(args: argparse.Namespace) -> Core:
    """Read settings, open the store (seeding demo data once) and the staff accounts.

    Raises KioskError (ConfigError, StoreError) with a message for a person.
    """
    from kiosk.config import settings_from_args
    from kiosk.store import EncounterStore
    from kiosk.store.staff import StaffDirectory

    settings = settings_from_args(args)
    apply_ranges(settings)
    data_dir = settings.active_data_dir
    if settings.demo:
        _seed_demo(data_dir)
    store = EncounterStore(data_dir)
    staff = StaffDirectory(data_dir)
    credentials = staff.ensure_demo_account() if settings.demo else None
    _warm_imports()
    return Core(settings, store, staff, credentials)


def apply_ranges(settings: Settings) -> None:
    """Make the clinic's ``ranges_file`` (unset: the packaged table) the one every vital is
    classified by. A malformed file raises ConfigError naming the file, key and reason,
    which the sign-in screen and the CLI show as one line."""
    from kiosk.validators.ranges import use_ranges

    use_ranges(settings.ranges_file)


def _seed_demo(data_dir: Path) -> None:
    """Seed the demo folder with synthetic patients, once (the store's ensure_demo_data)."""
    from kiosk.demo.seeding import ensure_demo_data

    ensure_demo_data(data_dir)


def _warm_imports() -> None:
    """Import the validators (pint), the models and the step screens now, in the background,
    so neither the first keystroke nor the first step waits for them."""
    import importlib

    for name in (
        "kiosk.validators",
        "kiosk.scoring",
        "kiosk.screens.flow",
        "kiosk.screens.patient",
        "kiosk.screens.identity",
        "kiosk.screens.register",
        "kiosk.screens.demographics",
        "kiosk.screens.history",
        "kiosk.screens.complaint",
        "kiosk.screens.vitals",
        "kiosk.screens.poc",
        "kiosk.screens.review",
    ):
        try:
            importlib.import_module(name)
        except ImportError:  # the validators may not be installed in a partial checkout
            continue
