"""One source for a quiz's and an exam's defaults: the ``[quiz]`` table, else the built-in values;
``studyvm quiz``'s options win over both (issue 13 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.study.quiz_setup import QuizOptions, resolve_options
from studyvm.study.quizdefaults import EXAM_MINUTES, EXAM_SIZE, PASS_MARK, QUIZ_SIZE, QuizDefaults, read_defaults


def _settings(tmp_path: Path, text: str | None) -> Settings:
    settings = Settings(home=tmp_path / "home", learner="ada")
    if text is not None:
        settings.settings_file.parent.mkdir(parents=True, exist_ok=True)
        settings.settings_file.write_text(text, encoding="utf-8")
    return settings


def test_without_a_settings_file_the_built_in_values() -> None:
    assert QuizDefaults() == QuizDefaults(QUIZ_SIZE, EXAM_SIZE, EXAM_MINUTES, PASS_MARK, False)


def test_the_quiz_table_sets_each_default(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, "[quiz]\nquestions = 4\nexam_questions = 12\nexam_minutes = 7.5\npass_mark = 0\ncbm = true\n"
    )
    assert read_defaults(settings) == QuizDefaults(4, 12, 7.5, 0.0, True)
    assert resolve_options(settings, exam=True) == QuizOptions(n=12, minutes=7.5, pass_mark=0.0, cbm=True)
    assert resolve_options(settings, exam=False).n == 4


def test_a_wrong_value_keeps_its_built_in_default_and_the_others_still_count(tmp_path: Path) -> None:
    settings = _settings(tmp_path, '[quiz]\nexam_questions = "many"\npass_mark = 900\ncbm = 1\nexam_minutes = 9\n')
    assert read_defaults(settings) == QuizDefaults(exam_minutes=9.0)


@pytest.mark.parametrize("text", [None, "[quiz]\nquestions = 4\nexam_questions = 12\npass_mark = 55\ncbm = true\n"])
def test_values_given_win_over_the_settings_file(tmp_path: Path, text: str | None) -> None:
    settings = _settings(tmp_path, text)
    given = resolve_options(settings, exam=True, n=3, minutes=2.0, pass_mark=0.0, cbm=False)
    assert given == QuizOptions(n=3, minutes=2.0, pass_mark=0.0, cbm=False)  # 0 and False are given, not unset


def test_a_run_started_without_the_form_takes_the_quiz_table(service) -> None:
    # the command palette's "Start a mock exam" / "Start a practice quiz" pass no values at all
    from studyvm.study.quiz import QuizRequest, start_quiz_run

    settings = service.settings
    settings.settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings.settings_file.write_text(
        "[quiz]\nquestions = 2\nexam_questions = 3\nexam_minutes = 7\npass_mark = 55\ncbm = true\n", encoding="utf-8"
    )
    exam = start_quiz_run(service, QuizRequest(exam=True))
    assert len(exam.session.items) == 3 and exam.cbm
    assert exam.session.row.pass_mark == 55 and exam.session.time_limit_s == 7 * 60
    quiz = start_quiz_run(service, QuizRequest())
    assert len(quiz.session.items) == 2
