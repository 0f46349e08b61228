"""The StudyVM Textual app: wires screens, theme, key map and the command palette; nothing else."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

from studyvm.config import Settings
from studyvm.textsafe import inert
from studyvm.tui.backend import Backend
from studyvm.tui.commands import StudyVMCommands
from studyvm.tui.prefs import DEFAULT_THEME, load_prefs, save_theme

SCREENS = ("dashboard", "review", "quiz", "exam", "lab", "stats", "packs", "browse")
"""Screen names accepted by :func:`make_app` and :meth:`StudyVMApp.open_screen`."""
SETTINGS_CHECK_WAIT = 2.0
"""Longest wait (seconds) of the settings check for the dashboard's first figures."""


class StudyVMApp(App):
    """The terminal app. Build it with :func:`make_app`."""

    TITLE = "StudyVM"
    CSS_PATH = "studyvm.tcss"
    COMMANDS = App.COMMANDS | {StudyVMCommands}
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    """Screens get ``-tall`` from 32 rows: the stylesheet gives room back to lists there."""
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, id="app.theme"),
    ]

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        screen: str = "dashboard",
        after_first_paint: Callable[[], object] | None = None,
        **options: Any,
    ) -> None:
        super().__init__()
        self.settings = settings
        """Home, database and learner this app works with."""
        self.backend = backend
        """The only door to the study engine, packs and simulator."""
        self.start_screen = screen
        """Which screen opens first (above the dashboard)."""
        self.start_options = options
        """Keyword options for the first screen (pack, limit, n, minutes, workload, scenario...)."""
        self.prefs = load_prefs(settings.settings_file)
        self.after_first_paint = after_first_paint
        """Called once the first frame is painted (the launcher resumes the garbage collector)."""
        self.figures_shown = threading.Event()
        """Set by the dashboard once its first figures are drawn, or its load failed."""

    def on_mount(self) -> None:
        """Apply the remembered theme and key map, then open the first screen."""
        if self.after_first_paint is not None:
            self.call_after_refresh(self.after_first_paint)
        self.theme = self.prefs.theme if self.prefs.theme in self.available_themes else DEFAULT_THEME
        if self.prefs.keys:
            self.set_keymap(self.prefs.keys)
        if self.settings.settings_file.exists():
            # Checking the file imports every screen (for their key bindings): off the UI thread,
            # after the first paint, and once the dashboard's figures are in (bounded), so neither
            # waits for it. No file, no check.
            self.call_after_refresh(
                self.run_worker, self._warn_about_settings, thread=True, group="settings", exit_on_error=False
            )
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.start_screen != "dashboard":
            self.push_screen(self.build_screen(self.start_screen, **self.start_options))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a toast; its text (which may quote a file name, a pack id or an error) is made inert."""
        super().notify(inert(message), title=inert(title), severity=severity, timeout=timeout, markup=markup)

    def _fatal_error(self) -> None:
        """An unhandled error ends the app without Textual's traceback (which shows local variables,
        a database URL among them); the command line then prints one line (see ``open_app``).
        ``STUDYVM_DEBUG=1`` keeps Textual's traceback, for bug reports."""
        if os.environ.get("STUDYVM_DEBUG"):
            super()._fatal_error()
            return
        self.bell()
        self._close_messages_no_wait()

    @property
    def unhandled_error(self) -> BaseException | None:
        """The error that ended the app, if one did."""
        return self._exception

    def _warn_about_settings(self) -> None:
        self.figures_shown.wait(timeout=SETTINGS_CHECK_WAIT)
        for problem in self.settings_problems():
            self.call_from_thread(self.notify, problem, title="Settings", severity="warning", markup=False)

    def settings_problems(self) -> list[str]:
        """Every problem of the settings file, checked against this app's themes and bindings."""
        from studyvm.settings_check import check_settings
        from studyvm.tui.keyfacts import tui_facts

        facts = tui_facts(type(self), set(self.available_themes))
        return [str(problem) for problem in check_settings(self.settings.settings_file, facts)]

    def get_default_screen(self) -> Any:
        """The dashboard is the bottom screen: Escape from anywhere ends there."""
        return self.build_screen("dashboard")

    def on_unmount(self) -> None:
        """Close the database when the app ends."""
        self.backend.close()

    def _remember_theme(self, theme: Any) -> None:
        if theme.name == self.prefs.theme:
            return  # applying the remembered theme at start-up is not a change
        self.prefs.theme = theme.name
        try:
            save_theme(self.settings.settings_file, theme.name)
        except (OSError, ValueError) as exc:
            self.notify(f"could not save the theme: {exc}", severity="warning", markup=False)

    def screenshot_folder(self) -> Path:
        """Where a screenshot goes: ``~/Downloads`` if it exists, else StudyVM's data folder, else here."""
        for folder in (Path.home() / "Downloads", Path(self.settings.home)):
            if folder.is_dir():
                return folder
        return Path.cwd()

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG screenshot and say where it went, or why it failed (Textual only said
        "Failed to save screenshot" when ``~/Downloads`` was missing)."""
        folder = Path(path) if path else self.screenshot_folder()
        try:
            saved = self.save_screenshot(filename, path=str(folder), time_format=time_format)
        except OSError as exc:
            self.notify(
                f"could not save the screenshot in {folder}: {exc.strerror or exc}",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        self.notify(f"saved to {saved}", title="Screenshot", markup=False)
        return saved

    def build_screen(self, name: str, **options: Any) -> Any:
        """A new screen called ``name`` (one of :data:`SCREENS`)."""
        from studyvm.tui.screens import factory

        return factory.build(name, **options)

    def open_screen(self, name: str, **options: Any) -> None:
        """Push screen ``name`` on top of the current one."""
        self.push_screen(self.build_screen(name, **options))

    def action_open(self, name: str) -> None:
        """Action form of :meth:`open_screen`, for the palette and key bindings."""
        self.open_screen(name)

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def make_app(
    settings: Settings,
    screen: str = "dashboard",
    backend: Backend | None = None,
    after_first_paint: Callable[[], object] | None = None,
    **options: Any,
) -> StudyVMApp:
    """Build the app for ``settings``, opening on ``screen``; shared by the CLI, tests and benchmarks.

    ``after_first_paint`` is called once the first frame is painted; ``options`` go to the screen.
    """
    if screen not in SCREENS:
        raise ValueError(f"unknown screen {screen!r}; expected one of {', '.join(SCREENS)}")
    return StudyVMApp(
        settings, backend or Backend(settings), screen=screen, after_first_paint=after_first_paint, **options
    )
