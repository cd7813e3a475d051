"""Step 8: review and sign — every section on one screen, flags first.

Order of the page: what blocks signing (missing required items, text not yet checked on an
earlier step), then the flags (critical readings in the error colour, abnormal ones in the
warning colour, each with its word), the "provider notified" acknowledgement when anything is
critical, the scores (BMI class, BP reading category, NEWS2 with risk and components), then the
sections themselves, and the requests handed over (Ctrl+R or "Add request" adds one:
kiosk.screens.request). Sign (Ctrl+G, or the big Sign button that replaces Next) dismisses with the
encounter ready to sign; the app stamps, saves and clears the screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Label

from kiosk.models import Encounter, Request, utcnow
from kiosk.models.procedure import ProviderNotice
from kiosk.screens.base import StepScreen
from kiosk.screens.request import RequestDialog
from kiosk.screens.review_text import (
    blockers,
    flags,
    poc_lines,
    score_lines,
    screening_lines,
    vitals_lines,
)
from kiosk.validators.age import age_words
from kiosk.widgets.field_input import VisibleInput
from kiosk.widgets.inert import inert
from kiosk.widgets.tick import Tick


class ReviewScreen(StepScreen):
    """Read-only summary with the sign-off; the only input is the acknowledgement."""

    STEP = "review"
    TITLE = "Review and sign"
    AUTO_FOCUS = "#review-notified, #nav-next"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+g",
            "next",
            "Sign",
            priority=True,
            id="review.sign",
            tooltip="Sign (also the Sign button)",
        ),
        Binding(
            "ctrl+r",
            "add_request",
            "Add request",
            priority=True,
            id="review.request",
            tooltip="Hand over a refill, referral, prior authorization or follow-up request",
        ),
        Binding(
            "ctrl+k",
            "notified",
            "Provider notified",
            priority=True,
            id="review.notified",
            tooltip="Provider notified of the critical values",
        ),
    ]

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        draft = self.draft
        yield Label("", id="review-status", classes="review-status", markup=False)
        with Horizontal(id="review-columns"):
            with Vertical(id="review-findings", classes="review-column"):
                yield from self._findings(draft)
            with Vertical(id="review-record", classes="review-column"):
                yield from self._section("Patient", self._patient_lines())
                yield from self._section("Chief complaint", self._complaint_lines())
                yield from self._section("History", self._history_lines())
                yield from self._section("Vital signs", vitals_lines(draft))
                yield from self._section("Point-of-care tests", poc_lines(draft))
                yield from self._section("Screenings", screening_lines(draft))
                yield Label("Requests handed over", classes="review-heading")
                with Vertical(id="review-requests"):
                    yield from self._request_lines()
                yield Button(
                    "Add request  Ctrl+R",
                    id="review-add-request",
                    classes="small",
                    action="screen.add_request",
                )

    def _findings(self, draft: Encounter) -> ComposeResult:
        """What blocks signing, the flags, the acknowledgement and the scores (read first:
        the left column when wide, the top when narrow)."""
        problems = blockers(draft, tuple(self.ctx.settings.required_fields))
        found = flags(draft)
        if problems:
            yield Label("Cannot sign yet:", classes="review-heading review-blocked")
            for problem in problems:
                yield Label(inert(f"• {problem}"), classes="review-line review-blocker")
        yield Label("Flags", classes="review-heading")
        if not found:
            yield Label("No readings out of range, no screening flags.", classes="review-line")
        for flag in found:
            yield Label(
                inert(flag.text),
                classes="review-line review-flag " + ("error" if flag.critical else "warning"),
            )
        if draft.needs_provider_notified():
            yield Tick(
                "Provider notified of the critical values  (Ctrl+K)",
                value=draft.provider_notified,
                id="review-notified",
            )
            told = draft.provider_notice.provider if draft.provider_notice else ""
            yield Label("Provider told (name; the time is recorded)", classes="field-label")
            yield VisibleInput(
                told, id="review-provider", placeholder="e.g. Dr. Osei", max_length=100
            )
        yield Label("Scores", classes="review-heading")
        for line, severity in score_lines(draft):
            yield Label(inert(line), classes=f"review-line review-score {severity}".strip())

    def _section(self, title: str, lines: list[str]) -> ComposeResult:
        yield Label(title, classes="review-heading")
        for line in lines:
            yield Label(inert(line), classes="review-line")  # stored text: shown as it is

    def _patient_lines(self) -> list[str]:
        p = self.draft.patient
        age = p.age_on(self.draft.day)
        years = age_words(age)
        lines = [f"{p.display_name}  DOB {p.birth_date.isoformat()} ({years})  sex: {p.sex}"]
        insurance = self.draft.insurance
        if insurance.self_pay:
            lines.append("Insurance: self-pay")
        elif insurance.primary is not None:
            lines.append(f"Insurance: {insurance.primary.payer} {insurance.primary.member_id}")
        else:
            lines.append("Insurance: none recorded")
        return lines

    def _complaint_lines(self) -> list[str]:
        complaint = self.draft.complaint
        if complaint is None:
            return ["None recorded"]
        lines = [complaint.text]
        details = [
            ("Onset", complaint.onset),
            ("Location", complaint.location),
            ("Duration", complaint.duration),
            ("Character", complaint.character),
            ("Worse with", complaint.aggravating),
            ("Better with", complaint.relieving),
            ("Timing", complaint.timing),
        ]
        lines += [f"{label}: {text}" for label, text in details if text]
        if complaint.severity is not None:
            lines.append(f"Severity {complaint.severity}/10")
        return lines

    def _history_lines(self) -> list[str]:
        h = self.draft.history
        if h.no_known_allergies:
            allergies = "no known allergies"
        else:
            allergies = ", ".join(a.substance for a in h.allergies) or "not recorded"
        return [
            f"Allergies: {allergies}",
            "Medications: " + (", ".join(m.name for m in h.medications) or "none"),
            "Problems: " + (", ".join(p.name for p in h.problems) or "none"),
            "Reviewed with the patient" if h.reviewed else "Not marked reviewed",
        ]

    def _request_lines(self) -> ComposeResult:
        requests = self.draft.requests
        if not requests:
            yield Label("None: Ctrl+R adds one.", classes="review-line")
        for request in requests:
            yield Label(inert(f"• {request.summary()}"), classes="review-line review-request")

    # ------------------------------------------------------------------ requests

    def action_add_request(self) -> None:
        """Open the request dialog; a request it returns is added to the draft (a refill's
        pharmacy becomes the patient's preferred one)."""
        self.app.push_screen(RequestDialog(self.draft), self._request_added)

    def _request_added(self, request: Request | None) -> None:
        if request is None:
            return
        update: dict[str, object] = {"requests": [*self.draft.requests, request]}
        if request.pharmacy is not None:
            patient = self.draft.patient
            update["patient"] = patient.model_copy(update={"preferred_pharmacy": request.pharmacy})
        self.draft = self.draft.model_copy(update=update)
        box = self.query_one("#review-requests", Vertical)
        box.remove_children()
        box.mount_all(list(self._request_lines()))
        self.notify(f"Request added: {request.title}. It is a task, not an approval.")

    def on_mount(self) -> None:
        super().on_mount()
        nav_next = self.query_one("#nav-next", Button)
        nav_next.label = "Sign  Ctrl+G"
        nav_next.variant = "success"
        # the record itself is a Tab stop: there the arrows scroll it (PgUp/PgDn, Home/End
        # scroll it from anywhere on the screen)
        self.query_one("#step-body").can_focus = True
        self._update_sign()

    # ------------------------------------------------------------------ signing

    def _refusal(self) -> str:
        """Why Sign must refuse now ("" when it may sign)."""
        if blockers(self.draft, tuple(self.ctx.settings.required_fields)):
            return "Cannot sign: see the list at the top."
        if self.draft.needs_provider_notified() and not self._notified():
            return "Critical values: tick 'Provider notified' (Ctrl+K) before signing."
        return ""

    def _notified(self) -> bool:
        found = self.query("#review-notified")
        return bool(found) and found.first(Checkbox).value

    def _update_sign(self) -> None:
        self.query_one("#nav-next", Button).disabled = bool(self._refusal())

    @on(Checkbox.Changed, "#review-notified")
    def _on_notified(self) -> None:
        self.query_one("#review-notified", Checkbox).remove_class("-invalid")
        self.query_one("#review-status", Label).update("")
        self._update_sign()

    def enter_on_last(self) -> None:
        """Enter on the acknowledgement goes to the Sign button; it never signs by itself."""
        self.query_one("#nav-next", Button).focus()

    def action_notified(self) -> None:
        """Toggle the acknowledgement (only present when a value is critical)."""
        found = self.query("#review-notified")
        if found:
            box = found.first(Checkbox)
            box.value = not box.value
            box.focus()
        else:
            self.notify("No critical values: no acknowledgement needed.")

    def collect(self) -> Encounter | None:
        refusal = self._refusal()
        status = self.query_one("#review-status", Label)
        status.update(refusal)
        status.set_class(bool(refusal), "-shown")
        if refusal:
            for box in self.query("#review-notified").results(Checkbox):
                box.set_class(not box.value, "-invalid")
            self.query_one("#step-body").scroll_home(animate=False)
            return None
        notified = self._notified() or self.draft.provider_notified
        own = {k: v for k, v in self.draft.form_text.items() if not k.startswith("review-")}
        update = {"provider_notified": notified, "form_text": own}
        told = self.query("#review-provider")
        name = told.first(VisibleInput).value.strip() if told else ""
        if notified and name:
            update["provider_notice"] = ProviderNotice(
                provider=name, at=utcnow(), by=self.draft.staff_id
            )
        return self.draft.model_copy(update=update)
