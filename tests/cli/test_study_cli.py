"""``studyvm study/quiz/stats/report`` from the command line, and a kill -9 of plain mode."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studyvm.cli import app

PACK = """\
id: clitest
title: CLI test pack
sources:
  - {id: n1, title: A note}
"""
QUESTIONS = """\
questions:
  - {id: f1, type: flip, prompt: What is a VMM?, back: A virtual machine monitor., topic: basics,
     source: {note: n1, section: Intro}}
  - id: m1
    type: mcq
    prompt: Which needs a modified guest?
    topic: para
    shuffle: false
    options:
      - {text: Para-virtualization, correct: true}
      - {text: Full virtualization}
  - {id: s1, type: short, prompt: Intel's extension?, answers: [VT-x], topic: hardware}
  - {id: t1, type: true_false, prompt: Xen supports PV., answer: true, topic: para}
"""
FLIPS = "questions:\n" + "".join(
    f"  - {{id: k{i:02d}, type: flip, prompt: card {i}, back: back {i}, topic: drill}}\n" for i in range(40)
)


def _pack_dir(root: Path, questions: str = QUESTIONS) -> Path:
    folder = root / "packs" / "clitest"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK)
    (folder / "q.yaml").write_text(questions)
    return root / "packs"


@pytest.fixture
def env(tmp_path: Path) -> list[str]:
    return ["--home", str(tmp_path / "home"), "--learner", "ada", "--packs", str(_pack_dir(tmp_path))]


def _run(args: list[str], stdin: str = "") -> object:
    return CliRunner().invoke(app, args, input=stdin)


def test_plain_study_line_by_line(env) -> None:
    # f1: Enter then rating 3; m1: option 1, Enter keeps Good; s1: typed answer with /easy;
    # t1: a bad line, then "true", then 1: the learner's Again beats the suggested Good.
    result = _run([*env, "study", "--plain", "--pack", "clitest"], "\n3\n1\n\nvt-x /easy\nmaybe\ntrue\n1\n")
    out = result.output
    assert result.exit_code == 0, out
    assert "recorded: f1 Good" in out and "answer: A virtual machine monitor." in out
    assert "recorded: m1 Good" in out and "recorded: s1 Easy" in out and "recorded: t1 Again" in out
    assert "[Enter: 3 good]" in out
    assert "not understood" in out and "source: A note — Intro" in out
    stats = json.loads(_run([*env, "stats", "--json"]).output)
    assert stats["reviews_total"] == 4 and stats["reviews_today"] == 4
    assert set(stats["by_topic"]) >= {"basics", "para", "hardware"}


def test_limit_and_end_of_input_keep_answers(env) -> None:
    result = _run([*env, "study", "--plain", "--pack", "clitest", "--limit", "1"], "\n4\n\n4\n")
    assert result.exit_code == 0 and result.output.count("recorded:") == 1
    assert "session limit reached; still waiting: 0 due, 3 new" in result.output  # newcomer m3
    result = _run([*env, "study", "--plain", "--pack", "clitest"], "2\n")  # m1 answered, input ends: kept as Again
    assert result.exit_code == 0 and "recorded: m1 Again" in result.output and "session over: 1" in result.output
    assert json.loads(_run([*env, "stats", "--json"]).output)["reviews_total"] == 2


def test_plain_empty_line_help_and_a_typo_in_a_number(env, tmp_path) -> None:
    # m10: an empty line is "I don't know" (Again suggested); :help lists the commands
    out = _run([*env, "study", "--plain", "--pack", "clitest", "--limit", "2"], "\n3\n:help\n\n\n").output
    assert ":undo" in out and ":quit" in out and "not answered — answer: Para-virtualization" in out
    assert "[Enter: 1 again]" in out and "recorded: m1 Again" in out
    folder = tmp_path / "num" / "numpack"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text("id: numpack\ntitle: N\n")
    (folder / "q.yaml").write_text("questions:\n  - {id: n1, type: numerical, prompt: Rings?, answers: [{value: 4}]}\n")
    args = ["--home", str(tmp_path / "h2"), "--packs", str(tmp_path / "num"), "quiz", "--plain", "--pack", "numpack"]
    quiz = _run(args, "d\n4\n")  # item 8: a letter is a message, never a traceback
    assert quiz.exit_code == 0 and "'d' is not a number" in quiz.output and "score: 1/1" in quiz.output


def test_plain_undo_takes_back_a_burial(env) -> None:
    # f1 is buried, then :undo puts it back: it is the next card again, and rating it records it.
    result = _run([*env, "study", "--plain", "--pack", "clitest", "--limit", "1"], ":bury\n:undo\n\n3\n")
    out = result.output
    assert result.exit_code == 0, out
    assert "buried until tomorrow: f1" in out and "undone: f1" in out and "recorded: f1 Good" in out


def test_plain_quiz_and_exam(env) -> None:
    quiz = _run([*env, "quiz", "--plain", "--pack", "clitest", "--type", "mcq"], "1\n")
    assert "recorded: m1 1" in quiz.output and "score: 1/1" in quiz.output
    exam = _run(
        [*env, "quiz", "--plain", "--exam", "--pack", "clitest", "--type", "short", "--minutes", "5", "--cbm"],
        "VTX\n3\n",
    )
    assert exam.exit_code == 0, exam.output
    assert "recorded: s1 answered" in exam.output and "right" not in exam.output.split("recorded")[1].split("\n")[0]
    assert "PASSED" in exam.output and "certainty-based mark: 3" in exam.output
    mistakes = _run([*env, "quiz", "--plain", "--mistakes"], "")
    assert mistakes.exit_code == 1 and "mistake bank is empty" in mistakes.output
    stats = json.loads(_run([*env, "stats", "--json"]).output)
    assert [e["score"] for e in stats["exams"]] == [1.0]


def test_report_and_errors(env) -> None:
    _run([*env, "study", "--plain", "--pack", "clitest"], "\n3\n2\n")
    report = json.loads(_run([*env, "report", "--json", "--pack", "clitest"]).output)
    assert report["learners"][0]["name"] == "ada" and report["questions"][0]["question_id"] == "m1"
    text = _run([*env, "report"]).output
    assert "ada: 2 reviews" in text and "clitest/m1" in text
    bad = _run([*env, "study", "--plain", "--pack", "nope"])
    assert bad.exit_code == 1 and "no pack with id 'nope'" in bad.output and "Traceback" not in bad.output
    assert "reviews:" in _run([*env, "stats"]).output
    secret = _run([*env, "--db", "postgresql+psycopg://ada:s3cret@/none?host=/nonexistent", "stats"])
    assert secret.exit_code == 1 and "cannot open the database" in secret.output and "s3cret" not in secret.output


def test_without_plain_the_app_opens(env, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr("studyvm.cli.tui_cmds.open_app", lambda settings, **kw: calls.append(kw))
    _run([*env, "study", "--pack", "clitest", "--limit", "5"])
    _run([*env, "quiz", "--n", "3"])
    _run([*env, "quiz", "--exam", "--minutes", "20", "--cbm"])
    assert calls[0] == {"screen": "review", "pack": "clitest", "limit": 5}
    assert calls[1]["screen"] == "quiz" and calls[1]["n"] == 3
    assert calls[2]["screen"] == "exam" and calls[2]["minutes"] == 20 and calls[2]["cbm"] is True


def test_kill_9_loses_no_recorded_answer(tmp_path: Path) -> None:
    packs = tmp_path / "kp"
    _pack_dir(packs, FLIPS)
    home = tmp_path / "home"
    args = [
        "--home",
        str(home),
        "--learner",
        "ada",
        "--packs",
        str(packs / "packs"),
        "study",
        "--plain",
        "--pack",
        "clitest",
    ]
    code = "from studyvm.cli import main; main()"
    recorded: list[str] = []
    for round_ in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        for _ in range(5 + round_ * 3):
            proc.stdin.write("\n3\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
            while not line.startswith("recorded:"):
                assert line, "plain mode ended early"
                line = proc.stdout.readline()
            recorded.append(line.split()[1])
        proc.stdin.write("\n4\n")  # one more answer in flight when the process dies
        proc.stdin.flush()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    db = sqlite3.connect(home / "studyvm.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    logged = [
        r[0]
        for r in db.execute(
            "SELECT c.question_id FROM review_log l JOIN card_state c ON c.id = l.card_id ORDER BY l.id"
        )
    ]
    # Every recorded answer is in the log, in order; at most one more per round (the one in flight
    # at the kill may or may not have committed, so round 1's can sit between the two rounds).
    remaining = iter(logged)
    assert all(qid in remaining for qid in recorded), (recorded, logged)
    assert len(recorded) <= len(logged) <= len(recorded) + 2


def test_search_suspend_unsuspend_and_forget(env) -> None:
    _run([*env, "study", "--plain", "--pack", "clitest", "--limit", "2"], "\n3\n2\n\n")  # f1 Good, m1 wrong
    found = json.loads(_run([*env, "cards", "search", "--json", "--sort", "question", "--", "-is:new"]).output)
    assert [(c["question_id"], c["last_rating"]) for c in found] == [("f1", "Good"), ("m1", "Again")]
    out = _run([*env, "cards", "suspend", "topic:para"])
    assert out.exit_code == 0 and "suspend: 2 of 2" in out.output
    listed = _run([*env, "cards", "search", "is:suspended", "--sort", "question"]).output
    assert "2 cards" in listed and "clitest/t1" in listed and "clitest/m1" in listed
    assert "suspend" in _run([*env, "cards", "unsuspend", "is:suspended"]).output
    assert "0 cards" in _run([*env, "cards", "search", "is:suspended"]).output
    everything = _run([*env, "cards", "search", "--sort", "question"]).output.splitlines()
    first = _run([*env, "cards", "search", "--sort", "question", "--limit", "2"]).output.splitlines()
    total = len(everything) - 1
    assert total > 2 and first == [f"{total} cards (the first 2 shown)", *everything[1:3]]
    assert len(json.loads(_run([*env, "cards", "search", "--json", "--limit", "1"]).output)) == 1
    assert "forget: 1 of 1" in _run([*env, "cards", "forget", '"modified guest" prop:reps>=1']).output
    assert [
        c["question_id"] for c in json.loads(_run([*env, "cards", "search", "--json", "--", "-is:new"]).output)
    ] == ["f1"]


def test_bad_queries_and_empty_actions_are_messages(env) -> None:
    bad = _run([*env, "cards", "search", "is:whatever"])
    assert bad.exit_code == 1 and "is:whatever: expected one of" in bad.output and "Traceback" not in bad.output
    empty = _run([*env, "cards", "forget", " "])
    assert empty.exit_code == 1 and "give a query" in empty.output


def test_quit_in_a_plain_quiz_leaves_it_unfinished(env) -> None:
    # newcomer m10: `:quit` straight away stored a finished 0/N attempt and printed a score
    out = _run([*env, "quiz", "--plain", "--pack", "clitest", "--n", "2"], ":quit\n").output
    assert "quiz left unfinished: 0 answers kept" in out and "score:" not in out
    assert "score: 0/2" in _run([*env, "quiz", "--plain", "--pack", "clitest", "--n", "2"], "").output  # end of input
