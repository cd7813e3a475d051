"""The outbox (kiosk.store.outbox) without a database: every save feeds it once enabled, a
save interrupted before its outbox line is completed by the next open, logs roll over and
pushed ones go, and a folder without a central database gets none."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_child import make_encounter

from kiosk.errors import StoreError
from kiosk.store import EncounterStore
from kiosk.store import outbox as outbox_module
from kiosk.store.layout import Layout
from kiosk.store.outbox import Outbox


def ids(outbox: Outbox) -> list[str]:
    return [p.document["id"] for p in outbox.pending(10_000)[0]]


def test_no_outbox_without_a_central_database(folder: Path) -> None:
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(make_encounter(1))
    assert not (folder / "outbox").exists()


def test_each_save_and_amendment_is_in_the_outbox_as_stored(folder: Path) -> None:
    outbox = Outbox(Layout(folder))
    outbox.enable()
    first = make_encounter(1)
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(first)
        store.save(first)  # the same document again: a no-op, no second line
        amended = store.amend(first.id, first.model_copy(update={"notes": "fixed"}))
        stored = store.get(amended).model_dump(mode="json")
    assert ids(outbox) == [first.id, amended]
    assert outbox.pending(10)[0][1].document == stored


def test_a_save_cut_off_before_its_outbox_line_is_completed_on_the_next_open(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = Outbox(Layout(folder))
    outbox.enable()
    encounter = make_encounter(2)

    def full_disk(self: Outbox, documents: list[dict[str, object]]) -> None:
        raise OSError(28, "No space left on device")

    with EncounterStore(folder, staff_id="ma1") as store:
        monkeypatch.setattr(Outbox, "add_many", full_disk)
        with pytest.raises(StoreError, match="outbox line"):
            store.save(encounter)
        monkeypatch.undo()
    assert ids(outbox) == []
    with EncounterStore(folder, staff_id="ma1") as store:  # the next kiosk to open finishes it
        assert store.get(encounter.id).id == encounter.id
    assert ids(outbox) == [encounter.id]


def test_logs_roll_over_and_pushed_ones_are_removed(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "LOG_BYTES", 5_000)  # 2 documents (~3 KB) a log
    outbox = Outbox(Layout(folder))
    outbox.enable()
    saved = [make_encounter(n) for n in range(6)]
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in saved:
            store.save(encounter)
    assert len(outbox.logs()) >= 3
    assert ids(outbox) == [e.id for e in saved]
    first, _ = outbox.pending(4)
    outbox.mark_sent(first[-1].log, first[-1].end)
    assert ids(outbox) == [e.id for e in saved[4:]]
    assert outbox.logs()[0] == first[-1].log  # the wholly pushed logs are gone
    assert outbox.backlog_bytes() > 0
    rest, _ = outbox.pending(10)
    outbox.mark_sent(rest[-1].log, rest[-1].end)
    assert outbox.backlog_bytes() == 0
    assert ids(outbox) == []
