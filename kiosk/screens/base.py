"""The step protocol every intake step follows (docs/ARCHITECTURE.md, "The step protocol").

The app owns the encounter draft and the store. It hands a step the draft and a read-only
:class:`StepContext` ("attributes down") and receives a :class:`StepOutcome` when the step is
dismissed ("messages up"). Steps never save and never talk to each other.

A step restores its fields from the draft's sections, then overrides them with the raw text in
``draft.form_text`` for its own widget ids, so Back, a lock or a crash never loses what was typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Select, TextArea
from textual.widgets.select import InvalidSelectValueError

from kiosk.screens.keys import ENTER as ENTER  # re-exported: the screens import them here
from kiosk.screens.keys import advance as advance
from kiosk.screens.keys import after_pending_keys as after_pending_keys
from kiosk.screens.styled_once import StyledOnce
from kiosk.screens.styled_once import size_classes as size_classes
from kiosk.widgets.banner import PatientBanner, identity_line
from kiosk.widgets.labelled import LabelledInput
from kiosk.widgets.navbar import KeyLine, NavBar
from kiosk.widgets.scroll import SCROLL_KEYS, ScrollBody, ScrollHow, scroll_body

if TYPE_CHECKING:  # the models, config and store stay off the first frame's import path
    from kiosk.config import Settings
    from kiosk.models import Encounter
    from kiosk.store import EncounterStore

StepAction = Literal["next", "back", "leave"]


@dataclass(frozen=True)
class StepContext:
    """What every step may read; nothing here is changed by a step."""

    settings: Settings
    """Clinic settings (unit system, clinic name, required fields, ...)."""
    store: EncounterStore
    """The encounter store, for look-ups only: steps never save."""
    staff_id: str
    """The signed-in medical assistant."""
    previous: Encounter | None = None
    """The patient's last signed encounter (carry-forward, previous values)."""
    history: list[Encounter] = field(default_factory=list)
    """The patient's earlier signed encounters, newest first (trends); may be empty."""
    check_pin: Callable[[str], Awaitable[None]] | None = None
    """Checks the signed-in MA's PIN (raises with the message when wrong): the hand-back from
    the patient's screenings (kiosk.screens.patient_mode)."""


@dataclass(frozen=True)
class StepOutcome:
    """What a step hands back to the app when it is dismissed."""

    action: StepAction
    """``next`` (validated), ``back`` (not validated) or ``leave`` (confirmed by the MA)."""
    encounter: Encounter
    """The draft with this step's section merged, or unchanged plus ``form_text`` on back/leave."""


BACK = "Back; everything typed is kept"

ENTER_CHOICE = Binding(
    "enter",
    "enter_choice",
    "Next field",
    show=False,
    priority=True,
    id="step.enter_choice",
    tooltip="On a tick box or drop-down too: the next field (never ticks or opens)",
)
"""Enter on a tick box, a choice row or a closed drop-down: the next field (priority, so the
widget's own Enter, which would tick, choose or open, never sees it)."""


FOCUS_KEY = "@focus"
"""The ``form_text`` entry naming the widget that had the focus when the step was saved (its
id, which starts with the step's name). Not typed text: the review's "not yet checked" list
skips it."""


