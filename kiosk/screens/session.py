"""One kiosk's sessions: sign in, run the intake, sign out (or be taken over), forever.

:class:`Session` is the app's session worker's body and its state: who is signed in, whether
Ctrl+O is waiting for the step in hand to close, and who signs in next after a take-over at the
lock. Every sign-out is audited; the drafts held are let go so another terminal may resume
them (docs/ARCHITECTURE.md, "Sessions and drafts").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.screens.signin import SignInScreen

if TYPE_CHECKING:
    from kiosk.screens.host import KioskHost


class Session:
    """Who is signed in, and the loop that signs people in and out."""

    def __init__(self, app: KioskHost) -> None:
        self.app = app
        self.staff_id: str | None = None
        self.sign_out_pending = False
        """Ctrl+O: the intake ends once the step in hand is closed."""
        self.signin: SignInScreen | None = None
        """The sign-in screen while it is shown (it learns when the core is loaded)."""
        self._next_staff: str | None = None
        self._draft_kept = False
        """Ctrl+O left an intake: the sign-in screen says that its draft is kept."""

    async def run(self) -> None:
        """Sign in (or take over from the lock), run the intake loop, sign out; forever."""
        app = self.app
        while True:
            if self._next_staff is not None:
                self.staff_id, self._next_staff = self._next_staff, None
            else:
                core = app.core
                self.signin = SignInScreen(
                    app.authenticate,
                    clinic=app.title,
                    loaded=core is not None,
                    demo_credentials=core.demo_credentials if core else None,
                )
                self.staff_id = await app.push_screen_wait(self.signin)
                self.signin = None
            self.sign_out_pending = False
            app.idle.touched()
            assert app.core is not None
            from kiosk.screens.flow import Intake  # pydantic models: never before the first frame

            await Intake(app, app.core, self.staff_id).run()
            self.record_sign_out()
            if self._draft_kept:
                self._draft_kept = False
                app.notify("Signed out; the draft of the intake is kept.", timeout=8)

    def record_sign_out(self, detail: str = "") -> None:
        """Audit the sign-out; forget the staff member and let go of every draft held."""
        app = self.app
        if app.core is not None and self.staff_id is not None:
            try:
                app.core.staff.record("sign-out", self.staff_id, detail=detail)
            except Exception:  # the audit trail failing must not keep someone signed in
                app.notify("Could not record the sign-out in the audit trail.", severity="error")
        app.close_all_drafts()
        self.staff_id = None
        self.sign_out_pending = False

    def end(self, *, record: bool, next_staff: str | None = None) -> None:
        """Stop the intake at once (lock take-over, crash): save the draft, clear every screen,
        start again (with ``next_staff`` signed in, or at the sign-in screen)."""
        app = self.app
        app.save_open_step()
        if record:
            self.record_sign_out()
        app.close_all_drafts()
        self.staff_id, self._next_staff = None, next_staff
        while len(app.screen_stack) > 1:
            app.pop_screen()
        app.start_session()  # an exclusive worker: the running session is cancelled

    def ask_sign_out(self) -> None:
        """Ctrl+O: during an intake ask first (the draft is kept); elsewhere leave at once."""
        if self.staff_id is None:
            return
        from kiosk.screens.base import StepOutcome, StepScreen
        from kiosk.widgets.confirm import ConfirmModal

        screen = self.app.screen
        if isinstance(screen, StepScreen):

            def answered(leave: bool | None) -> None:
                if leave:
                    self.sign_out_pending = self._draft_kept = True
                    screen.dismiss(StepOutcome("leave", screen.snapshot()))

            self.app.push_screen(ConfirmModal.sign_out_intake(), answered)
            return
        self.sign_out_pending = True
        cancel = getattr(screen, "cancel", None)
        if callable(cancel):
            cancel()
