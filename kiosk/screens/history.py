"""History: allergies, medications, problems, surgeries, family and social history.

Carried forward from the patient's last signed encounter for review, not retyped: the MA goes
through it with the patient, edits, adds or removes rows, and ticks "Reviewed". Allergies must
be recorded or "No known allergies" ticked (a safety item, never left blank by default).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar, cast, get_args

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from kiosk.models import (
    Allergy,
    Encounter,
    FamilyHistoryItem,
    History,
    Medication,
    Problem,
    Severity,
    SocialHistory,
    Surgery,
)
from kiosk.screens.base import StepScreen
from kiosk.widgets.labelled import LabelledInput
from kiosk.widgets.rows import Column, Row, RowList
from kiosk.widgets.tick import Tick

LISTS: dict[str, tuple[str, str, tuple[Column, ...]]] = {
    # prefix: (title, History field, columns)
    "history-allergy": (
        "Allergies",
        "allergies",
        (
            Column("substance", "substance, e.g. penicillin"),
            Column("reaction", "reaction, e.g. hives"),
            Column("severity", "", "select", get_args(Severity), "16"),
        ),
    ),
    "history-med": (
        "Medications",
        "medications",
        (
            Column("name", "medication"),
            Column("dose", "dose", width="12"),
            Column("frequency", "how often", width="14"),
            Column("taking", "taking", "check", width="auto", default="1"),
        ),
    ),
    "history-problem": (
        "Problems",
        "problems",
        (
            Column("name", "condition, e.g. type 2 diabetes"),
            Column("onset", "since", width="12"),
            Column("active", "active", "check", width="auto", default="1"),
        ),
    ),
    "history-surgery": (
        "Surgeries",
        "surgeries",
        (
            Column("procedure", "procedure, e.g. appendectomy"),
            Column("year", "year", width="10"),
        ),
    ),
    "history-family": (
        "Family history",
        "family",
        (
            Column("relative", "relative, e.g. mother", width="24"),
            Column("condition", "condition"),
        ),
    ),
}
MAIN_COLUMN = {
    "history-allergy": "substance",
    "history-med": "name",
    "history-problem": "name",
    "history-surgery": "procedure",
    "history-family": "condition",
}
TOBACCO = (
    ("unknown", "unknown"),
    ("never", "never"),
    ("former", "former"),
    ("current, every day", "current-every-day"),
    ("current, some days", "current-some-days"),
    ("current, how often unknown", "current"),
)
"""(label, stored value) of the smoking statuses (kiosk.export.social codes each)."""


def rows_from_section(prefix: str, items: list[Any]) -> list[tuple[int, dict[str, str]]]:
    """Rows for a list section of the model (values as text)."""
    rows = []
    for n, item in enumerate(items):
        data = item.model_dump()
        values = {
            k: ("1" if v else "0") if isinstance(v, bool) else ("" if v is None else str(v))
            for k, v in data.items()
        }
        if prefix == "history-allergy":
            values["substance"] = data["substance"]
        rows.append((n, values))
    return rows


def rows_from_text(prefix: str, form_text: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    """Rows rebuilt from raw text kept after Back (ids ``prefix-n-column``)."""
    found: dict[int, dict[str, str]] = {}
    pattern = re.compile(rf"{re.escape(prefix)}-(\d+)-(\w+)")
    for key, value in form_text.items():
        match = pattern.fullmatch(key)
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = value
    order = form_text.get(f"{prefix}-order", "")
    ns = [int(n) for n in order.split(",") if n.isdigit()] if order else sorted(found)
    return [(n, found.get(n, {})) for n in ns]


class HistoryScreen(StepScreen):
    """Review the carried-forward history with the patient."""

    STEP: ClassVar[str] = "history"
    TITLE: ClassVar[str] = "History"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+a",
            "add_row",
            "Add row",
            priority=True,
            id="history.add_row",
            tooltip="Add a row to the focused list",
        ),
        Binding(
            "ctrl+d",
            "remove_focused_row",
            "Remove row",
            priority=True,
            id="history.remove_row",
            tooltip="Remove the focused row",
        ),
        Binding(
            "ctrl+k",
            "toggle_reviewed",
            "Reviewed",
            priority=True,
            id="history.reviewed",
            tooltip="Mark the history reviewed",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        previous = self.ctx.previous
        kept = any(k.endswith("-order") for k in self.draft.form_text)
        if previous is not None:
            when = previous.started_at.date()
            yield Static(
                f"Carried forward from the visit on {when:%Y-%m-%d}. Go through each "
                "item with the patient; change what changed.",
                classes="hint",
            )
        else:
            yield Static("No earlier visit on file: ask and record.", classes="hint")
        h = self.draft.history
        yield Tick("No known allergies (NKA)", value=h.no_known_allergies, id="history-nka")
        for prefix, (title, field, columns) in LISTS.items():
            rows = (
                rows_from_text(prefix, self.draft.form_text)
                if kept
                else rows_from_section(prefix, getattr(h, field))
            )
            yield RowList(title, prefix, columns, rows)
        yield Static("Social history", classes="section-title")
        with Horizontal(classes="labelled-row"):
            yield Label("Tobacco", classes="labelled-label")
            yield Select(
                list(TOBACCO),
                allow_blank=False,
                value=h.social.tobacco,
                id="history-tobacco",
            )
        packs = "" if h.social.pack_years is None else f"{h.social.pack_years:g}"
        yield LabelledInput("Pack-years", id="history-pack-years", value=packs, max_length=6)
        yield LabelledInput(
            "Alcohol",
            id="history-alcohol",
            value=h.social.alcohol,
            placeholder="e.g. 2 drinks a week, none",
        )
        yield LabelledInput("Other substances", id="history-substances", value=h.social.substances)
        # the message above the box: Next scrolls to the box, the last line of the step
        message = Static("", id="history-message", classes="error message", markup=False)
        message.display = False
        yield message
        yield Tick("Reviewed with the patient  Ctrl+K", value=h.reviewed, id="history-reviewed")

    # ------------------------------------------------------------------ rows

    def _list_of(self, widget: Any) -> RowList | None:
        node = widget
        while node is not None and not isinstance(node, RowList):
            node = node.parent
        return node

    async def action_add_row(self, prefix: str = "") -> None:
        if prefix:
            rowlist = self.query_one(f"#{prefix}-list", RowList)
        else:
            rowlist = self._list_of(self.focused) or self.query_one(
                "#history-allergy-list", RowList
            )
        row = await rowlist.add_row()
        row.query(Input).first().focus()
        row.scroll_visible()
        if rowlist.prefix == "history-allergy":
            self.query_one("#history-nka", Checkbox).value = False

    async def action_remove_row(self, row_id: str) -> None:
        row = self.query_one(f"#{row_id}", Row)
        rowlist = self._list_of(row)
        await row.remove()
        if rowlist is not None:
            rowlist.query_one(f"#{rowlist.prefix}-add", Button).focus()

    async def action_remove_focused_row(self) -> None:
        node: DOMNode | None = self.focused
        while node is not None and not isinstance(node, Row):
            node = node.parent
        if isinstance(node, Row) and node.id:
            await self.action_remove_row(node.id)

    def action_toggle_reviewed(self) -> None:
        box = self.query_one("#history-reviewed", Checkbox)
        box.value = not box.value

    @on(Checkbox.Changed, "#history-nka")
    def _nka(self, event: Checkbox.Changed) -> None:
        if event.value:
            self.query_one("#history-allergy-list", RowList).show_message("")
            event.checkbox.remove_class("-flagged")

    # ------------------------------------------------------------------ protocol

    def form_text(self) -> dict[str, str]:
        texts = super().form_text()
        for prefix in LISTS:
            rowlist = self.query_one(f"#{prefix}-list", RowList)
            texts[f"{prefix}-order"] = ",".join(str(r.n) for r in rowlist.rows())
        return texts

    def collect(self) -> Encounter | None:
        ok = True
        built: dict[str, list[Any]] = {}
        for prefix, (_, field, _) in LISTS.items():
            rowlist = self.query_one(f"#{prefix}-list", RowList)
            items, problem = self._collect_list(prefix, rowlist)
            rowlist.show_message(problem)
            ok = ok and not problem
            built[field] = items
        nka_box = self.query_one("#history-nka", Checkbox)
        nka_box.remove_class("-flagged")
        nka = nka_box.value
        allergies = self.query_one("#history-allergy-list", RowList)
        if not nka and not built["allergies"] and ok:
            allergies.show_message("Record the allergies, or tick “No known allergies”.")
            nka_box.add_class("-flagged")  # first in the form: Next puts the focus here
            ok = False
        elif nka and built["allergies"]:
            allergies.show_message("Untick “No known allergies” or remove the allergy rows.")
            ok = False
        tobacco = str(self.query_one("#history-tobacco", Select).value)
        packs_field = self.query_one("#history-pack-years-field", LabelledInput)
        packs_text = packs_field.value.strip()
        pack_years: float | None = None
        if packs_text:
            try:
                pack_years = float(packs_text)
                if not 0 <= pack_years <= 300 or tobacco == "never":
                    raise ValueError
                packs_field.show_ok()
            except ValueError:
                packs_field.show_error(
                    "Pack-years: a number from 0 to 300, and not for a never-smoker."
                )
                ok = False
        else:
            packs_field.show_ok()
        reviewed = self.query_one("#history-reviewed", Checkbox).value
        message = self.query_one("#history-message", Static)
        if not reviewed:
            message.update("Go through the history with the patient, then tick “Reviewed”.")
            ok = False
        message.display = not reviewed
        if not reviewed:
            self.query_one("#history-reviewed", Checkbox).add_class("-flagged")
        else:
            self.query_one("#history-reviewed", Checkbox).remove_class("-flagged")
        if not ok:
            return None
        social = SocialHistory(
            tobacco=cast(Any, tobacco),
            pack_years=pack_years,
            packs_per_day=self.draft.history.social.packs_per_day if tobacco != "never" else None,
            alcohol=self.query_one("#history-alcohol", Input).value.strip(),
            substances=self.query_one("#history-substances", Input).value.strip(),
        )
        history = History(no_known_allergies=nka, social=social, reviewed=True, **built)
        others = {k: v for k, v in self.draft.form_text.items() if not k.startswith("history-")}
        return self.draft.model_copy(update={"history": history, "form_text": others})

    def _collect_list(self, prefix: str, rowlist: RowList) -> tuple[list[Any], str]:
        """The valid items of one list, or the first problem in plain words."""
        items: list[Any] = []
        for index, row in enumerate(rowlist.rows(), start=1):
            if row.is_blank():
                continue
            v = row.texts()
            main = MAIN_COLUMN[prefix]
            main_input = self.query_one(f"#{prefix}-{row.n}-{main}", Input)
            if not v[main]:
                main_input.add_class("-flagged")
                return [], f"Row {index}: fill in the {main}, or remove the row (✕)."
            main_input.remove_class("-flagged")
            if prefix == "history-allergy":
                items.append(
                    Allergy(
                        substance=v["substance"],
                        reaction=v["reaction"],
                        severity=cast(Severity, v["severity"]),
                    )
                )
            elif prefix == "history-med":
                items.append(
                    Medication(
                        name=v["name"],
                        dose=v["dose"],
                        frequency=v["frequency"],
                        taking=v["taking"] == "1",
                    )
                )
            elif prefix == "history-problem":
                items.append(Problem(name=v["name"], onset=v["onset"], active=v["active"] == "1"))
            elif prefix == "history-surgery":
                year: int | None = None
                if v["year"]:
                    year_input = self.query_one(f"#{prefix}-{row.n}-year", Input)
                    if not v["year"].isdigit() or not 1900 <= int(v["year"]) <= date.today().year:
                        year_input.add_class("-flagged")
                        return [], f"Row {index}: the year is a 4-digit year, not in the future."
                    year_input.remove_class("-flagged")
                    year = int(v["year"])
                items.append(Surgery(procedure=v["procedure"], year=year))
            else:
                if not v["relative"]:
                    self.query_one(f"#{prefix}-{row.n}-relative", Input).add_class("-flagged")
                    return [], f"Row {index}: which relative?"
                items.append(FamilyHistoryItem(relative=v["relative"], condition=v["condition"]))
        return items, ""
