"""``kiosk check``, part three: the audit trail against the stored documents.

Only reads. Every stored document must have the entry its save wrote (sign, amend or create,
naming its id), a bulk load's start (its head is stored beside each document it loaded), or
the entry a repair added for it; every document the trail says was stored must still be there
(else it was lost with a damaged or deleted file). A deleted staff file is recognised by the
accounts the trail says were added.

In bounded memory (see kiosk.store.inspect_index): the first read of the trail (``read_trail``)
keeps, per id shard, the sum of the ids it covers, which pass one compares with the sum of the
ids stored there; only the shards that disagree are read again and compared id by id
(``compare_audit``). ``--since`` compares exactly the documents of the days it read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.store.audit import AuditTrail
from kiosk.store.findings import Findings, listed
from kiosk.store.index import Entry
from kiosk.store.layout import Layout
from kiosk.store.shards import shard_of

_NAMED = re.compile(r"^encounter (\S+)")
_NOTED = re.compile(r"^(\S+) \(")  # "<id> (recorded after an interruption)": recovery's entry
_BULK = re.compile(r"^bulk load (?:of|stopped after) (\d+) encounters")
ADDED_ENTRY = "Added the missing audit entry of"
"""How a repair's audit entry for a stored document without one starts (it names the id)."""


@dataclass
class Trail:
    """What one read of the trail keeps (see the module doc)."""

    bulk: set[str] = field(default_factory=set)
    """Hashes of bulk loads' start entries."""
    bulk_total: int = 0
    staff_added: int = 0
    covered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    """id shard -> the sum of ``hash(id)`` of each id an entry covers."""
    recorded: dict[str, str] = field(default_factory=dict)
    """id -> "action, day" of the saves recorded (``compare_audit``'s ids only)."""
    covered_ids: set[str] = field(default_factory=set)
    """The ids covered (``compare_audit``'s ids only)."""


def read_trail(
    layout: Layout, keep: Callable[[str, str], bool] | None = None, *, sums: bool = True
) -> Trail:
    """Read the whole trail once; ``keep(id, time)``: the ids to keep one by one."""
    trail = Trail()
    for entry in AuditTrail(layout.root).entries():
        ids: list[str] = []
        saved = False
        if entry.action in ("sign", "amend", "create"):
            if entry.detail == "bulk load started":
                trail.bulk.add(entry.hash)
            elif match := _BULK.match(entry.detail):
                trail.bulk_total += int(match.group(1))
            ids = _detail_ids(entry.detail)
            saved = True
        elif entry.action == "repair" and entry.detail.startswith(ADDED_ENTRY):
            ids = _detail_ids(entry.detail[len(ADDED_ENTRY) + 1 :])
        elif entry.action == "staff-add":
            trail.staff_added += 1
        for eid in ids:
            if sums:
                trail.covered[shard_of(eid)] += hash(eid)
            if keep is not None and keep(eid, entry.time):
                trail.covered_ids.add(eid)
                if saved:
                    trail.recorded.setdefault(eid, f"{entry.action}, {entry.time[:10]}")
    return trail


def audit_shards(trail: Trail, stored: dict[str, int]) -> set[str]:
    """The id shards whose stored ids and covered ids disagree (by their sums)."""
    return {s for s in stored.keys() | trail.covered.keys() if stored[s] != trail.covered[s]}


def compare_audit(
    found: Findings,
    trail: Trail,
    stored: dict[str, tuple[Entry | None, bool]],
    recorded: dict[str, str],
) -> None:
    """The problems of the ids compared one by one: ``stored`` id -> (its entry, whether a
    bulk load covers it); ``recorded``: the saves the trail recorded among them."""
    unaudited = [e for e, (_, bulk) in stored.items() if not bulk and e not in trail.covered_ids]
    if len(unaudited) > trail.bulk_total:  # a load from before heads were kept names no ids
        found.racy = True  # a save in flight writes its audit entry after its segment
        found.unaudited = [entry for e in sorted(unaudited) if (entry := stored[e][0])]
        found.problem(
            f"{len(unaudited)} stored encounter(s) have no sign or amend entry in the audit "
            f"trail ({listed(unaudited)}): --repair records an entry for each, saying it was "
            "added afterwards."
        )
    lost = recorded.keys() - stored.keys()
    if lost:
        found.problem(
            f"{len(lost)} encounter(s) the audit trail records as saved are not stored "
            f"({listed(lost)}): lost with a damaged or deleted encounter file. To restore "
            "them, copy that file from a backup into its day folder as "
            "<NNNN>.json.corrupt-backup and run `kiosk check --repair`: it puts back what "
            "the store lacks."
        )


def staff_file_gone(layout: Layout, found: Findings, trail: Trail) -> None:
    if trail.staff_added and not layout.staff.exists():
        found.problem(
            f"The staff file staff.json is missing, but the audit trail records "
            f"{trail.staff_added} account(s) added: nobody can sign in. Restore it from a backup."
        )


def _detail_ids(detail: str) -> list[str]:
    """The encounter id a save's entry names: the whole detail (``<id>``), or ``encounter
    <id> (...)`` (by a repair), or ``<id> (recorded after an interruption)`` (by recovery)."""
    if detail and " " not in detail and detail != "patient":
        return [detail]
    match = _NAMED.match(detail) or _NOTED.match(detail)
    return [match.group(1)] if match else []


__all__ = [
    "ADDED_ENTRY",
    "Trail",
    "audit_shards",
    "compare_audit",
    "read_trail",
    "staff_file_gone",
]
