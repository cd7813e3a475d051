"""What the face's parts need of the app that runs them: protocols, so no part imports it.

The arrows point down (docs/ARCHITECTURE.md, "Contracts"): ``kiosk.app`` imports the screens;
the flow, the session and the idle lock see the app only through these protocols, and
:class:`kiosk.app.KioskApp` satisfies them (mypy checks it where the app hands itself over).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    from textual.await_complete import AwaitComplete
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.widget import AwaitMount

    from kiosk.models import Encounter
    from kiosk.screens.autosave import DraftSaver
    from kiosk.screens.base import StepContext
    from kiosk.services import Core

T = TypeVar("T")


class IntakeHost(Protocol):
    """What the intake (:class:`kiosk.screens.flow.Intake`) needs of the app."""

    @property
    def sign_out_pending(self) -> bool:
        """Ctrl+O was pressed: finish the step in hand, then end the session."""

    @property
    def drafts(self) -> DraftSaver:
        """Open, autosave, close and discard the intake's drafts."""

    async def push_screen_wait(self, screen: Screen[T], *, mode: str | None = None) -> T: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def step_context(self, previous: Encounter | None, history: list[Encounter]) -> StepContext:
        """What every step screen receives (settings, store, staff, the last visit)."""


class Idle(Protocol):
    def touched(self) -> None: ...

    @property
    def locked(self) -> bool: ...


class KioskHost(IntakeHost, Protocol):
    """What the session (:class:`kiosk.screens.session.Session`) and the idle lock
    (:class:`kiosk.screens.lock.IdleLock`) need of the app, besides the intake's needs."""

    @property
    def core(self) -> Core | None:
        """Settings, store and staff accounts, once loaded."""

    @property
    def staff_id(self) -> str | None: ...

    @property
    def title(self) -> str: ...

    @property
    def idle(self) -> Idle: ...

    @property
    def screen(self) -> Screen[object]: ...

    @property
    def screen_stack(self) -> list[Screen[Any]]: ...

    async def authenticate(self, staff_id: str, pin: str) -> str: ...

    def push_screen(
        self,
        screen: Screen[T],
        callback: Callable[[T | None], None] | Callable[[T | None], Awaitable[None]] | None = None,
        wait_for_dismiss: Literal[False] = False,
        *,
        mode: str | None = None,
    ) -> AwaitMount: ...

    def pop_screen(self) -> AwaitComplete: ...

    def clear_notifications(self) -> None: ...

    def save_open_step(self) -> None:
        """Write the open step's draft now, on this thread."""

    def close_all_drafts(self) -> None:
        """Let go of every draft this terminal holds (another may resume them)."""

    def record_sign_out(self, detail: str = "") -> None: ...

    def end_session(self, *, record: bool, next_staff: str | None = None) -> None: ...

    def start_session(self) -> object:
        """Start the session worker (sign-in, then the intake loop), cancelling a running one."""
