"""The vitals step's change from the last visit: a weight or height to confirm before Next.

A weight or height beyond the clinic's ``[change_limits]`` from the last visit
(:mod:`kiosk.validators.change`) shows a row under the weight, "Weight 15 lb less than last
visit (180 lb, 2026-03-01)", with a "Change from last visit confirmed" tick, and holds Next
until it is ticked. A new value needs a new tick; a saved reading that already passed Next
counts as confirmed. Kept apart from ``vitals.py``, which lays the step out and handles keys.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Label

from kiosk.models import Encounter
from kiosk.screens.vitals_form import VitalsForm
from kiosk.validators.change import CHANGE_KINDS, Change, change_message, check_change
from kiosk.widgets.tick import Tick

UNCONFIRMED = "Confirm or correct: "
"""Before a change's words once Next was refused for it (the red box is not the only sign)."""


class VitalsChanges(VitalsForm):
    """The change rows of weight and height, their ticks, and Next held until they are ticked."""

    def _change_rows(self) -> ComposeResult:
        """For weight and height: the change from the last visit, with its confirming tick
        (hidden until a new reading is beyond the clinic's limits)."""
        with Vertical(id="vitals-changes", classes="vitals-span"):
            for name in CHANGE_KINDS:
                if name not in self._last:
                    continue
                with Vertical(id=f"vitals-{name}-change", classes="vitals-change -hidden"):
                    yield Label("", classes="vitals-change-text", markup=False)
                    yield Tick(
                        "Change from last visit confirmed",
                        id=f"vitals-{name}-change-ok",
                        classes="vitals-change-ok",
                    )

    def _change(self, name: str) -> Change | None:
        """The change of ``name`` from the last visit, or None (no reading, or no last one)."""
        field, last = self.field(name), self._last.get(name)
        if field is None or last is None or field.not_taken is not None:
            return None
        value = field.reading.value if field.reading.valid else None
        if value is None:
            return None
        limits = self.ctx.settings.change_limits.limits()
        return check_change(name, value, last[0], age_years=self.age, limits=limits)

    def _change_tick(self, name: str) -> Checkbox:
        return self.query_one(f"#vitals-{name}-change-ok", Checkbox)

    def _restore_confirmation(self, name: str, draft: Encounter) -> None:
        """A tick kept in the typed text, or a reading already past Next (so confirmed), holds
        for the value in the field now."""
        change, tick = self._change(name), self._change_tick(name)
        if change is None:
            return
        saved = [m.value for m in getattr(draft.vitals, name) if m.value is not None]
        if tick.value or change.now in saved:
            self._confirmed[name] = change.now
            with tick.prevent(Checkbox.Changed):
                tick.value = True

    def _update_change(self, name: str) -> None:
        """Show or hide the change row for ``name``; a new value needs a new confirmation."""
        if name not in self._last:
            return
        change = self._change(name)
        row = self.query_one(f"#vitals-{name}-change")
        tick = self._change_tick(name)
        flagged = change is not None and change.flagged
        if change is None or not flagged or self._confirmed.get(name) != change.now:
            self._confirmed.pop(name, None)
            with tick.prevent(Checkbox.Changed):
                tick.value = False
        if not flagged or tick.value:
            tick.remove_class("-flagged")
        if change is not None and flagged:
            text = change_message(change, self.system, self._last[name][1])
            if tick.has_class("-flagged"):  # Next was refused for it: say so in words
                text = f"{UNCONFIRMED}{text}"
            row.query_one(".vitals-change-text", Label).update(text)
        appears = flagged and row.has_class("-hidden")
        row.set_class(not flagged, "-hidden")
        field = self.field(name)
        if appears and field is not None and field.input.has_focus:
            self.call_after_refresh(row.scroll_visible, animate=False)  # said where typed

    @on(Checkbox.Changed, ".vitals-change-ok")
    def _on_change_confirmed(self, event: Checkbox.Changed) -> None:
        name = (event.checkbox.id or "").removeprefix("vitals-").removesuffix("-change-ok")
        change = self._change(name)
        if event.value and change is not None:
            self._confirmed[name] = change.now
            event.checkbox.remove_class("-flagged")
        else:
            self._confirmed.pop(name, None)
        self._update_change(name)

    def unconfirmed_changes(self) -> list[str]:
        """Flag every shown change not yet confirmed (for Next); their names."""
        names = []
        for name in self._last:
            change = self._change(name)
            tick = self._change_tick(name)
            needed = change is not None and change.flagged and not tick.value
            tick.set_class(needed, "-flagged")
            if needed:
                names.append(name)
                self._update_change(name)
        return names

    def collect(self) -> Encounter | None:
        updated = super().collect()
        unconfirmed = self.unconfirmed_changes()
        if not unconfirmed:
            return updated
        # held: the first change to confirm gets the focus (Space ticks it), in view
        tick = self._change_tick(unconfirmed[0])
        self.set_focus(tick)
        self.call_after_refresh(tick.scroll_visible, animate=False)
        return None
