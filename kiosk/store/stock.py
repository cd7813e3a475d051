"""Stock on hand, shared by every kiosk on the host: ``stock.json`` in the data folder.

Generic: an entry is an item (a catalog kit such as ``strep-a``, a vaccine, a medication), its
lot, manufacturer, expiry, quantity on hand and where it is kept (kiosk.models.stock). Test
kits are received with ``kiosk stock add``; each signed patient result counts its lot down by
one (:func:`count_down_kits`); a lot at or below its ``low_at`` is flagged low; ``retire``
takes a lot out of use (a recall, a failed QC that cannot be fixed) without deleting it.

Every read-modify-write holds ``stock.json.lock`` and replaces the file atomically
(kiosk.store.files), so two kiosks counting down at once lose nothing. Every change and every
listing is audited (no patient data: lots only; a count-down names the encounter's patient).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from kiosk.errors import StoreError
from kiosk.models.stock import StockLot
from kiosk.store.audit import AuditTrail
from kiosk.store.files import (
    DamagedFileError,
    ProcessLock,
    make_private_dir,
    os_error_message,
    write_atomic,
)
from kiosk.store.layout import Layout

if TYPE_CHECKING:
    from kiosk.models import Encounter
    from kiosk.validators.poc_catalog import Catalog

FORMAT = 1


class StockError(StoreError):
    """A stock command cannot be done (unknown lot, bad value); the message says why."""


def read_lots(raw: bytes, name: str = "stock.json") -> list[StockLot]:
    """The lots in a ``stock.json``'s bytes; DamagedFileError when they do not read."""
    try:
        data = orjson.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a stock file")
        return [StockLot.model_validate(entry) for entry in data["lots"]]
    except (orjson.JSONDecodeError, ValueError, KeyError, TypeError) as error:
        raise DamagedFileError(Path(name), type(error).__name__) from None


class StockRoom:
    """``StockRoom(data_dir, actor="ma1")``: the lots on hand in one data folder."""

    def __init__(self, data_dir: Path | str, *, actor: str) -> None:
        self.layout = Layout(data_dir)
        self.path = self.layout.stock
        self.lock = ProcessLock(self.layout.stock_lock, keep_open=False)
        self.audit = AuditTrail(self.layout.root)
        self.actor = actor

    # ------------------------------------------------------------------ reading

    def _read(self) -> list[StockLot]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise StoreError(f"stock.json cannot be read ({error.strerror}).") from None
        return read_lots(raw)

    def lots(self, item: str | None = None, *, audit: bool = True) -> list[StockLot]:
        """Every lot (of ``item``), sorted by item then expiry; the look is audited."""
        found = sorted(self._read(), key=lambda s: (s.item.lower(), s.expiry, s.lot))
        if item is not None:
            found = [s for s in found if s.item.lower() == item.lower()]
        if audit:
            self.audit.append(
                "stock-view",
                staff=self.actor,
                detail=f"item={item or '*'} lots={len(found)}",
                sync=False,
            )
        return found

    def find(self, item: str, lot: str) -> StockLot | None:
        key = (item.lower(), lot.strip().upper())
        return next((s for s in self._read() if s.key == key), None)

    def usable(self, item: str, day: date | None = None) -> list[StockLot]:
        """Lots of ``item`` that may be used on ``day``: in date, not retired, some left."""
        day = day or datetime.now(UTC).date()
        return [s for s in self.lots(item) if s.refusal(day) is None]

    # ------------------------------------------------------------------ changing

    @contextmanager
    def _changing(self) -> Iterator[list[StockLot]]:
        make_private_dir(self.layout.root)
        with self.lock:
            lots = self._read()
            yield lots
            body = {"format": FORMAT, "lots": [s.model_dump(mode="json") for s in lots]}
            try:
                write_atomic(self.path, orjson.dumps(body, option=orjson.OPT_INDENT_2))
            except OSError as error:
                raise StoreError(os_error_message(error, "the stock change")) from error

    def add(self, lot: StockLot) -> StockLot:
        """Receive a lot: a new entry, or more of a lot already on hand (the quantity is added,
        the receipt time moves: a new shipment needs its QC when the test asks per shipment)."""
        with self._changing() as lots:
            old = next((s for s in lots if s.key == lot.key), None)
            if old is not None:
                if old.expiry != lot.expiry:
                    raise StockError(
                        f"Lot {lot.lot} of {lot.item} is on hand with expiry {old.expiry}, "
                        f"not {lot.expiry}: check the box."
                    )
                if old.retired:
                    raise StockError(f"Lot {lot.lot} of {lot.item} is retired: it cannot be used.")
                lot = old.model_copy(
                    update={"quantity": old.quantity + lot.quantity, "received": lot.received}
                )
                lots.remove(old)
            lots.append(lot)
        self.audit.append(
            "stock-add",
            staff=self.actor,
            detail=f"item={lot.item} lot={lot.lot} quantity={lot.quantity} expiry={lot.expiry}",
        )
        return lot

    def retire(self, item: str, lot: str, reason: str = "") -> StockLot:
        with self._changing() as lots:
            old = self._one(lots, item, lot)
            new = old.model_copy(update={"retired": True, "retired_reason": reason.strip()})
            lots[lots.index(old)] = new
        self.audit.append("stock-retire", staff=self.actor, detail=f"item={item} lot={new.lot}")
        return new

    def use(
        self, item: str, lot: str, count: int = 1, *, patient_id: str | None = None
    ) -> StockLot:
        """Count ``count`` down from a lot (never below zero: what is left is what is left)."""
        with self._changing() as lots:
            old = self._one(lots, item, lot)
            new = old.model_copy(update={"quantity": max(0, old.quantity - count)})
            lots[lots.index(old)] = new
        self.audit.append(
            "stock-use",
            staff=self.actor,
            patient_id=patient_id,
            detail=f"item={item} lot={new.lot} used={count} left={new.quantity}",
        )
        return new

    @staticmethod
    def _one(lots: list[StockLot], item: str, lot: str) -> StockLot:
        key = (item.lower(), lot.strip().upper())
        found = next((s for s in lots if s.key == key), None)
        if found is None:
            raise StockError(f"There is no lot {lot} of {item} in stock.")
        return found


def count_down_kits(data_dir: Path | str, encounter: Encounter, catalog: Catalog) -> list[str]:
    """After signing: the kits the encounter's results used are counted down.

    One kit per result, except that tests read off one kit (influenza A and B) share it:
    ``ceil(results / tests on the kit)`` per lot. Returns the problems (a lot no longer in
    stock), each a sentence; the signed encounter stands whatever this says."""
    used: dict[tuple[str, str], int] = {}
    for result in encounter.poc.results:
        spec = catalog.get(result.test)
        item = spec.kit if spec is not None else result.test
        used[(item, result.kit_lot)] = used.get((item, result.kit_lot), 0) + 1
    shared = {item: len(tests) for item, tests in catalog.kits().items()}
    room = StockRoom(data_dir, actor=encounter.staff_id)
    problems = []
    for (item, lot), results in used.items():
        kits = -(-results // shared.get(item, 1))
        try:
            room.use(item, lot, kits, patient_id=encounter.patient.id)
        except StockError as error:
            problems.append(str(error))
    return problems


__all__ = ["StockError", "StockRoom", "count_down_kits", "read_lots"]
