"""The card browser's core: search the learner's cards, read one card's history, act on them (newcomer M8)."""

from __future__ import annotations

import pytest

from studyvm.study.browse import act, find_cards, history
from studyvm.study.search import SearchError


def test_search_sort_act_and_history(service, clock) -> None:
    service.answer(service.next_card(), rating=3)  # flip-1
    service.answer(service.next_card(), response=1)  # mcq-1 wrong: Again
    assert [c.question_id for c in find_cards(service, "is:learn", sort="question")] == ["flip-1", "mcq-1"]
    assert [c.question_id for c in find_cards(service, "topic:trap -is:new")] == ["mcq-1"]
    assert len(find_cards(service, "is:new")) == 7
    assert [c.question_id for c in find_cards(service, '"trap and emulate"')] == ["mcq-1"]  # an option's text
    mcq = find_cards(service, "type:mcq")[0]
    assert (mcq.last_rating_name, mcq.reps, mcq.state) == ("Again", 1, "learning")
    assert act(service, "suspend", find_cards(service, "topic:trap")) == 4
    assert {c.question_id for c in find_cards(service, "is:suspended")} == {"mcq-1", "tf-1", "short-1", "num-1"}
    assert act(service, "unsuspend", find_cards(service, "is:suspended")) == 4
    assert find_cards(service, "is:suspended") == []
    [entry] = history(service, "virt", "mcq-1")
    assert (entry.rating, entry.state_before, entry.answer) == ("Again", "new", "Binary translation")
    assert act(service, "forget", find_cards(service, "type:mcq")) == 1
    mcq = find_cards(service, "type:mcq")[0]
    assert (mcq.state, mcq.reps, "new" in mcq.flags) == ("new", 0, True)
    assert len(history(service, "virt", "mcq-1")) == 1  # forgetting keeps the history


def test_bury_unbury_and_errors(service) -> None:
    assert act(service, "bury", [("virt", "flip-1")]) == 1
    assert [c.question_id for c in find_cards(service, "is:buried")] == ["flip-1"]
    assert service.next_card().question_id != "flip-1"
    assert act(service, "unbury", find_cards(service, "is:buried")) == 1
    assert service.next_card().question_id == "flip-1"
    with pytest.raises(SearchError):
        find_cards(service, "is:nonsense")
    with pytest.raises(ValueError):
        act(service, "explode", [])
