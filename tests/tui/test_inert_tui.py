"""F1 in the terminal app: escape sequences from a pack are drawn as text, never sent to the terminal.

Two checks: the rendered screens of the app under the pilot (dashboard, packs, review, stats),
and the bytes the real app writes to a pseudo-terminal, where the drawing's own escape
sequences are allowed but none of the pack's (clipboard write, hyperlink, title, 8-bit CSI).
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from support.hostile_corpus import FORBIDDEN, PACK_ID, write_hostile_pack

from studyvm.config import Settings
from studyvm.packs.catalog import Catalog
from studyvm.packs.loader import load_pack_dir
from studyvm.tui.app import make_app
from studyvm.tui.backend import Backend

from .test_review import settle

MARKER = "cm0gLXJmIH4K"
"""The clipboard payload's text: shown on screen, inert."""
PAYLOAD_SEQUENCES = (b"\x1b]52;", b"\x1b]8;;https://evil", b"\x1b]0;TITLE", b"\xc2\x9b", b" \x07 ", b"\x1bP1$r")


def _backend(settings: Settings, root: Path) -> Backend:
    result = load_pack_dir(write_hostile_pack(root), origin="extra")
    assert result.pack is not None, [str(d) for d in result.diagnostics]
    return Backend(
        settings,
        catalog=Catalog(packs={PACK_ID: result.pack}),
        clock=lambda: datetime(2026, 3, 2, 9, tzinfo=UTC),
        fuzz=False,
        seed=7,
    )


def _screen_is_inert(app, where: str) -> str:
    svg = app.export_screenshot()
    found = [repr(c) for c in FORBIDDEN if c in svg]
    assert not found, f"{where}: {found}"
    return svg


async def test_every_screen_draws_the_payload_as_text(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", learner="tester")
    backend = _backend(settings, tmp_path / "src")
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert MARKER in _screen_is_inert(app, "dashboard")
        await pilot.press("p")
        await settle(pilot, app)
        assert MARKER in _screen_is_inert(app, "packs")
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        assert MARKER in _screen_is_inert(app, "review")
        await pilot.press("space")
        await settle(pilot, app)
        _screen_is_inert(app, "review, answer shown")
        await pilot.press("3")
        await settle(pilot, app)
        _screen_is_inert(app, "review, next card")


def test_the_real_app_writes_no_payload_to_the_terminal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYVM_")}
    env.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
    src = write_hostile_pack(tmp_path / "src")
    subprocess.run(
        [sys.executable, "-m", "studyvm", "--home", str(home), "pack", "add", str(src)],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app on the pseudo-terminal
        os.execve(
            sys.executable, [sys.executable, "-m", "studyvm", "--home", str(home), "study", "--pack", PACK_ID], env
        )
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    deadline = time.monotonic() + 60  # a bound on waiting, not an assertion on speed
    while MARKER.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    os.write(fd, b"\x11")  # ctrl+q
    end = time.monotonic() + 20
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 9)
    os.waitpid(pid, 0)
    os.close(fd)
    assert MARKER.encode() in seen, seen[-2000:]
    leaked = [s for s in PAYLOAD_SEQUENCES if s in seen]
    assert not leaked, [seen[max(0, seen.find(s) - 60) : seen.find(s) + 20] for s in leaked]


async def test_toasts_quoting_a_hostile_name_are_inert(tmp_path: Path) -> None:
    from support.hostile_corpus import PAYLOAD

    settings = Settings(home=tmp_path / "home", learner="tester")
    app = make_app(settings, screen="review", backend=_backend(settings, tmp_path / "src"), pack=f"nope{PAYLOAD}")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        messages = [n.message for n in app._notifications]
        assert any("nope\\x1b]52" in m for m in messages), messages
        _screen_is_inert(app, "toast")


async def test_a_database_error_in_a_job_shows_no_sql(tmp_path: Path, monkeypatch) -> None:
    """F16: a failed worker's toast is one line for people, without the statement or its parameters."""
    from sqlalchemy.exc import OperationalError

    settings = Settings(home=tmp_path / "home", learner="tester")
    backend = _backend(settings, tmp_path / "src")

    def broken(*_args, **_kwargs):
        raise OperationalError(
            "SELECT card_state.id FROM card_state WHERE learner_id = ?",
            {"learner_id": 1},
            Exception("server closed the connection unexpectedly\nThis probably means"),
        )

    monkeypatch.setattr(backend, "dashboard", broken)
    app = make_app(settings, backend=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        messages = [n.message for n in app._notifications]
    assert any("database error: server closed the connection unexpectedly" in m for m in messages), messages
    assert not any("SELECT" in m or "learner_id" in m for m in messages), messages


async def test_an_error_inside_the_app_leaves_no_traceback_to_print(tmp_path: Path, monkeypatch) -> None:
    """Textual's own traceback shows local variables (a database URL with its password among them)."""
    import io

    import pytest
    from rich.console import Console

    from studyvm.tui.screens.dashboard import DashboardScreen

    def broken(self) -> None:
        raise RuntimeError("widget exploded")

    monkeypatch.setattr(DashboardScreen, "on_mount", broken)
    settings = Settings(home=tmp_path / "home", learner="tester")
    app = make_app(settings, backend=_backend(settings, tmp_path / "src"))
    printed = io.StringIO()
    app.error_console = Console(file=printed, width=100)  # where Textual prints its traceback at exit
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
    app._print_error_renderables()  # what App.run does once the app has ended
    assert isinstance(app.unhandled_error, RuntimeError)
    assert printed.getvalue() == ""


def test_the_cli_reports_an_error_that_ended_the_app_in_one_line(tmp_path: Path, monkeypatch) -> None:
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from studyvm.cli import app as cli_app
    from studyvm.tui import app as app_module

    ended = SimpleNamespace(
        run=lambda: None, unhandled_error=RuntimeError("widget exploded\nsecond line"), return_code=1
    )
    monkeypatch.setattr(app_module, "make_app", lambda *_a, **_k: ended)
    monkeypatch.setattr("studyvm.launch.check_terminal_size", lambda *_a: None)
    result = CliRunner().invoke(cli_app, ["--home", str(tmp_path / "home")])
    assert result.exit_code == 70, result.output
    assert "studyvm: error: internal error: RuntimeError: widget exploded (this is a bug" in result.output
    assert "second line" not in result.output
