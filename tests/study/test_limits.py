"""Daily limits per pack (issue 13 item 9, newcomer m9) counted in the database (adversary F18)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.settings_check import check_settings
from studyvm.study.limits import with_limits
from studyvm.study.service import StudyService

from .helpers import FakeClock, make_pack


def _flips(prefix: str, n: int) -> list[dict]:
    return [
        {"id": f"{prefix}{i}", "type": "flip", "prompt": f"{prefix} {i}?", "back": "x", "topic": "t"} for i in range(n)
    ]


PACKS = {"a": make_pack("a", _flips("a", 8)), "b": make_pack("b", _flips("b", 8))}


def _settings(home: Path, toml: str = "", db_url: str | None = None) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    settings = Settings(home=home, learner="ada", db_url=db_url)
    settings.settings_file.write_text(toml)
    return settings


def _service(settings: Settings, clock: FakeClock, **options) -> StudyService:
    return StudyService(settings, packs=dict(PACKS), clock=clock, tz=UTC, fuzz=False, seed=1, **options)


def _study(svc: StudyService, rating: int = 3, pack_id: str | None = None, most: int = 50) -> Counter:
    """Answer every card the service offers (up to ``most``); cards answered per pack."""
    done: Counter = Counter()
    for _ in range(most):
        card = svc.next_card(pack_id)
        if card is None:
            break
        svc.answer(card, rating=rating)
        done[card.pack_id] += 1
    return done


def _url(db_url: str) -> str | None:
    return None if db_url.startswith("sqlite") else db_url


def test_each_pack_has_its_own_new_card_limit(db_url: str, tmp_path: Path) -> None:
    toml = '[limits]\nnew_per_day = 3\n\n[limits.packs."a"]\nnew_per_day = 2\n'
    with _service(_settings(tmp_path, toml, _url(db_url)), FakeClock()) as svc:
        counts = svc.due_counts()
        assert (counts["a"].new, counts["b"].new) == (2, 3)
        assert _study(svc, rating=4) == {"a": 2, "b": 3}  # Easy: none comes back today
        counts = svc.due_counts()
        assert (counts["a"].new, counts["b"].new) == (0, 0)


def test_one_full_pack_leaves_the_other_its_new_cards(tmp_path: Path) -> None:
    """Newcomer m9: after the day's new cards of one pack, a fresh pack still has all of its own."""
    with _service(_settings(tmp_path), FakeClock()) as svc:  # defaults: 20 new a day in each pack
        assert _study(svc, rating=4, pack_id="a") == {"a": 8}
        assert svc.due_counts()["b"].new == 8


def test_study_caps_all_packs_together(tmp_path: Path) -> None:
    toml = "[study]\nnew_per_day = 3\n\n[limits]\nnew_per_day = 10\n"
    with _service(_settings(tmp_path, toml), FakeClock()) as svc:
        assert sum(_study(svc, rating=4).values()) == 3


def test_a_pack_past_its_review_limit_still_shows_learning_cards(db_url: str, tmp_path: Path) -> None:
    clock = FakeClock()
    toml = '[limits.packs."a"]\nreviews_per_day = 1\n'
    with _service(_settings(tmp_path, toml, _url(db_url)), clock) as svc:
        assert _study(svc, rating=4) == {"a": 8, "b": 8}  # all in the Review state now
        clock.advance(days=400)  # every card due again
        first = svc.next_card("a")
        assert first is not None
        svc.answer(first, rating=1)  # a lapse: relearning, shown again within minutes
        clock.advance(minutes=15)
        seen = []
        for _ in range(20):
            card = svc.next_card()
            if card is None:
                break
            seen.append((card.pack_id, card.state))
            svc.answer(card, rating=3)
        assert ("a", "relearning") in seen  # a learning step of a full pack goes on
        assert [p for p, state in seen if state == "review"] == ["b"] * 8  # pack a's reviews wait for tomorrow


def test_two_sessions_at_once_share_the_daily_new_card_limit(db_url: str, tmp_path: Path) -> None:
    """Adversary F18: the limit is counted in the database, not per process."""
    clock = FakeClock()
    settings = _settings(tmp_path, "[limits]\nnew_per_day = 3\n", _url(db_url))
    with _service(settings, clock) as one, _service(settings, clock) as two:
        assert one.due_counts()["a"].new == 3 and two.due_counts()["a"].new == 3
        introduced = 0
        for svc in (one, two, one, two, one, two):
            card = svc.next_card("a")
            if card is not None:
                assert card.state == "new"
                svc.answer(card, rating=4)
                introduced += 1
        assert introduced == 3
        assert one.next_card("a") is None and two.next_card("a") is None
        assert one.due_counts()["a"].new == 0 and two.due_counts()["a"].new == 0


def test_an_undo_gives_the_new_card_back_to_the_limit(tmp_path: Path) -> None:
    with _service(_settings(tmp_path, "[limits]\nnew_per_day = 1\n"), FakeClock()) as svc:
        card = svc.next_card("a")
        assert card is not None
        svc.answer(card, rating=4)
        assert svc.next_card("a") is None
        svc.undo()
        assert svc.due_counts()["a"].new == 1


def test_limits_settings_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        '[limits]\nnew_per_day = -1\nnew_pr_day = 3\n\n[limits.packs."a"]\nreviews_per_day = true\n\n'
        "[limits.packs]\nb = 4\n"
    )
    messages = [f"{p.key}: {p.message}" for p in check_settings(path)]
    assert any(m.startswith("limits.new_per_day: -1 is not a whole number") for m in messages)
    assert any(m.startswith("limits.new_pr_day: unknown key (did you mean 'new_per_day'?)") for m in messages)
    assert any(m.startswith("limits.packs.a.reviews_per_day: true is not a whole number") for m in messages)
    assert any(m.startswith("limits.packs.b: must be a table") for m in messages)
    with _service(Settings(home=tmp_path, learner="ada"), FakeClock()) as svc:  # bad values: the defaults
        assert svc.limits.default.new_per_day == 20 and svc.limits.of("a").reviews_per_day == 200


def test_limits_in_the_settings_file_check_clean(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[limits]\nnew_per_day = 5\n\n[limits.packs."a"]\nreviews_per_day = 10\n')
    assert check_settings(path) == []


def test_setting_limits_keeps_the_rest_of_the_file() -> None:
    text = "# my settings\n[study]\ndesired_retention = 0.85  # a bit lower\n\n[limits.packs.a]\nnew_per_day = 9\n"
    updated = with_limits(text, "a", {"new_per_day": 4, "reviews_per_day": 50})
    assert "# my settings" in updated and "# a bit lower" in updated
    assert updated.count("[limits.packs.a]") == 1 and "new_per_day = 4" in updated and "new_per_day = 9" not in updated
    again = with_limits(updated, None, {"new_per_day": 7})
    assert "[limits]\nnew_per_day = 7" in again
    with pytest.raises(ValueError, match="edit it by hand"):
        with_limits("limits = { new_per_day = 3 }\n", None, {"new_per_day": 4})
