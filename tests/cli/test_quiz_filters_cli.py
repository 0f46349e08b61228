"""Newcomer m8: a quiz filter that matches nothing says which value is unknown and lists the valid ones; ``-n`` works."""

from __future__ import annotations

from test_study_cli import _run, env  # noqa: F401  (env is a fixture; tests/cli is on the path)


def test_an_unknown_topic_or_type_lists_the_valid_ones(env) -> None:  # noqa: F811
    topic = _run([*env, "quiz", "--plain", "--pack", "clitest", "--topic", "nonexist"])
    assert topic.exit_code == 1
    assert "no topic 'nonexist' in pack clitest (there are: basics, hardware, para)" in topic.output
    qtype = _run([*env, "quiz", "--plain", "--pack", "clitest", "--type", "essay"])
    assert "no question type 'essay' in pack clitest (there are: flip, mcq, short, true_false)" in qtype.output
    tag = _run([*env, "quiz", "--plain", "--pack", "clitest", "--tag", "x"])
    assert "no tag 'x' in pack clitest (there are: none)" in tag.output
    both = _run([*env, "quiz", "--plain", "--pack", "clitest", "--topic", "basics", "--type", "mcq"])
    assert both.exit_code == 1 and "no question in pack clitest matches all of these filters together" in both.output
    assert "Traceback" not in topic.output + qtype.output + tag.output + both.output


def test_short_n_option(env) -> None:  # noqa: F811
    quiz = _run([*env, "quiz", "--plain", "--pack", "clitest", "-n", "1"], "1\n")
    assert quiz.exit_code == 0, quiz.output
    assert "question 1 of 1" in quiz.output
