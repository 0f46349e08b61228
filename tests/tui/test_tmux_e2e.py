"""End to end in a real terminal: the ``studyvm`` command in tmux reviews three cards, quits,
starts again and finds them counted on the dashboard. Skips only when tmux is not installed."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One detached tmux session of 80x24 running a command."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.name = f"studyvm-e2e-{uuid.uuid4().hex[:8]}"
        self.tmux = ["tmux", "-L", self.name]
        shell = f"cd {shlex.quote(str(cwd))} && exec {shlex.join(command)}"
        # A private server (-L): the command gets this environment, not a running server's.
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", shell],
            check=True,
            env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": str(cwd), "LANG": "C.UTF-8"},
        )

    def screen(self) -> str:
        """The visible text."""
        done = subprocess.run([*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return done.stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Poll until ``text`` is on screen; fail with the screen otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        pytest.fail(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        """Send keys (tmux names: Space, C-q ...)."""
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def alive(self) -> bool:
        """Is the session (and so the command) still running?"""
        return subprocess.run([*self.tmux, "has-session", "-t", self.name], capture_output=True).returncode == 0

    def wait_exit(self, timeout: float = 15.0) -> None:
        """Wait for the command to end."""
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not self.alive(), self.screen()

    def kill(self) -> None:
        """Stop the private server and whatever still runs in it."""
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


def test_review_three_cards_quit_and_find_them_counted(tmp_path):
    home = tmp_path / "home"
    studyvm = [sys.executable, "-m", "studyvm", "--home", str(home), "--learner", "e2e"]
    review = Tmux([*studyvm, "study"], tmp_path)
    try:
        review.wait_for("0 this session")
        for n in range(1, 4):
            review.keys("Space")
            review.wait_for("rate: ")
            review.keys("3")
            review.wait_for(f"{n} this session")
        review.keys("C-q")
        review.wait_exit()
    finally:
        review.kill()
    dashboard = Tmux(studyvm, tmp_path)
    try:
        shown = dashboard.wait_for("Reviews today: 3")
        assert "StudyVM" in shown
        dashboard.keys("C-q")
        dashboard.wait_exit()
    finally:
        dashboard.kill()


def test_cbm_exam_with_a_typed_answer_in_a_real_terminal(tmp_path):
    # newcomer B1: after a typed answer, 3 must give the certainty, not go into the text box
    import json

    from .conftest import write_pack

    write_pack(tmp_path / "packs")
    studyvm = [
        sys.executable,
        "-m",
        "studyvm",
        "--home",
        str(tmp_path / "home"),
        "--learner",
        "e2e",
        "--packs",
        str(tmp_path / "packs"),
    ]
    exam = Tmux(
        [*studyvm, "quiz", "--exam", "--cbm", "--minutes", "5", "--n", "1", "--type", "short", "--pack", "tuitest"],
        tmp_path,
    )
    try:
        exam.wait_for("Name the Xen control domain")
        exam.keys("d", "o", "m", "0", "Enter")
        exam.wait_for("How sure are you?")
        exam.keys("3")
        exam.wait_for("Submit all and finish")  # every question answered: the summary asks first
        exam.keys("y")
        shown = exam.wait_for("CBM: +3.00")
        assert "dom03" not in shown and "Score: 1 / 1" in shown
        exam.keys("C-q")
        exam.wait_exit()
    finally:
        exam.kill()
    stats = subprocess.run([*studyvm, "stats", "--json"], capture_output=True, text=True, check=True, cwd=tmp_path)
    [taken] = json.loads(stats.stdout)["exams"]
    assert (taken["score"], taken["cbm_score"], taken["passed"]) == (1.0, 3.0, True)
