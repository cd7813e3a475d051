"""The central database's schema: versioned migrations the kiosk applies itself.

Each file ``kiosk/data/migrations/<NNNN>_<name>.sql`` is one version, applied once, in order,
in its own transaction, and recorded in ``kiosk_migrations``. Every kiosk host runs
``migrate`` when it connects; a transaction-scoped advisory lock makes concurrent hosts wait
for each other, so each version is applied exactly once. A database migrated by a newer kiosk
(a version this one does not ship) is refused: this kiosk might write what it no longer reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.data import packaged
from kiosk.errors import KioskError

if TYPE_CHECKING:
    import psycopg

LOCK_KEY = 0x6B696F736B
"""The advisory lock every host takes while migrating ("kiosk" in ASCII)."""
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def shipped() -> list[Migration]:
    """The migrations in this package, oldest first."""
    folder = packaged("migrations")
    found = []
    for path in sorted(folder.iterdir()):
        match = _NAME.match(path.name)
        if match:
            sql = path.read_text(encoding="utf-8")
            found.append(Migration(int(match.group(1)), match.group(2), sql))
    return found


def migrate(conn: psycopg.Connection[tuple[object, ...]]) -> list[int]:
    """Apply every shipped migration the database lacks; return the versions applied now."""
    applied: list[int] = []
    known = shipped()
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS kiosk_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {int(str(row[0])) for row in conn.execute("SELECT version FROM kiosk_migrations")}
        newest = max((m.version for m in known), default=0)
        if done and max(done) > newest:
            raise KioskError(
                f"The central database is at schema version {max(done)}, newer than this kiosk "
                f"knows ({newest}): upgrade this kiosk before it syncs."
            )
        for migration in known:
            if migration.version in done:
                continue
            conn.execute(migration.sql.encode())  # several statements: no parameters
            conn.execute(
                "INSERT INTO kiosk_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied.append(migration.version)
    return applied
