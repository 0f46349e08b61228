"""Mastery: the share of a topic's questions last answered right and still recalled (newcomer M1)."""

from __future__ import annotations

from studyvm.study.stats import is_mastered


def answer_in_order(service, responses: dict[str, object]) -> None:
    """Answer the next cards, by question id: a response, or ("rate", n) for a rating alone."""
    for _ in responses:
        card = service.next_card()
        given = responses[card.question_id]
        if isinstance(given, tuple):
            service.answer(card, rating=given[1])
        else:
            service.answer(card, response=given)


def test_failing_a_topic_five_times_out_of_six_shows_it_as_not_mastered(service, clock) -> None:
    # the "trap" topic has mcq-1, tf-1, short-1 and num-1: one right, three wrong (Again)
    answer_in_order(
        service, {"flip-1": ("rate", 3), "mcq-1": 0, "multi-1": [2], "tf-1": True, "short-1": "sidt", "num-1": "7"}
    )
    stats = service.stats()
    trap = stats.mastered_by_topic["trap"]
    assert (trap.mastered, trap.seen, trap.questions) == (1, 4, 4)
    assert stats.by_topic["trap"] == 0.25  # the old retrievability average said ~1.0 here
    hardware = stats.mastered_by_topic["hardware"]  # flip-1 right, multi-1 wrong, order-1 never seen
    assert (hardware.mastered, hardware.seen, hardware.questions) == (1, 2, 3)
    assert stats.as_json()["mastered_by_topic"]["trap"] == {"mastered": 1, "seen": 4, "questions": 4, "share": 0.25}
    assert stats.mastered_by_topic["modes"].mastered == 0  # unseen counts as not mastered


def test_a_wrong_quiz_answer_after_a_right_review_unmasters_the_question(service, clock) -> None:
    answer_in_order(service, {"flip-1": ("rate", 3), "mcq-1": 0})
    assert service.stats().mastered_by_topic["trap"].mastered == 1
    clock.advance(minutes=5)
    quiz = service.start_quiz(n=1, qtype="mcq")
    quiz.submit(1)  # wrong
    quiz.finish()
    assert service.stats().mastered_by_topic["trap"].mastered == 0
    clock.advance(minutes=5)
    quiz = service.start_quiz(n=1, qtype="mcq")
    quiz.submit(0)  # right again, and the card's recall is still high
    quiz.finish()
    assert service.stats().mastered_by_topic["trap"].mastered == 1


def test_forgetting_over_time_lowers_mastery(service, clock) -> None:
    answer_in_order(service, {"flip-1": ("rate", 3)})
    assert service.stats().mastered_by_topic["hardware"].mastered == 1
    clock.advance(days=60)  # far past the interval: recall is now below the 90% target
    assert service.stats().mastered_by_topic["hardware"].mastered == 0


def test_the_definition() -> None:
    assert is_mastered(True, 0.95, 0.9) and is_mastered(True, 0.9, 0.9)
    assert not is_mastered(True, 0.89, 0.9) and not is_mastered(False, 1.0, 0.9)
    assert not is_mastered(True, None, 0.9)  # answered only in quizzes: never reviewed
