"""The lab module: simulator runs as plain data, and the cancel hook a shell uses to stop them."""

from __future__ import annotations

import pytest

from studyvm import lab


def test_compare_gives_one_row_per_mode_and_a_trace() -> None:
    run = lab.compare("syscall", "modern", ["native", "para"])
    assert [r.mode for r in run.rows] == ["native", "para"]
    assert run.rows[0].overhead == 1.0 and run.rows[1].events["hypercall"] > 0
    assert run.trace and run.trace[0].startswith("native")


def test_should_stop_cancels_between_runs() -> None:
    asked: list[int] = []

    def stop_after_first() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(lab.LabCancelled):
        lab.compare("cpu", "modern", ["native", "para", "full"], should_stop=stop_after_first)
    assert len(asked) == 2  # checked before each run: the second check stopped it
    with pytest.raises(lab.LabCancelled):
        lab.demo("popf-equivalence", should_stop=lambda: True)


def test_demo_reports_metric_verdict_and_where_to_rerun() -> None:
    run = lab.demo("popf-equivalence")
    assert run.holds is True and run.verdict and run.metric
    assert {r.mode for r in run.rows} and all(r.metric is not None for r in run.rows)
    assert run.workload and run.profile
    with pytest.raises(ValueError):
        lab.demo("no-such-scenario")


def test_event_counts_flatten_reasons() -> None:
    assert lab.event_counts({"trap": {"popf": 2, "cli": 3}, "exit": 4}) == {"trap": 5, "exit": 4}
