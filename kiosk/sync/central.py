"""Talking to the central PostgreSQL (psycopg 3): connecting, the upserts, the reads.

Encounters are JSONB documents with the columns searched on (patient, day, status), keyed by
(id, version); a document already there is left as it is (``ON CONFLICT DO NOTHING``: a signed
version never changes), so pushing the same line twice is no duplicate. An amendment marks the
version it supersedes (``superseded_by``). Audit events go to an append-only table (a trigger
refuses UPDATE, DELETE and TRUNCATE) keyed by (origin, seq), each with its hash and the hash
before it, so the chain of every data folder can be verified in the database.

Errors become :class:`CentralError`, one sentence without the URL (it may hold a password).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kiosk.errors import KioskError

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT_S = 3


class CentralError(KioskError):
    """The central database cannot be reached or refused a write (a sentence for a person)."""


def connect(url: str, *, timeout: float = CONNECT_TIMEOUT_S) -> psycopg.Connection[Any]:
    """A connection to ``url`` with the schema migrated; CentralError when it cannot be had."""
    import psycopg

    from kiosk.sync.migrations import migrate

    try:
        conn = psycopg.connect(
            url,
            autocommit=True,  # each `with conn.transaction()` is then a real transaction
            connect_timeout=max(1, round(timeout)),
            application_name="kiosk",
        )
    except psycopg.Error as error:
        raise CentralError(f"The central database cannot be reached ({reason(error)}).") from None
    try:
        migrate(conn)
    except psycopg.Error as error:
        conn.close()
        message = f"The central database refused its migration ({reason(error)})."
        raise CentralError(message) from None
    except BaseException:
        conn.close()
        raise
    return conn


def reason(error: BaseException) -> str:
    """The first line of a driver error, at most 200 characters (no URL, no values)."""
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


_INSERT_ENCOUNTER = (
    "INSERT INTO encounters (id, version, patient_id, day, status, started_at, amends, origin,"
    " doc) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id, version) DO NOTHING"
)
_SUPERSEDE = (
    "UPDATE encounters e SET superseded_by = a.id FROM encounters a"
    " WHERE a.amends = e.id AND e.superseded_by IS NULL"
    " AND (a.id = ANY(%s) OR e.id = ANY(%s))"
)


def put_encounters(
    conn: psycopg.Connection[Any], origin: str, documents: Sequence[dict[str, Any]]
) -> int:
    """Upsert documents in the caller's transaction; returns how many were new."""
    from psycopg.types.json import Jsonb

    rows = [
        (
            doc["id"],
            int(doc["version"]),
            doc["patient"]["id"],
            str(doc["started_at"])[:10],
            doc["status"],
            doc["started_at"],
            doc.get("amends"),
            origin,
            Jsonb(doc),
        )
        for doc in documents
    ]
    with conn.cursor() as cursor:
        cursor.executemany(_INSERT_ENCOUNTER, rows)
        added = max(cursor.rowcount, 0)  # the sum over the rows (psycopg >= 3.1)
        ids = [str(doc["id"]) for doc in documents]
        cursor.execute(_SUPERSEDE, (ids, ids))
        return added


def audit_head(conn: psycopg.Connection[Any], origin: str) -> tuple[int, str | None]:
    """(seq, hash) of the newest audit event the database has of ``origin``; (0, None)."""
    row = conn.execute(
        "SELECT seq, hash FROM audit_events WHERE origin = %s ORDER BY seq DESC LIMIT 1",
        (origin,),
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else (0, None)


_INSERT_AUDIT = (
    "INSERT INTO audit_events (origin, seq, hash, prev, at, staff, action, patient_id, entry)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (origin, seq) DO NOTHING"
)


def put_audit(
    conn: psycopg.Connection[Any], origin: str, entries: Sequence[dict[str, Any]]
) -> None:
    """Append audit entries (their exact fields) in the caller's transaction."""
    from psycopg.types.json import Jsonb

    rows = [
        (
            origin,
            int(e["seq"]),
            e["hash"],
            e["prev"],
            e["time"],
            e["staff"],
            e["action"],
            e.get("patient"),
            Jsonb(e),
        )
        for e in entries
    ]
    with conn.cursor() as cursor:
        cursor.executemany(_INSERT_AUDIT, rows)


def patient_documents(
    conn: psycopg.Connection[Any], patient_id: str, limit: int | None = None
) -> list[dict[str, Any]]:
    """A patient's current signed or amended documents from every host, newest first."""
    rows = conn.execute(
        "SELECT doc FROM encounters WHERE patient_id = %s AND superseded_by IS NULL"
        " AND status IN ('signed', 'amended') ORDER BY started_at DESC, version DESC LIMIT %s",
        (patient_id, limit),
    ).fetchall()
    return [dict(row[0]) for row in rows]
