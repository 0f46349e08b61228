"""New cards arrive in the order a pack's curriculum defines, not in file order (issue 12, item 6)."""

from __future__ import annotations

from datetime import UTC

from studyvm.packs.model import Pack, curriculum_order
from studyvm.study.service import StudyService

from .helpers import QUESTIONS, make_pack


def with_curriculum(stages: list[str]) -> Pack:
    pack = make_pack()
    return Pack(meta=pack.meta.model_copy(update={"curriculum": stages}), questions=pack.questions)


def first_new(settings, clock, pack: Pack) -> str:
    with StudyService(settings, packs={pack.id: pack}, clock=clock, tz=UTC, fuzz=False, seed=1) as svc:
        card = svc.next_card()
        assert card is not None and card.state == "new"
        return card.question.id


def test_pack_questions_follow_the_stages() -> None:
    pack = with_curriculum(["para", "trap"])
    assert [q.id for q in pack.questions][:5] == ["cloze-1", "mcq-1", "tf-1", "short-1", "num-1"]
    assert [q.id for q in make_pack().questions] == [q["id"] for q in QUESTIONS]  # no curriculum: file order


def test_a_tag_names_a_stage_and_the_first_matching_stage_wins() -> None:
    questions = make_pack().questions
    questions[-1].tags.append("basics")  # order-1, topic "hardware", tagged into the first stage
    ordered = curriculum_order(questions, ["basics", "hardware"])
    assert [q.id for q in ordered][:3] == ["order-1", "flip-1", "multi-1"]


def test_new_cards_come_in_curriculum_order_even_for_an_existing_learner(settings, clock) -> None:
    assert first_new(settings, clock, make_pack()) == "flip-1"
    # the same learner, the pack now with a curriculum: the stored positions follow it
    assert first_new(settings, clock, with_curriculum(["modes"])) == "match-1"
