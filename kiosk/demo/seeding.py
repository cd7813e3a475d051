"""Seeding demo folders: synthetic encounters over the past year, and ``kiosk --demo``'s folder.

Fast because most documents are clones: each demo patient gets one full encounter from
:mod:`kiosk.demo.patients`, and the patient's other visits copy it to another day
(new id, timestamps moved, staff varied) at the JSON level, then go through the store's bulk
path (one write per segment). The result is the store's normal format. Only folders that are
empty or marked as demo folders are filled, so a clinic's real data never gets synthetic
encounters.

``ensure_demo_data(data_dir)`` seeds a demo folder once for ``kiosk --demo`` (idempotent):
a few hundred encounters and today's appointment list of patients last seen on earlier days.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.models import Patient

MARKER = "DEMO-DATA"
"""A file naming a folder as synthetic, so demo-data may add to it."""
STAFF = ("ma1", "ma2", "ma3", "nurse1", "demo")


def fill_demo_data(
    data_dir: Path,
    count: int,
    *,
    seed: int = 0,
    today: date | None = None,
    patients: int = 3000,
    days: int = 365,
) -> int:
    """Add ``count`` synthetic encounters to ``data_dir`` (refuses a folder with real data),
    spread over the ``days`` before ``today`` among ``patients`` demo patients."""
    from kiosk.errors import StoreError
    from kiosk.store.bulk import bulk_save
    from kiosk.store.encounters import EncounterStore
    from kiosk.store.files import make_private_dir, os_error_message, write_atomic

    data_dir = Path(data_dir)
    marker = data_dir / MARKER
    if data_dir.is_dir() and any(data_dir.iterdir()) and not marker.exists():
        raise StoreError(
            f"{data_dir} already holds data that is not demo data: "
            "demo encounters go only into an empty or demo folder."
        )
    try:
        make_private_dir(data_dir)
        write_atomic(marker, b"This folder holds synthetic demo data, no real patients.\n")
    except OSError as error:  # a full disk or a read-only folder: a sentence, not a traceback
        raise StoreError(os_error_message(error, "the demo data")) from error
    today = today or datetime.now(UTC).date()
    from kiosk.demo.poc import demo_runs, seed_poc
    from kiosk.store.qc import QcLog
    from kiosk.validators.poc_catalog import cached_catalog

    catalog = cached_catalog()
    with_results: list[dict[str, Any]] = []

    def documents() -> Iterator[dict[str, Any]]:
        for doc in demo_documents(count, seed=seed, today=today, patients=patients, days=days):
            if doc.get("poc", {}).get("results"):
                with_results.append(doc)
            yield doc

    with EncounterStore(data_dir, staff_id="demo", purpose="demo set-up") as store:
        added = bulk_save(store, documents())
    # the kit lots the results name (received a year ago) and today's QC
    stamp = datetime.now(UTC)
    seed_poc(
        data_dir,
        catalog,
        stamp if stamp.date() == today else datetime.combine(today, time(8, 0), UTC),
    )
    # the morning control runs those results relied on (the log lists them by time)
    log = QcLog(data_dir, actor="demo")
    logged = {run.id for run in log.runs(audit=False)}
    log.record_many([r for r in demo_runs(with_results, catalog) if r.id not in logged])
    return added


def demo_documents(
    count: int, *, seed: int, today: date, patients: int = 3000, days: int = 365
) -> Iterator[dict[str, Any]]:
    """``count`` encounter documents over the ``days`` before ``today`` (not today itself)."""
    import orjson

    from kiosk.demo.patients import demo_patients, sample_encounter_for

    rng = random.Random(f"demo-data:{seed}")
    people = demo_patients(min(patients, max(count, 1)), seed)
    visits: list[tuple[date, int]] = []
    for _ in range(count):
        n = rng.randrange(len(people))
        day = today - timedelta(days=rng.randrange(1, days + 1))
        if day < people[n].birth_date:
            day = today - timedelta(days=1)
        visits.append((day, n))
    visits.sort()  # day by day, so the bulk path fills whole segments
    templates: dict[int, tuple[bytes, date]] = {}
    for day, n in visits:
        patient = people[n]
        if n not in templates:
            base = max(patient.birth_date, today - timedelta(days=1))
            encounter = sample_encounter_for(patient, seed * 1_000_003 + n, day=base)
            templates[n] = (orjson.dumps(encounter.model_dump(mode="json")), base)
        raw, base = templates[n]
        yield _moved(raw, base, day, rng)


def _moved(raw: bytes, base: date, day: date, rng: random.Random) -> dict[str, Any]:
    """A copy of a template document on ``day``: new id, timestamps moved, staff varied."""
    import orjson

    for old, new in ((base + timedelta(days=1), day + timedelta(days=1)), (base, day)):
        raw = raw.replace(f'"{old.isoformat()}T'.encode(), f'"{new.isoformat()}T'.encode())
        raw = raw.replace(f'"qc{old:%Y%m%d}-'.encode(), f'"qc{new:%Y%m%d}-'.encode())  # QC ids
    doc: dict[str, Any] = orjson.loads(raw)
    doc["id"] = f"{rng.getrandbits(128):032x}"
    doc["staff_id"] = rng.choice(STAFF)
    return doc


def ensure_demo_data(data_dir: Path | str, count: int = 300, *, seed: int = 0) -> None:
    """Seed a demo folder once (idempotent): ``count`` encounters over the past year for
    150 patients, today's appointment list of 8 patients last seen on earlier days, and their
    visits on the rooming board (kiosk.demo.rooming)."""
    from kiosk.store.encounters import EncounterStore

    data_dir = Path(data_dir)
    today = datetime.now(UTC).date()
    if not (data_dir / MARKER).exists():
        fill_demo_data(data_dir, count, seed=seed, today=today, patients=150)
    from kiosk.demo.poc import seed_poc
    from kiosk.validators.poc_catalog import cached_catalog

    seed_poc(data_dir, cached_catalog())  # kit lots and today's QC: every test can be run
    with EncounterStore(data_dir, staff_id="demo", purpose="demo set-up") as store:
        if store.appointments(today):
            return
        directory = store.patients()
        chosen = random.Random(f"{seed}:{today}").sample(directory, min(8, len(directory)))
        booked = _by_last_name(chosen)
        store.set_appointments(today, [p.id for p in booked])
        from kiosk.demo.rooming import seed_rooming

        seed_rooming(store, booked)


def _by_last_name(patients: list[Patient]) -> list[Patient]:
    return sorted(patients, key=lambda p: (p.family_name, p.given_name))
