"""The encounter store and everything kept in the data folder (docs/ARCHITECTURE.md, "Data folder").

The face of the package; names load on first use (PEP 562), so importing one part does not
import the rest. ``encounters`` (``EncounterStore``, composed of the parts below it), ``folder``
(what those parts share: the data folder, its lock, a document reader), ``drafts``, ``queries``,
``loading`` (a document that does not load is skipped and said), ``search`` (the directory
search), ``writes``, ``recovery`` (power cuts), ``bulk`` (bulk loads), ``schedule`` (a day's
appointments, imported), ``outbox`` (what the central database is still owed), ``check``
(``kiosk check``: it streams through ``inspect_files``, ``inspect_data``, ``inspect_index`` and
``inspect_audit`` into ``findings``, telling ``progress``; ``repair`` acts on them, with
``rebuild``), ``checksums`` (each stored document's), ``index`` (its logs roll in ``shards``),
``day_rows`` (today's list, per segment), ``partitions`` (segment files), ``layout`` (every name
in the data folder), ``files`` (atomic writes, fsync, the cross-process lock), ``audit`` (the
hash-chained trail), ``staff`` (accounts and PINs) with ``throttle`` (how fast a terminal may
try PINs), ``stock`` (lots on hand: kits, vaccines, medications), ``qc`` (the point-of-care
QC log), ``rooming`` (today's visit statuses, rooms and turnover: ``store.rooming``),
``sterilizer`` (the sterilizer log and recall: ``store.sterilizer``) and ``rooming_files``
(their files).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk import lazy_names

if TYPE_CHECKING:  # the names as mypy and editors see them
    from kiosk.store.audit import AuditEntry as AuditEntry
    from kiosk.store.audit import AuditTrail as AuditTrail
    from kiosk.store.bulk import bulk_save as bulk_save
    from kiosk.store.check import CheckReport as CheckReport
    from kiosk.store.check import check_store as check_store
    from kiosk.store.drafts import DraftInfo as DraftInfo
    from kiosk.store.drafts import DraftInUseError as DraftInUseError
    from kiosk.store.encounters import EncounterStore as EncounterStore
    from kiosk.store.files import (
        DamagedFileError as DamagedFileError,
    )
    from kiosk.store.files import (
        ProcessLock as ProcessLock,
    )
    from kiosk.store.files import (
        write_atomic as write_atomic,
    )
    from kiosk.store.qc import QcLog as QcLog
    from kiosk.store.queries import Visit as Visit
    from kiosk.store.recovery import RebootRecovery as RebootRecovery
    from kiosk.store.recovery import current_boot as current_boot
    from kiosk.store.staff import (
        AuthError as AuthError,
    )
    from kiosk.store.staff import (
        StaffDirectory as StaffDirectory,
    )
    from kiosk.store.staff import (
        StaffError as StaffError,
    )
    from kiosk.store.stock import StockError as StockError
    from kiosk.store.stock import StockRoom as StockRoom


_WHERE = {
    "EncounterStore": "encounters",
    "DraftInUseError": "drafts",
    "DraftInfo": "drafts",
    "Visit": "queries",
    "CheckReport": "check",
    "check_store": "check",
    "bulk_save": "bulk",
    "current_boot": "recovery",
    "RebootRecovery": "recovery",
    "AuditTrail": "audit",
    "AuditEntry": "audit",
    "StaffDirectory": "staff",
    "AuthError": "staff",
    "StaffError": "staff",
    "QcLog": "qc",
    "StockRoom": "stock",
    "StockError": "stock",
    "DamagedFileError": "files",
    "ProcessLock": "files",
    "write_atomic": "files",
}

__all__ = sorted(_WHERE)

__getattr__ = lazy_names(__name__, _WHERE)
