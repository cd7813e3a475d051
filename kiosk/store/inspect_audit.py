"""``kiosk check``, part three: the audit trail against the stored documents.

Only reads. Every stored document must have the entry its save wrote (sign, amend or create,
naming its id), a bulk load's start (its head is stored beside each document it loaded), or
the entry a repair added for it; every document the trail says was stored must still be there
(else it was lost with a damaged or deleted file). A deleted staff file is recognised by the
accounts the trail says were added.
"""

from __future__ import annotations

import re

from kiosk.store.audit import AuditTrail
from kiosk.store.findings import Findings, entry_of_doc, listed
from kiosk.store.index import Entry
from kiosk.store.layout import Layout

_NAMED = re.compile(r"^encounter (\S+)")
_NOTED = re.compile(r"^(\S+) \(")  # "<id> (recorded after an interruption)": recovery's entry
_BULK = re.compile(r"^bulk load (?:of|stopped after) (\d+) encounters")
ADDED_ENTRY = "Added the missing audit entry of"
"""How a repair's audit entry for a stored document without one starts (it names the id)."""


def inspect_audit(layout: Layout, found: Findings, stored: set[str]) -> None:
    """Every stored document has its entry; every document the trail recorded is stored."""
    trail = AuditTrail(layout.root)
    recorded: dict[str, str] = {}
    covered: set[str] = set()
    bulk_hashes: set[str] = set()
    bulk_total = staff_added = 0
    for entry in trail.entries():
        if entry.action in ("sign", "amend", "create"):
            if entry.detail == "bulk load started":
                bulk_hashes.add(entry.hash)
            elif match := _BULK.match(entry.detail):
                bulk_total += int(match.group(1))
            for eid in _detail_ids(entry.detail):
                recorded.setdefault(eid, f"{entry.action}, {entry.time[:10]}")
        elif entry.action == "repair" and entry.detail.startswith(ADDED_ENTRY):
            covered.update(_detail_ids(entry.detail[len(ADDED_ENTRY) + 1 :]))
        elif entry.action == "staff-add":
            staff_added += 1
    covered |= recorded.keys()
    hashes = found.head_hashes
    unaudited = [eid for eid in stored - covered if hashes.get(eid) not in bulk_hashes]
    if len(unaudited) > bulk_total:  # a load from before heads were kept names no ids
        found.racy = True  # a save in flight writes its audit entry after its segment
        entries = _stored_entries(found)
        found.unaudited = [entries[e] for e in sorted(unaudited) if e in entries]
        found.problem(
            f"{len(unaudited)} stored encounter(s) have no sign or amend entry in the audit "
            f"trail ({listed(unaudited)}): --repair records an entry for each, saying it was "
            "added afterwards."
        )
    lost = recorded.keys() - stored
    if lost:
        found.problem(
            f"{len(lost)} encounter(s) the audit trail records as saved are not stored "
            f"({listed(lost)}): lost with a damaged or deleted encounter file. To restore "
            "them, copy that file from a backup into its day folder as "
            "<NNNN>.json.corrupt-backup and run `kiosk check --repair`: it puts back what "
            "the store lacks."
        )
    if staff_added and not layout.staff.exists():
        found.problem(
            f"The staff file staff.json is missing, but the audit trail records {staff_added} "
            "account(s) added: nobody can sign in. Restore it from a backup."
        )


def _detail_ids(detail: str) -> list[str]:
    """The encounter id a save's entry names: the whole detail (``<id>``), or ``encounter
    <id> (...)`` (by a repair), or ``<id> (recorded after an interruption)`` (by recovery)."""
    if detail and " " not in detail and detail != "patient":
        return [detail]
    match = _NAMED.match(detail) or _NOTED.match(detail)
    return [match.group(1)] if match else []


def _stored_entries(found: Findings) -> dict[str, Entry]:
    """id -> entry of what inspect_segments kept (sound and damaged segments)."""
    entries = dict(found.entries)
    for damage in found.damaged:
        for doc in damage.readable.values():
            entry = entry_of_doc(doc, damage.partition)
            if entry is not None:
                entries[entry.id] = entry
    return entries


__all__ = ["ADDED_ENTRY", "inspect_audit"]