class StepScreen(StyledOnce, Screen[StepOutcome]):
    """Base class of the intake steps: layout, navigation keys, Back/Next/Leave, form text."""

    STEP: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    AUTO_FOCUS = "#step-body Input, #step-body Checkbox, #step-body Select"

    # the NavBar shows these as buttons with their keys, so the footer does not repeat them
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "back", "Back", show=False, priority=True, id="step.back", tooltip=BACK),
        Binding(
            "ctrl+b", "back", "Back", show=False, priority=True, id="step.back_b", tooltip=BACK
        ),
        Binding(
            "ctrl+n",
            "next",
            "Next",
            show=False,
            priority=True,
            id="step.next",
            tooltip="Next step (checks every field first)",
        ),
        Binding(
            "ctrl+e",
            "leave",
            "Leave",
            show=False,
            priority=True,
            id="step.leave",
            tooltip="Leave the intake (asks; the draft is kept)",
        ),
        ENTER,
        ENTER_CHOICE,
        *SCROLL_KEYS,
    ]

    def __init__(self, draft: Encounter, ctx: StepContext, *, position: str = "") -> None:
        super().__init__(classes="step form")
        self.add_class(*size_classes(self))
        self.draft = draft
        self.ctx = ctx
        self.position = position
        """Where this step is in the intake, e.g. "2/6" (shown in the banner)."""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # the position first: at 80 columns a long title is cut, never "5/6"
        step = f"{self.position}  {self.TITLE}".strip()
        yield PatientBanner(self.draft.patient, step)
        with ScrollBody(id="step-body", can_focus=False):
            yield from self.compose_body()
        yield NavBar()
        yield KeyLine(id="keyline")

    def compose_body(self) -> ComposeResult:
        """The step's own fields; subclasses override."""
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = identity_line(self.draft.patient)
        self.restore()
        self.restore_form_text()
        self.restore_focus()

    def on_resize(self, event: events.Resize) -> None:
        """Hook for steps that lay out by size (the density itself is pure CSS)."""

    def restore(self) -> None:
        """Fill the fields from the draft's sections; subclasses override."""

    def restore_form_text(self) -> None:
        """Override fields with the raw text kept in ``draft.form_text`` for this step's ids."""
        for widget_id, text in self.draft.form_text.items():
            if not widget_id.startswith(f"{self.STEP}-"):
                continue
            try:
                widget = self.query_one(f"#{widget_id}")
            except Exception:  # a row that no longer exists
                continue
            set_widget_text(widget, text)

    def restore_focus(self) -> None:
        """Back to the field the MA was in (kept in ``form_text`` under :data:`FOCUS_KEY`):
        after "Stay" on the question asked by Esc on the first step (the step is shown
        afresh) and after a crash-resume. The idle lock needs none of this: its screen goes
        over this one, and Textual gives the focus back when it closes."""
        widget_id = self.draft.form_text.get(FOCUS_KEY, "")
        if not widget_id.startswith(f"{self.STEP}-"):
            return
        try:
            widget = self.query_one(f"#{widget_id}")
        except Exception:  # a row that no longer exists, an id from an older version
            return
        if widget.focusable:
            self.set_focus(widget, scroll_visible=False)
            # once laid out: the field with its label and message, not just the first row
            shown = next((a for a in widget.ancestors if isinstance(a, LabelledInput)), widget)
            self.call_after_refresh(shown.scroll_visible, animate=False)

    # ------------------------------------------------------------------ protocol

    def collect(self) -> Encounter | None:
        """Validate every field; return the updated draft, or None (messages shown)."""
        return self.draft

    def form_text(self) -> dict[str, str]:
        """Raw text of every input of this step, keyed by widget id."""
        texts: dict[str, str] = {}
        for widget in self.query("#step-body *"):
            if widget.id and widget.id.startswith(f"{self.STEP}-"):
                text = widget_text(widget)
                if text is not None:
                    texts[widget.id] = text
        return texts

    def snapshot(self) -> Encounter:
        """The draft plus the raw text typed so far (for Back, leave and autosave)."""
        own = {
            k: v
            for k, v in self.draft.form_text.items()
            if not k.startswith(f"{self.STEP}-") and k != FOCUS_KEY
        }
        texts = {**own, **{k: v[:500] for k, v in self.form_text().items()}}
        focused = self.focused
        if focused is not None and focused.id and focused.id.startswith(f"{self.STEP}-"):
            texts[FOCUS_KEY] = focused.id
        return self.draft.model_copy(update={"form_text": texts, "draft_step": self.STEP})

    def focus_first_invalid(self) -> None:
        """Move to the first field showing an error, scrolled into view.

        ``-flagged`` is set by the step's own checks; ``-invalid`` by Textual validators.
        """
        for widget in self.query("#step-body .-flagged, #step-body .-invalid"):
            if widget.focusable:
                widget.focus(scroll_visible=False)
                # the field with its message line under it, not just the input
                shown = next((a for a in widget.ancestors if isinstance(a, LabelledInput)), widget)
                # after the next layout: the message line was only just shown
                self.call_after_refresh(shown.scroll_visible, animate=False)
                return

    # ------------------------------------------------------------------ actions

    def action_next(self) -> None:
        after_pending_keys(self, self._next)

    def _next(self) -> None:
        if not self.is_current:  # dismissed meanwhile (two Nexts in one burst)
            return
        updated = self.collect()
        if updated is None:
            self.focus_first_invalid()
            self.app.bell()
            return
        # this step's text now lives in its section: keep only the other steps' raw text
        others = {k: v for k, v in updated.form_text.items() if not k.startswith(f"{self.STEP}-")}
        self.dismiss(StepOutcome("next", updated.model_copy(update={"form_text": others})))

    def action_back(self) -> None:
        after_pending_keys(self, self._back)

    def _back(self) -> None:
        if self.is_current:
            self.dismiss(StepOutcome("back", self.snapshot()))

    def action_leave(self) -> None:
        after_pending_keys(self, self._leave)

    def _leave(self) -> None:
        from kiosk.widgets.confirm import ConfirmModal

        if not self.is_current:
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(StepOutcome("leave", self.snapshot()))

        self.app.push_screen(ConfirmModal.leave_intake(), answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter_field":  # Enter in a text field
            return isinstance(self.focused, Input)
        if action == "enter_choice":  # Enter on a box, a choice row or a closed drop-down
            return is_choice(self.focused)
        return True

    def action_scroll_body(self, how: ScrollHow) -> None:
        """PgUp/PgDn, Home/End and the arrows scroll the body when the focus is outside it
        (the Next/Sign button) or on a widget that does not use the key."""
        scroll_body(self, how)

    def action_enter_field(self) -> None:
        """Enter in a text field: the next field, as Tab (drop-downs and boxes included,
        buttons skipped); on the last, Next."""
        advance(self, form_fields(self), self.enter_on_last)

    def action_enter_choice(self) -> None:
        """Enter on a box, a choice row or a drop-down moves on, as in a text field: Space
        ticks or chooses, Enter never does."""
        next_field(self, self.enter_on_last)

    def enter_on_last(self) -> None:
        """Enter on the step's last field: Next (the review overrides: to the Sign button)."""
        self.action_next()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a text field whose Enter the screen's binding did not take: the same rule."""
        event.stop()
        fields = form_fields(self)
        if event.input not in fields or event.input is fields[-1]:
            self.enter_on_last()
            return
        following = fields[fields.index(event.input) + 1]
        following.focus()
        following.scroll_visible()


def is_choice(widget: Widget | None) -> bool:
    """A tick box, a radio group (a dipstick row) or a drop-down (closed: an open one's list
    has the focus and Enter chooses there)."""
    return isinstance(widget, Checkbox | RadioButton | RadioSet | Select)


def form_fields(screen: Screen[Any]) -> list[Widget]:
    """The fields Enter walks through, in Tab order: text fields, drop-downs, boxes and choice
    rows shown on ``screen`` (buttons are skipped: Enter must not land on "Remove row")."""
    return [w for w in screen.focus_chain if isinstance(w, Input) or is_choice(w)]


def next_field(screen: Screen[Any], on_last: Callable[[], object]) -> None:
    """Focus the field after the focused one (as Tab); on the last field, ``on_last``."""
    fields = form_fields(screen)
    current = screen.focused
    if current not in fields or current is fields[-1]:
        on_last()
        return
    following = fields[fields.index(current) + 1]
    screen.set_focus(following)
    following.scroll_visible()


def widget_text(widget: Widget) -> str | None:
    """The raw value of a form widget as text (checkboxes as "1"/"0"), or None."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Checkbox):
        return "1" if widget.value else "0"
    if isinstance(widget, Select):
        return "" if widget.is_blank() else str(widget.value)
    return None


def set_widget_text(widget: Widget, text: str) -> None:
    """Set a form widget from raw text without firing its change handlers."""
    if isinstance(widget, Input):
        with widget.prevent(Input.Changed):
            widget.value = text
    elif isinstance(widget, TextArea):
        with widget.prevent(TextArea.Changed):
            widget.text = text
    elif isinstance(widget, Checkbox):
        with widget.prevent(Checkbox.Changed):
            widget.value = text == "1"
    elif isinstance(widget, Select):
        with widget.prevent(Select.Changed):
            try:
                widget.value = text
            except InvalidSelectValueError:
                widget.clear()
