"""The privacy guards of the kiosk's App: what Textual would otherwise show, copy or print.

:class:`PrivateApp` is the base of :class:`kiosk.app.KioskApp`. It closes the ways patient
data could leave the screen: no screenshots (action or file), no clipboard, Ctrl+C does
nothing, a crash prints one sentence (the traceback goes, without values, to the private log:
:func:`kiosk.privacy.report_crash`), and a dropped SSH session or a stop signal saves the
draft and exits (:class:`kiosk.privacy.SignalGuard`). The subclass says how to save and where
the private log lives (:meth:`save_open_step`, :meth:`end_abruptly`, :meth:`private_log_dir`).
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from rich.console import RenderableType

    from kiosk.privacy import SignalGuard


class PrivateApp(App[None]):
    """An App that never puts patient data on the terminal, the clipboard or a file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "nothing", show=False, priority=True, system=True),
    ]
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False

    _signal_guard: SignalGuard | None = None

    # ------------------------------------------------------------------ for the subclass

    def save_open_step(self) -> None:
        """Write the open intake's draft now, on this thread (before an exit)."""

    def end_abruptly(self, reason: str) -> None:
        """The session ends without a sign-out screen (signal, lost terminal): audit it."""

    def private_log_dir(self) -> Path | None:
        """The data folder, where ``kiosk-errors.log`` (0600) is written; None if unknown."""
        return None

    # ------------------------------------------------------------------ installed by the app

    def guard_signals(self) -> None:
        """A dropped SSH session or a stop signal saves the draft and exits (not headless)."""
        from kiosk.privacy import SignalGuard

        if not self.is_headless:
            self._signal_guard = SignalGuard(self._on_signal)

    def log_privately(self) -> None:
        """Warnings and errors go to the private log in the data folder, values withheld."""
        folder = self.private_log_dir()
        if not self.is_headless and folder is not None:
            from kiosk.privacy import configure_logging

            with suppress(OSError):
                configure_logging(folder)

    def unguard(self) -> None:
        if self._signal_guard is not None:
            self._signal_guard.remove()
            self._signal_guard = None

    # ------------------------------------------------------------------ Textual's hooks

    def _on_signal(self, name: str) -> None:
        """SIGHUP (SSH dropped), SIGTERM, SIGINT: save the draft, audit the end, exit."""
        with suppress(Exception):
            self.save_open_step()
        lost = name in {"SIGHUP", "terminal lost"}
        with suppress(Exception):
            self.end_abruptly("connection lost" if lost else name)
        stopped = "The kiosk was stopped; the open intake was saved as a draft."
        self.exit(return_code=0, message=None if lost else stopped)

    def panic(self, *renderables: RenderableType) -> None:
        """Textual's emergency exit, used when reading the terminal fails (a dropped SSH
        connection often shows up here before SIGHUP): save the draft, print no details."""
        self._on_signal("terminal lost")

    def emergency_save(self) -> None:
        """Called by :func:`kiosk.privacy.report_crash` before the app exits."""
        self.save_open_step()

    def _handle_exception(self, error: Exception) -> None:
        """A crash: one sentence on the terminal, the traceback without values in the log.

        Textual's own handler prints a traceback with local variables, which hold patient data.
        """
        from kiosk.privacy import report_crash

        report_crash(self, error, self.private_log_dir())

    def action_nothing(self) -> None:
        """Ctrl+C does nothing: no copying patient data, no quitting."""

    def copy_to_clipboard(self, text: str) -> None:
        """Never put text on the clipboard: it may hold patient data."""

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """No screenshots: the screen shows patient data."""

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """No screenshot files either (Textual's screenshot action and web delivery)."""
        return None
