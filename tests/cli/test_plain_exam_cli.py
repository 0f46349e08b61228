"""``studyvm quiz --exam --plain``: flip cards stay out of exams, ``:quit`` leaves the exam open
and ``--resume`` carries on (issue 13, newcomer M6)."""

from __future__ import annotations

from test_study_cli import _run, env  # noqa: F401  (env is a fixture; tests/cli is on the path)

EXAM = ["quiz", "--plain", "--exam", "--pack", "clitest", "--minutes", "5"]


def test_an_exam_of_flip_cards_only_is_refused_with_the_reason(env) -> None:  # noqa: F811
    refused = _run([*env, *EXAM, "--type", "flip"])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert (
        "studyvm: error: no auto-graded question in pack clitest matches: exams leave out flip cards" in refused.output
    )
    assert "1 flip card matches: practise them in a quiz or a review" in refused.output


def test_fewer_than_asked_is_said_and_quit_then_resume_carries_on(env) -> None:  # noqa: F811
    first = _run([*env, *EXAM, "--n", "10"], ":flag\n:quit\n")
    assert first.exit_code == 0, first.output
    assert "note: only 3 auto-graded questions can be drawn, so the exam has 3, not 10" in first.output
    assert "exam left unfinished: 0 answers saved" in first.output and "score:" not in first.output
    resumed = _run([*env, "quiz", "--plain", "--resume"], ":summary\n:submit\ny\n")
    assert resumed.exit_code == 0, resumed.output
    assert "question 1: unanswered, flagged" in resumed.output and "score: 0/3" in resumed.output
    assert "there is no unfinished exam" in _run([*env, "quiz", "--plain", "--resume"]).output
