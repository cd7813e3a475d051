"""One signed-in session: pick a patient, confirm identity, walk the steps, sign, repeat.

The flow runs inside the app's session worker and talks to it through
:class:`kiosk.screens.host.IntakeHost` only; it owns the draft while a patient is open and
hands it to the app for autosave. Screens are dismissed (freed) after each step, and
after signing nothing of the patient stays on screen.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, Literal

from kiosk.errors import KioskError, plain_error
from kiosk.models import Encounter, Patient, utcnow
from kiosk.screens.base import StepContext
from kiosk.screens.steps import STEPS
from kiosk.store.drafts import DraftInUseError
from kiosk.validators.identity import Checked, check_mrn
from kiosk.widgets.confirm import ConfirmModal

if TYPE_CHECKING:
    from kiosk.models.rooming import VisitStatus
    from kiosk.screens.host import IntakeHost
    from kiosk.services import Core
    from kiosk.store.queries import Visit


def new_draft(
    patient: Patient,
    staff_id: str,
    room: str,
    previous: Encounter | None,
    *,
    registered: bool = False,
) -> Encounter:
    """A fresh draft: history and insurance carried forward from the last visit, for review.

    The demographics as found (``patient_on_file``) are kept beside the ones the intake may
    change, so the export can tell the EHR what changed; a patient ``registered`` at this
    kiosk just now has nothing on file."""
    draft = Encounter(
        staff_id=staff_id,
        patient=patient,
        room=room,
        identity_confirmed=True,
        patient_on_file=None if registered else patient,
    )
    if previous is None:
        return draft
    history = previous.history.model_copy(update={"reviewed": False})
    insurance = previous.insurance.model_copy(update={"changed_since_last_visit": False})
    return draft.model_copy(update={"history": history, "insurance": insurance})


def signed(draft: Encounter) -> Encounter:
    """The draft as a signed encounter, validated (raises ValueError if it cannot be signed)."""
    data: dict[str, Any] = draft.model_dump()
    data.update(status="signed", signed_at=utcnow(), form_text={}, draft_step="")
    return Encounter.model_validate(data)


def not_saved_reason(error: BaseException) -> str:
    """Why signing failed, in plain words and without any value: a pydantic message quotes
    what was typed (patient data), so only the names of the fields at fault are shown."""
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        names: dict[str, None] = {}
        for problem in error.errors(include_url=False, include_context=False, include_input=False):
            path = ".".join(str(part) for part in problem["loc"] if not isinstance(part, int))
            names[path.replace("_", " ") or "the encounter as a whole"] = None
        return f"these entries are not valid: {', '.join(names)}. Go back and check them."
    return plain_error(error)


class Intake:
    """The loop of one signed-in staff member."""

    def __init__(self, app: IntakeHost, core: Core, staff_id: str) -> None:
        self.app = app
        self.core = core
        self.store = core.store
        self.staff_id = staff_id
        self.steps = STEPS
        self.store.rooming.settings = core.settings.rooming

    async def run(self) -> None:
        self.store.actor = self.staff_id
        try:
            draft = await self._offer_resume()
            while not self.app.sign_out_pending:
                if draft is None:
                    draft = await self._pick_patient()
                    if draft is None:
                        return
                await self._walk(draft)
                draft = None
        finally:
            self.app.drafts.set_current(None)
            if self.store.actor == self.staff_id:
                self.store.actor = None

    # ------------------------------------------------------------------ patient

    def _today(self) -> list[Visit]:
        """Today's appointments, patients seen today and every unfinished intake of this MA,
        in a stable order, each with its visit's state (kiosk.store.queries.today_visits)."""
        board = self.store.rooming.board()
        return self.store.today_visits(self.staff_id, board=board)

    def _check_mrn(self, text: str) -> Checked[str]:
        return check_mrn(
            text,
            pattern=self.core.settings.mrn_pattern,
            description="letters, digits and hyphens (the clinic's format)",
            uppercase=False,
        )

    def _mrn_in_use(self, mrn: str) -> bool:
        return any(p.id == mrn for p in self.store.find_patients(mrn))

    async def _pick_patient(self) -> Encounter | None:
        """Patient list -> (registration) -> identity -> a new or resumed draft; None = sign out."""
        from kiosk.screens.identity import IdentityScreen
        from kiosk.screens.patient import PatientScreen
        from kiosk.screens.register import RegisterScreen

        while not self.app.sign_out_pending:
            choice = await self.app.push_screen_wait(
                PatientScreen(
                    self._today,
                    self.store.find_patients,
                    lambda: len(self.store.invalid_documents),
                    board=self.store.rooming,
                    own_room=self.core.settings.room,
                )
            )
            if choice is None:
                return None
            if choice == "register":
                patient = await self.app.push_screen_wait(
                    RegisterScreen(self._check_mrn, self._mrn_in_use)
                )
                if patient is None or not await self._register(patient):
                    continue
                registered = True
            else:
                patient, registered = choice, False
            if not await self.app.push_screen_wait(IdentityScreen(patient)):
                continue
            draft = await self._resume_for(patient)
            if draft == "cancel":
                continue
            if draft is None:
                previous = await asyncio.to_thread(self.core.history.last_encounter, patient.id)
                self._say_local_only()
                room = self.core.settings.room
                draft = new_draft(patient, self.staff_id, room, previous, registered=registered)
            if await self._claim(draft):
                await self._move(patient.id, "roomed")
                return draft
        return None

    async def _move(self, patient_id: str, status: VisitStatus) -> None:
        """The intake's own steps move the visit: opening it rooms the patient in this
        kiosk's room (when that is one of the clinic's rooms and ready, from arrived or not
        arrived), signing it makes a roomed visit ready for the provider. Anything else is
        left for the MA to set on the list (Ctrl+T); a refusal never stops the intake."""
        rooming = self.store.rooming
        room = self.core.settings.room
        try:
            record = await asyncio.to_thread(rooming.visit, patient_id)
            current = record.status if record is not None else None
            if status == "roomed" and (
                current not in (None, "arrived") or room not in rooming.settings.rooms
            ):
                return
            if status == "ready" and current != "roomed":
                return
            await asyncio.to_thread(
                rooming.set_status, patient_id, status, room=room if status == "roomed" else ""
            )
        except (ValueError, KioskError) as error:
            self.app.notify(f"Visit status not changed: {error}", severity="warning", timeout=8)

    async def _register(self, patient: Patient) -> bool:
        """Put the new patient in the store's directory at once, so a search finds them."""
        from kiosk.errors import KioskError

        try:
            await asyncio.to_thread(self.store.register_patient, patient, staff=self.staff_id)
        except KioskError as error:
            self.app.notify(f"Not registered: {error}", severity="error", timeout=10)
            return False
        return True

    # ------------------------------------------------------------------ drafts

    async def _claim(self, draft: Encounter) -> bool:
        """Hold the draft for this terminal; False (said on screen) if another one holds it."""
        if await asyncio.to_thread(self.app.drafts.open, draft):
            return True
        self.app.notify(str(DraftInUseError()), severity="warning", timeout=10)
        return False

    async def _offer_resume(self) -> Encounter | None:
        """On sign-in (after a crash, a lock take-over, a sign-out): the newest unfinished
        intake of this MA in this room that no other terminal holds is offered for resuming,
        with Resume as the default answer. Others stay on the patient list."""
        room = self.core.settings.room
        infos = await asyncio.to_thread(self.store.draft_infos, self.staff_id)
        free = [i for i in infos if not i.in_use and i.draft.room == room]
        if not free or self.app.sign_out_pending:
            return None
        from kiosk.screens.identity import IdentityScreen

        draft = free[0].draft
        p = draft.patient
        others = len(infos) - 1
        more = (
            f" ({others} other unfinished intake{'s are' if others > 1 else ' is'} marked "
            "on the patient list.)"
            if others
            else ""
        )
        question = (
            f"Resume the unfinished intake of {p.family_name.upper()}, {p.given_name} "
            f"(born {p.birth_date:%Y-%m-%d}) at the {draft.draft_step or 'first'} step?{more}"
        )
        offer = ConfirmModal(question, yes="Resume the intake", no="Not now  (Esc)", focus="yes")
        if not await self.app.push_screen_wait(offer):
            return None
        if not await self.app.push_screen_wait(IdentityScreen(draft.patient)):
            return None
        return draft if await self._claim(draft) else None

    async def _resume_for(self, patient: Patient) -> Encounter | Literal["cancel"] | None:
        """Picking a patient with an unfinished intake of this MA: offer to resume it.

        The draft, None to start over (only after a second, explicit "discard" answer; the
        discard is audited), or "cancel" (Esc, or the draft is open on another terminal)."""
        draft = await asyncio.to_thread(self.store.load_draft, self.staff_id, patient.id)
        if draft is None:
            return None
        if await asyncio.to_thread(self.store.draft_in_use, self.staff_id, patient.id):
            self.app.notify(str(DraftInUseError()), severity="warning", timeout=10)
            return "cancel"
        question = (
            f"Resume this patient's unfinished intake at the {draft.draft_step or 'first'} "
            "step? Esc goes back to the list and keeps the draft."
        )
        answer = await self.app.push_screen_wait(
            ConfirmModal(question, yes="Resume", no="Start over…", focus="yes")
        )
        if answer is None:
            return "cancel"
        if answer:
            return draft
        sure = ConfirmModal(
            f"Discard the unfinished intake (left at the {draft.draft_step or 'first'} step)? "
            "What was entered in it is deleted; this cannot be undone.",
            yes="Discard it and start over",
            no="Keep it  (Esc)",
            focus="no",
        )
        if not await self.app.push_screen_wait(sure):
            return "cancel"
        try:
            await asyncio.to_thread(self.app.drafts.discard, draft)
        except DraftInUseError as error:
            self.app.notify(str(error), severity="warning", timeout=10)
            return "cancel"
        return None

    # ------------------------------------------------------------------ steps

    async def _walk(self, draft: Encounter) -> None:
        """Run the steps from the draft's step; sign and save at the end."""
        previous = await asyncio.to_thread(self.core.history.last_encounter, draft.patient.id)
        earlier = await asyncio.to_thread(self.core.history.for_patient, draft.patient.id)
        earlier = [e for e in earlier if e.status != "draft"]
        self._say_local_only()
        ctx = self.app.step_context(previous, earlier)
        try:
            await self._steps(draft, ctx)
        finally:
            await asyncio.to_thread(self.app.drafts.close, draft)

    async def _steps(self, draft: Encounter, ctx: StepContext) -> None:
        names = [s.STEP for s in self.steps]
        index = names.index(draft.draft_step) if draft.draft_step in names else 0
        while True:
            step = self.steps[index]
            draft = draft.model_copy(update={"draft_step": step.STEP})
            self.app.drafts.set_current(draft)
            screen = step(draft, ctx)
            screen.position = f"{index + 1}/{len(self.steps)}"
            outcome = await self.app.push_screen_wait(screen)
            draft = outcome.encounter
            if outcome.action == "leave":
                await asyncio.to_thread(self.app.drafts.write_now, draft)
                return
            if outcome.action == "back":
                if index == 0:
                    if await self.app.push_screen_wait(ConfirmModal.leave_intake()):
                        await asyncio.to_thread(self.app.drafts.write_now, draft)
                        return
                    continue
                index -= 1
            else:
                index += 1
                if index == len(self.steps):
                    if await self._sign(draft):
                        return
                    index -= 1
            self.app.drafts.autosave(
                draft.model_copy(update={"draft_step": self.steps[index].STEP})
            )

    def _say_local_only(self) -> None:
        """The central database did not answer: the history shown is this host's only."""
        if self.core.history.note:
            self.app.notify(self.core.history.note, severity="warning", timeout=8)

    async def _count_down_kits(self, final: Encounter) -> None:
        """One kit per catalog result is used (kiosk.store.stock); the encounter is signed
        whatever this says, and a problem is shown, not raised."""
        from kiosk.store.stock import count_down_kits
        from kiosk.validators.poc_catalog import cached_catalog

        catalog = cached_catalog(self.core.settings.poc_catalog_file)
        try:
            problems = await asyncio.to_thread(
                count_down_kits, self.store.folder.data_dir, final, catalog
            )
        except Exception as error:
            problems = [f"the stock could not be counted down ({not_saved_reason(error)})"]
        for problem in problems:
            self.app.notify(f"Stock: {problem}", severity="warning", timeout=10)

    async def _sign(self, draft: Encounter) -> bool:
        """Save the signed encounter; discard the draft. False (stay on review) on failure."""
        try:
            final = signed(draft)
            await asyncio.to_thread(self.store.save, final)
        except Exception as error:
            self.app.notify(f"Not saved: {not_saved_reason(error)}", severity="error", timeout=10)
            return False
        self.core.signed()  # the background sync pushes it now; the MA does not wait for it
        await asyncio.to_thread(self.app.drafts.discard, draft)
        if final.poc.results:
            await self._count_down_kits(final)
        await self._move(draft.patient.id, "ready")
        notice = final.provider_notice
        if notice is not None:  # on the visit too, if it is on today's board
            with contextlib.suppress(ValueError, KioskError):
                await asyncio.to_thread(
                    self.store.rooming.notify_provider,
                    final.patient.id,
                    notice.provider,
                    at=notice.at,
                )
        self.app.notify("Signed and saved. The screen is cleared for the next patient.")
        return True
