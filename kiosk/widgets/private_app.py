"""The privacy guards of the kiosk's App: what Textual would otherwise show, copy or print.

:class:`PrivateApp` is the base of :class:`kiosk.app.KioskApp`. It closes the ways patient
data could leave the screen: no screenshots (action or file), no clipboard, Ctrl+C does
nothing, a crash prints one sentence (the traceback goes, without values, to the private log:
:func:`kiosk.privacy.write_crash_log`), and a dropped SSH session or a stop signal saves the
draft and exits (:class:`kiosk.privacy.SignalGuard`). The subclass says how to save and where
the private log lives (:meth:`save_open_step`, :meth:`end_abruptly`, :meth:`private_log_dir`).
Text it shows itself (the header's title and sub-title, toasts) is inert, and no control
character in any text reaches the terminal (:mod:`kiosk.widgets.inert`).
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.content import Content

from kiosk.validators.text import visible
from kiosk.widgets.inert import inert, strip_controls_everywhere

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.notifications import SeverityLevel

    from kiosk.privacy import SignalGuard


class PrivateApp(App[None]):
    """An App that never puts patient data on the terminal, the clipboard or a file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "nothing", show=False, priority=True, system=True, id="app.no_copy"),
    ]
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False

    _signal_guard: SignalGuard | None = None

    def __init__(self) -> None:
        strip_controls_everywhere()
        super().__init__()

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

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: the clinic's name and the screen's sub-title (a patient's name, a
        staff id), inert."""
        if not sub_title:
            return inert(title)
        return Content.assemble(inert(title), (" — ", "dim"), inert(sub_title).stylize("dim"))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast, never read as markup: a message may quote stored text ("Not saved: ...").
        Hidden characters are shown as escapes; line breaks are kept."""
        shown = visible(message, keep="\n")
        super().notify(
            shown, title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def _on_signal(self, name: str) -> None:
        """SIGHUP (SSH dropped), SIGTERM, SIGINT: save the draft, audit the end, exit."""
        if self._signal_guard is not None:
            self._signal_guard.arm()  # the exit itself may hang on the vanished terminal
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

    def _handle_exception(self, error: Exception) -> None:
        """A crash: one sentence on the terminal, the traceback without values in the log.

        Replaces Textual's handler, which prints a traceback with local variables (they hold
        patient data); keeps its bookkeeping (``_return_code``, ``_exception`` for
        ``run_test``) and saves the draft first when it can.
        """
        from rich.text import Text  # plain text: a "[" in the log path is not markup

        from kiosk.privacy import CRASH_MESSAGE, fallback_data_dir, write_crash_log

        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        with suppress(Exception):  # the crash may be the store itself; still write the log
            self.save_open_step()
        try:
            log = str(write_crash_log(self.private_log_dir() or fallback_data_dir(), error))
        except OSError:
            log = "no log (the data folder cannot be written)"
        self._exit_renderables.clear()
        self._exit_renderables.append(Text(CRASH_MESSAGE.format(log=log)))
        self._close_messages_no_wait()

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
