"""Requests handed over at intake, read as a to-do list (``kiosk tasks list|done``).

A request lives in its signed encounter (``Encounter.requests``), which is never rewritten;
its being done is an action, so it is recorded where actions are: a ``task-done`` entry in the
hash-chained audit trail (who, when, the task and encounter ids, the patient). The list reads
the encounters of the days asked for and the trail's done entries; the trail reaches the
central database with every other audit event, so a task done on one host shows as done on
any host syncing into it. Both calls are audited like every other look at patient data.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.errors import StoreError
from kiosk.models import Request
from kiosk.store.folder import Folder
from kiosk.store.queries import Queries

DONE = "task-done"


@dataclass(frozen=True, slots=True)
class TaskItem:
    """One request as a task: what it asks, for whom, from which visit, and whether done."""

    request: Request
    patient_id: str
    patient_name: str
    encounter_id: str
    day: str
    raised_by: str
    done_by: str = ""
    done_at: str = ""

    @property
    def done(self) -> bool:
        return bool(self.done_by)


class Tasks:
    """The task list over the store's documents and its audit trail."""

    def __init__(self, folder: Folder, queries: Queries) -> None:
        self.folder = folder
        self.queries = queries

    def _done(self) -> dict[str, tuple[str, str]]:
        """task id -> (who, when) of its first ``task-done`` entry."""
        done: dict[str, tuple[str, str]] = {}
        for entry in self.folder.audit.entries():
            if entry.action == DONE:
                task_id = entry.detail.split()[1] if entry.detail.startswith("task ") else ""
                done.setdefault(task_id, (entry.staff, entry.time))
        return done

    def _items(self, since: date | None, until: date | None) -> Iterator[TaskItem]:
        done = self._done()
        # the latest signed versions, unaudited: the callers audit what they show
        for doc in self.queries._documents(since, until, None, True):
            for raw in doc.get("requests") or ():
                yield _item(doc, Request.model_validate(raw), done)

    def tasks(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        include_done: bool = False,
        patient_id: str | None = None,
        staff: str | None = None,
        reason: str | None = None,
    ) -> builtins.list[TaskItem]:
        """The requests of the signed encounters from ``since`` to ``until`` (days, UTC),
        oldest first; open ones only unless ``include_done``; one patient's when
        ``patient_id``. Audited with the patients shown."""
        who = self.folder.who(staff)
        found = [
            t
            for t in self._items(since, until)
            if (include_done or not t.done) and patient_id in (None, t.patient_id)
        ]
        shown = sorted({t.patient_id for t in found})
        span = f"task list since={since or '-'} until={until or '-'}"
        self.folder.record("view", who, None, span, reason=reason, patients=shown)
        return found

    def mark_done(
        self,
        task_id: str,
        *,
        since: date | None = None,
        staff: str | None = None,
        reason: str | None = None,
    ) -> str:
        """Record the task ``task_id`` as done by ``staff``; returns its encounter's id.

        Refuses an id no signed encounter since ``since`` holds, and one already done (who
        and when are said)."""
        who = self.folder.who(staff)
        task_id = task_id.strip().lower()
        match = [t for t in self._items(since, None) if t.request.id == task_id]
        if not match:
            raise StoreError(f"No task {task_id} among the signed encounters.")
        item = match[-1]
        if item.done:
            raise StoreError(
                f"Task {task_id} was already done by {item.done_by} at {item.done_at}."
            )
        detail = f"task {task_id} of encounter {item.encounter_id} ({item.request.kind})"
        self.folder.record(DONE, who, item.patient_id, detail, reason=reason)
        return item.encounter_id


def _item(doc: dict[str, Any], request: Request, done: dict[str, tuple[str, str]]) -> TaskItem:
    patient = doc["patient"]
    by, at = done.get(request.id, ("", ""))
    return TaskItem(
        request=request,
        patient_id=patient["id"],
        patient_name=f"{patient['family_name']}, {patient['given_name']}",
        encounter_id=doc["id"],
        day=doc["started_at"][:10],
        raised_by=doc["staff_id"],
        done_by=by,
        done_at=at,
    )
