"""The POC step's catalog tests: choose a test, its kit lot, type the result, record it.

One row of fields (test, kit lot, result, analyser) and a Record button (Ctrl+D). Recording
checks, in the MA's order, the kit lot (in stock, not expired or retired, some left), the
analyser where the test has one, the QC the lot relies on (the message names the control to
run) and the result (kiosk.validators.poc_results); a refusal is shown under the row and
everything typed stays. An invalid result is recorded and the next result of that test is
recorded as its repeat. The results recorded so far are listed under the row; they reach the
draft with the step's snapshot (autosave, Back) and with Next.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Select

from kiosk.models import PocResult, StockLot
from kiosk.store.qc import QcLog
from kiosk.store.stock import StockRoom
from kiosk.validators.poc_catalog import Catalog, PocTestSpec
from kiosk.validators.poc_results import Problem, build_result
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert


class CatalogTests(Vertical):
    """The catalog section of the POC step (ids ``poc-test-*``)."""

    def __init__(
        self, catalog: Catalog, results: list[PocResult], *, data_dir: Any, operator: str
    ) -> None:
        super().__init__(id="poc-tests")
        self.catalog = catalog
        self.results = list(results)
        self.data_dir = data_dir
        self.operator = operator
        self.repeat_of: dict[str, str] = {
            r.test: r.id for r in self.results if r.is_invalid and not self._repeated(r.id)
        }

    def _repeated(self, result_id: str) -> bool:
        return any(r.repeat_of == result_id for r in self.results)

    def compose(self) -> ComposeResult:
        yield Label("Tests from the catalog  (record each with Ctrl+D)", classes="poc-title")
        tests = [(t.name, t.id) for t in self.catalog.recorded_here]
        with Horizontal(classes="poc-row"):
            yield Select(
                tests, prompt="test", compact=True, id="poc-test-name", classes="poc-test-pick"
            )
            yield VisibleInput(
                placeholder="kit lot",
                compact=True,
                id="poc-test-lot",
                max_length=40,
                classes="poc-test-lot",
            )
            yield VisibleInput(
                placeholder="result",
                compact=True,
                id="poc-test-result",
                max_length=40,
                classes="poc-test-result",
            )
            yield VisibleInput(
                placeholder="analyser",
                compact=True,
                id="poc-test-device",
                max_length=40,
                classes="poc-test-device",
            )
            yield Button(
                "Record ^D",
                id="poc-test-record",
                action="screen.record_test",
                compact=True,
                classes="small",
            )
        yield Label("", id="poc-test-hint", classes="poc-hint", markup=False)
        yield Label("", id="poc-test-message", classes="poc-message", markup=False)
        yield Label(self._listing(), id="poc-test-done", markup=False)

    # ------------------------------------------------------------------ reading

    def spec(self) -> PocTestSpec | None:
        choice = self.query_one("#poc-test-name", Select)
        return None if choice.is_blank() else self.catalog.get(str(choice.value))

    def _room(self) -> StockRoom:
        return StockRoom(self.data_dir, actor=self.operator)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "poc-test-name":
            return
        spec = self.spec()
        if spec is None:
            self.query_one("#poc-test-hint", Label).update("")
            return
        today = datetime.now(UTC).date()
        try:
            lots = self._room().lots(spec.kit)
        except Exception:  # a damaged stock file: say so, the MA can still type a lot
            lots = []
        usable = [s for s in lots if s.refusal(today) is None]
        lot_input = self.query_one("#poc-test-lot", Input)
        if usable and not lot_input.value.strip():
            with lot_input.prevent(Input.Changed):
                lot_input.value = usable[0].lot
        shown = ", ".join(f"{s.lot} (exp {s.expiry}, {s.quantity} left)" for s in usable[:3])
        answers = {"numeric": "12.1", "qualitative": "pos/neg/inv"}.get(
            spec.result, "/".join(spec.choices)
        )
        unit = "" if spec.unit == "{INR}" else spec.unit
        self.query_one("#poc-test-result", Input).placeholder = f"{answers} {unit}".strip()[:20]
        self.query_one("#poc-test-device", Input).disabled = not spec.device
        hint = f"Lots on hand: {shown}" if shown else f"No usable lot of {spec.kit} in stock"
        if spec.id in self.repeat_of:
            hint = f"Repeat of the invalid {spec.name}. " + hint
        self.query_one("#poc-test-hint", Label).update(inert(hint))
        self._show_below()

    def _show_below(self) -> None:
        """The hint, the message and the results under the row in view (at 80x24 they are
        below the fold when the row is reached by Tab)."""
        from kiosk.widgets.scroll import ScrollBody

        body = next((a for a in self.ancestors if isinstance(a, ScrollBody)), None)
        if body is not None:
            self.call_after_refresh(body.clear_of_hint, self.query_one("#poc-test-done", Label))

    # ------------------------------------------------------------------ recording

    def say(self, message: str, field: str | None = None) -> None:
        label = self.query_one("#poc-test-message", Label)
        label.update(inert(message))
        label.set_class(bool(message), "-shown")
        for name in ("name", "lot", "result", "device"):
            self.query_one(f"#poc-test-{name}").set_class(name == field, "-invalid")

    def record(self) -> PocResult | None:
        """Check and record the row's result; None (and the message shown) when refused."""
        spec = self.spec()
        if spec is None:
            self.say("Choose the test first.", "name")
            return None
        lot_text = self.query_one("#poc-test-lot", Input).value.strip()
        lot: StockLot | None = None
        try:
            lot = self._room().find(spec.kit, lot_text) if lot_text else None
            runs = (
                QcLog(self.data_dir, actor=self.operator).runs(why="intake")
                if spec.needs_qc
                else []
            )
        except Exception as error:  # a damaged stock file or QC log: say it, record nothing
            self.say(f"Cannot check the lot and QC: {error}")
            return None
        made = build_result(
            spec,
            self.query_one("#poc-test-result", Input).value,
            lot=lot,
            lot_text=lot_text,
            runs=runs,
            operator=self.operator,
            device=self.query_one("#poc-test-device", Input).value,
            repeat_of=self.repeat_of.get(spec.id),
        )
        if isinstance(made, Problem):
            field = {"qc": "lot", "test": "name"}.get(made.field, made.field)
            self.say(made.message, field)
            self._show_below()
            return None
        self.results.append(made)
        self.repeat_of.pop(spec.id, None)
        if made.is_invalid:
            self.repeat_of[spec.id] = made.id
            self.say(
                f"{spec.name}: invalid (no control line). Repeat it with a new kit, then record."
            )
        else:
            self.say("")
        result = self.query_one("#poc-test-result", Input)
        with result.prevent(Input.Changed):
            result.value = ""
        self.query_one("#poc-test-done", Label).update(self._listing())
        self._show_below()
        return made

    def _listing(self) -> Content:
        if not self.results:
            return inert("No catalog test recorded yet.")
        lines = []
        for r in self.results:
            flag = {
                "abnormal": "  abnormal",
                "critical-high": "  CRITICAL",
                "critical-low": "  CRITICAL",
            }.get(r.status, "")
            when = r.taken_at.astimezone(UTC).strftime("%H:%M")
            lines.append(f"{when} {r.name}: {r.shown()}{flag}  lot {r.kit_lot}")
        return inert("\n".join(lines), lines=True)
