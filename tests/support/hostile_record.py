"""A patient record written by a hostile import: terminal escapes and markup in every text field.

Each free-text field of a full encounter (names, address, insurance, history, complaint, the
typed text of readings, ids) gets :func:`hostile` text: an OSC title change, a screen clear, an
SGR colour, a C1 CSI, DEL, NUL, a bidi override, and Rich/Textual markup (an unclosed tag, a
closing tag that closes nothing, a click action). Shown raw, it would retitle the terminal,
clear it, recolour it, crash the app on the markup, or reverse what follows.

:func:`escapes_not_textual` is the check on what the app wrote to its terminal: every escape
sequence Textual itself writes is taken out, and whatever control is left came from the data.
:func:`controls` is the check for a command line tool, which writes no escape at all.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from export_samples import full_encounter

from kiosk.models import Encounter

TITLE = "PWNED"
"""What the OSC sequences would set the terminal's title to."""


def hostile(tag: str) -> str:
    """Text led by a plain ``tag`` (to find it), then every kind of hostile character."""
    return (
        f"{tag}[b]\x1b]0;{TITLE}\x07\x1b]2;{TITLE}\x1b\\\x1b[2J\x1b[5;31m\x9b2J"
        "\x7f\x00\u202e[@click=app.quit]x[/]"
    )


def short_hostile(tag: str) -> str:
    """The same in at most 40 characters (an MRN, a member id)."""
    return f"{tag}\x1b]0;{TITLE}\x07\x1b[2J\x9b\u202e[/]"[:40]


LEADS = ("Evil", "Ivo")
"""The plain starts of the family and given names (what the MA searches for)."""
KEEP = frozenset(
    {"id", "amends", "status", "kind", "unit", "entered_unit", "version", "draft_step"}
)
"""Keys left as they are: the store's own ids and the model's enumerations."""


def _tag(path: str) -> str:
    names = {"patient.family_name": LEADS[0], "patient.given_name": LEADS[1], "patient.id": "M"}
    return names.get(path) or path.rsplit(".", 1)[-1][:6]


def hostile_encounter(*, days_ago: int = 30) -> Encounter:
    """A signed visit whose every free-text field the model accepts holds hostile text."""
    started = datetime.now(UTC) - timedelta(days=days_ago)
    base = full_encounter(mrn="H-1", birth=date(1970, 5, 1), started=started, staff="ma0")
    base = base.model_copy(update={"notes": "notes"})
    document = base.model_dump(mode="json")
    document["insurance"] = {"primary": {"payer": "p", "member_id": "m", "plan": "", "group": ""}}
    for path in _string_paths(document):
        for text in (hostile(_tag(path)), short_hostile(_tag(path))):
            trial = _replace(document, path, text)
            try:
                Encounter.model_validate(trial)
            except ValueError:
                continue  # a field the model checks (a date, a code) stays as it was
            document = trial
            break
    return Encounter.model_validate(document)


def _string_paths(doc: Any, path: str = "") -> list[str]:
    if isinstance(doc, dict):
        return [
            found
            for key, value in doc.items()
            if not (key in KEEP and path != "patient")
            for found in _string_paths(value, f"{path}.{key}" if path else key)
        ]
    if isinstance(doc, list):
        return [found for i, item in enumerate(doc) for found in _string_paths(item, f"{path}.{i}")]
    return [path] if isinstance(doc, str) else []


def _replace(doc: Any, path: str, value: str) -> Any:
    head, _, rest = path.partition(".")
    if isinstance(doc, list):
        items = list(doc)
        items[int(head)] = value if not rest else _replace(doc[int(head)], rest, value)
        return items
    fields = dict(doc)
    fields[head] = value if not rest else _replace(doc[head], rest, value)
    return fields


STAFF, PIN = "ma1", "4321"


def seed_hostile(data_dir: Path, *, draft_step: str = "review") -> Encounter:
    """Staff ma1/4321 (cheap hashing); the hostile patient's visit 30 days ago (so its history
    and readings are carried forward and shown as the last values); and ma1's unfinished
    intake of the same patient, left at ``draft_step``, every section filled with hostile text
    (signing in offers to resume it; Back from the review walks through every step)."""
    import argon2

    from kiosk.store import EncounterStore
    from kiosk.store.staff import StaffDirectory

    staff = StaffDirectory(
        data_dir, hasher=argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    staff.add(STAFF, "Test Assistant", PIN, "ma", by="test")
    earlier = hostile_encounter()
    draft = hostile_encounter(days_ago=0).model_copy(
        update={
            "id": "hostile-draft",
            "status": "draft",
            "signed_at": None,
            "staff_id": STAFF,
            "draft_step": draft_step,
            "identity_confirmed": True,
        }
    )
    store = EncounterStore(data_dir, staff_id="test")
    try:
        store.save(earlier)
        store.save_draft(draft)
    finally:
        store.close()
    return draft


# ---------------------------------------------------------------------- what reached the terminal

_TEXTUAL = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ $]?[A-Za-z@`~]"  # CSI: colours, cursor, modes, mouse, queries
    rb"|\x1b\]22;[a-z-]*\x07"  # OSC 22: the mouse pointer's shape
    rb"|\x1b\]8;[^\x07\x1b]*\x1b\\\\"  # OSC 8: a link
    rb"|\x1b[78=>]"  # save / restore cursor, keypad modes
)
_CONTROL = re.compile(
    rb"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]"  # C0 (but \t \n \r) and DEL
    rb"|\xc2[\x80-\x9f]"  # C1, UTF-8 encoded
    rb"|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"  # bidi embeddings, overrides, isolates
)


def controls(raw: bytes) -> list[bytes]:
    """Every control character (ESC included) in ``raw``, with what surrounds it: what a
    command line tool must never print."""
    pattern = re.compile(b"\x1b|" + _CONTROL.pattern)
    return [raw[max(0, m.start() - 8) : m.end() + 12] for m in pattern.finditer(raw)]


def escapes_not_textual(raw: bytes) -> list[bytes]:
    """Control characters (with what follows them) left once Textual's own sequences are
    removed from a terminal's byte stream: anything here came from the data."""
    rest = _TEXTUAL.sub(b"", raw)
    return [rest[max(0, m.start() - 8) : m.end() + 12] for m in _CONTROL.finditer(rest)]
