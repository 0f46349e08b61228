"""``studyvm class init / add-student / whoami`` and ``report`` on a class database, as each role runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli.test_study_cli import _pack_dir, _run

SECRET = "QSecret1"


def _args(pg_class, tmp_path: Path, role: str, packs: Path) -> list[str]:
    return ["--db", pg_class.url(role), "--home", str(tmp_path / role), "--packs", str(packs)]


def _clean(result) -> str:
    """The output, checked for what must never reach a user: a traceback or SQL."""
    out = result.output
    assert "Traceback" not in out and not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.*\bFROM\b", out), out
    return out


def test_a_class_from_init_to_the_report(tmp_path: Path, pg_class) -> None:
    packs = _pack_dir(tmp_path)
    teacher = pg_class.teacher_url
    init = _run(["class", "init", "--db", teacher])
    assert init.exit_code == 0 and "is ready" in init.output, init.output
    alice, bob = pg_class.name("alice"), pg_class.name("bob")
    for name in (alice, bob):
        added = _run(["--db", teacher, "class", "add-student", name])
        assert added.exit_code == 0, added.output
        password = re.search(r"password \(shown once, stored nowhere\): (\S+)", added.output)[1]
        url = re.search(r"STUDYVM_DATABASE_URL='([^']+)'", added.output)[1]
        assert url.startswith(f"postgresql://{name}@/") and password not in url
    again = _run(["--db", teacher, "class", "add-student", alice])
    assert again.exit_code == 1 and "already a student" in _clean(again)

    for name, answer in ((alice, "1"), (bob, "2")):
        out = _run(
            [*_args(pg_class, tmp_path, name, packs), "study", "--plain", "--pack", "clitest"], f"\n3\n{answer}\n"
        )
        assert out.exit_code == 0 and "recorded: m1" in out.output, out.output
        quiz = _run(
            [
                *_args(pg_class, tmp_path, name, packs),
                "quiz",
                "--plain",
                "--n",
                "1",
                "--type",
                "mcq",
                "--pack",
                "clitest",
            ],
            f"{answer}\n",
        )
        assert quiz.exit_code == 0, quiz.output
        who = _run([*_args(pg_class, tmp_path, name, packs), "class", "whoami"])
        assert "a learner" in who.output
        stats = json.loads(_run([*_args(pg_class, tmp_path, name, packs), "stats", "--json"]).output)
        assert stats["learner"] == name and stats["reviews_total"] == 2  # only their own

    for command in (["report"], ["report", "--items"], ["report", "--items", "--json"]):
        refused = _run([*_args(pg_class, tmp_path, bob, packs), *command])
        assert refused.exit_code == 1 and "is for the class's instructors" in _clean(refused), refused.output

    teacher_args = ["--db", teacher, "--home", str(tmp_path / "t"), "--packs", str(packs)]
    report = json.loads(_run([*teacher_args, "report", "--json", "--pack", "clitest"]).output)
    assert [lr["name"] for lr in report["learners"]] == [alice, bob]
    assert report["questions"][0]["question_id"] == "m1" and report["questions"][0]["learners_wrong"] == 1
    items = json.loads(_run([*teacher_args, "report", "--items", "--json", "--pack", "clitest"]).output)
    m1 = next(q for q in items["questions"] if q["question_id"] == "m1")
    assert items["attempts"] == 2 and (m1["attempts"], m1["facility"]) == (2, 0.5)
    text = _run([*teacher_args, "report", "--items"]).output
    assert "clitest/m1" in text and "Which needs a modified guest?" in text
    assert "an instructor" in _run([*teacher_args, "class", "whoami"]).output


def test_the_learner_is_the_role_not_a_flag(tmp_path: Path, pg_class) -> None:
    packs = _pack_dir(tmp_path)
    assert _run(["class", "init", "--db", pg_class.teacher_url]).exit_code == 0
    bob = pg_class.name("bob")
    assert _run(["--db", pg_class.teacher_url, "class", "add-student", bob]).exit_code == 0
    posing = _run([*_args(pg_class, tmp_path, bob, packs), "--learner", "alice", "stats"])
    assert posing.exit_code == 1 and "is not the database role" in _clean(posing)


def test_class_errors_are_messages(tmp_path: Path, pg_class, monkeypatch) -> None:
    monkeypatch.delenv("STUDYVM_DATABASE_URL", raising=False)
    cases = [
        (["class", "init"], "give the class database"),
        (["class", "init", "--db", f"sqlite:///{tmp_path / 'x.db'}"], "needs PostgreSQL"),
        (["class", "add-student", "bob", "--db", pg_class.teacher_url], "not set up as a class"),
        (["class", "add-student", "Bad Name", "--db", pg_class.teacher_url], "not a valid learner name"),
        (["class", "init", "--db", f"postgresql://x:{SECRET}@/nodb?host=/nonexistent"], "nodb"),
        (["class", "init", "--db", f"postgresql://x@/nodb?host=/nonexistent&password={SECRET}"], "nodb"),
    ]
    for args, expected in cases:
        result = _run(args)
        out = _clean(result)
        assert result.exit_code == 1 and expected in out and SECRET not in out, (args, out)
    stranger = pg_class.server.new_role(pg_class.name("eve"))
    assert _run(["class", "init", "--db", pg_class.teacher_url]).exit_code == 0
    denied = _run(["class", "init", "--db", pg_class.url(stranger)])
    assert denied.exit_code == 1 and "permission denied" in _clean(denied)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bob@/klass?host=/nonexistent&password={SECRET}",
        f"postgresql://bob:{SECRET}@/klass?host=/nonexistent",
        f"postgresql://bob@/klass?host=/nonexistent&sslpassword={SECRET}",
    ],
)
@pytest.mark.parametrize("command", [["report"], ["report", "--items"], ["stats"]])
def test_no_password_is_printed(tmp_path: Path, url: str, command: list[str]) -> None:
    result = _run(["--home", str(tmp_path), "--db", url, *command])
    out = _clean(result)
    assert result.exit_code == 1 and "cannot open the database" in out and SECRET not in out, out


def test_the_url_given_to_a_student_holds_no_password() -> None:
    from sqlalchemy.engine import make_url

    from studyvm.cli.class_cmds import _student_url

    owner = f"postgresql+psycopg://teacher:{SECRET}@db.example:5433/klass?sslmode=require&password={SECRET}"
    url = _student_url(make_url(owner), "alice")
    assert url == "postgresql://alice@db.example:5433/klass?sslmode=require"
