"""Exams draw only auto-graded questions (issue 13, newcomer M6): a flip card's "Did you know it?"
is an honour mark with no place in a timed, marked attempt. Flip cards stay in quizzes and reviews;
when the filter leaves none or fewer than asked, the learner is told."""

from __future__ import annotations

import pytest

from studyvm.errors import StudyVMError
from studyvm.study.quiz import QuizRequest, start_quiz_run
from studyvm.study.quiz_setup import SetupError, exam_size, parse_setup, setup_choices
from studyvm.study.selection import pool_sizes

from .helpers import FakeClock


def test_an_exam_never_draws_a_flip_card_and_a_quiz_still_does(service) -> None:
    exam = service.start_exam(minutes=30, n=50, clock=FakeClock())
    types = [item.question.type for item in exam.items]
    assert "flip" not in types and len(types) == 8  # the pack's 9 questions less its flip card
    quiz = service.start_quiz(50)
    assert "flip" in [item.question.type for item in quiz.items]


def test_fewer_than_asked_is_said_once_with_the_reason(service) -> None:
    exam = service.start_exam(minutes=30, n=20, clock=FakeClock())
    assert exam.note == (
        "only 8 auto-graded questions can be drawn, so the exam has 8, not 20 "
        "(exams leave out flip cards, which you grade yourself: 1 flip card left out)"
    )
    assert service.start_exam(minutes=30, n=3, clock=FakeClock()).note is None  # enough: nothing to say
    run = start_quiz_run(service, QuizRequest(exam=True, n=20, topic="trap"))
    assert run.note is not None and "the exam has" in run.note and "flip" not in run.note  # no flip card in 'trap'


def test_only_flip_cards_matching_is_a_clear_refusal(service) -> None:
    with pytest.raises(StudyVMError) as caught:
        service.start_exam(minutes=30, n=5, qtype="flip", clock=FakeClock())
    assert str(caught.value) == (
        "no auto-graded question matches: exams leave out flip cards, which you grade yourself "
        "(1 flip card matches: practise them in a quiz or a review)"
    )
    assert service.unfinished_exam() is None  # nothing was stored
    assert service.start_quiz(5, qtype="flip").total == 1  # a quiz takes them


def test_pool_sizes_count_what_an_exam_can_draw(service) -> None:
    sizes = pool_sizes(service)
    assert sizes[(None, None)] == sizes[("virt", None)] == 8
    assert sizes[("virt", "hardware")] == 2  # flip-1 is in 'hardware' too, and is not counted


def test_the_setup_form_refuses_none_and_offers_fewer(service) -> None:
    choices = setup_choices(service, True)
    choices.drawable[("virt", "only-flips")] = 0  # as a topic of nothing but flip cards would be
    request = parse_setup(True, questions="20", minutes="30", pass_mark="70", pack="virt")
    assert exam_size(choices, request) == 8
    request.n = 5
    assert exam_size(choices, request) == 5
    request.topic = "only-flips"
    with pytest.raises(SetupError, match="No auto-graded question in pack 'virt' and topic 'only-flips'") as caught:
        exam_size(choices, request)
    assert caught.value.field == "topic"
    quiz = setup_choices(service, False)
    assert exam_size(quiz, parse_setup(False, questions="30")) == 30  # a quiz is not limited


def test_pool_sizes_agree_with_drawing_one_per_family() -> None:
    # the form's count must match what choose() can draw: auto-graded, one question per family
    import random
    from types import SimpleNamespace

    from studyvm.packs.packindex import QuestionIndex
    from studyvm.study.siblings import one_per_family

    rng = random.Random(13)
    packs = {}
    for name in ("a", "b"):
        index = QuestionIndex()
        for pos in range(200):
            index.ids.append(f"{name}{pos}")
            index.topics.append(rng.choice(["t1", "t2", "t3"]))
            index.tags.append(())
            index.types.append(rng.choice(["flip", "mcq", "short", "cloze"]))
            if rng.random() < 0.4:
                index.families[pos] = f"fam{rng.randrange(30)}"  # some families span topics
        packs[name] = SimpleNamespace(id=name, index=index)
    sizes = pool_sizes(SimpleNamespace(packs=packs))
    for pack_id in ("a", "b", None):
        for topic in ("t1", "t2", "t3", None):
            pool = [
                (p, e)
                for p in packs.values()
                for e in p.index.entries()
                if pack_id in (None, p.id) and topic in (None, e.topic) and e.type != "flip"
            ]
            assert sizes.get((pack_id, topic), 0) == len(one_per_family(pool)), (pack_id, topic)
