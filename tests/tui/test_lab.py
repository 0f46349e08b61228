"""Lab: a real simulator run fills the table, bars and trace; "Show me" runs the question's scenario."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Log

from studyvm import lab as labapi
from studyvm.lab import LabChoices, LabRun, ModeRow
from studyvm.tui.app import make_app
from studyvm.tui.screens.lab import LabScreen, metric_text
from studyvm.tui.screens.review import ReviewScreen

from .helpers import settle


def fake_choices() -> LabChoices:
    return LabChoices(["syscall", "cpu"], ["modern"], ["native", "full", "para"], ["pv-hypercalls"])


def fake_demo_run(scenario: str) -> LabRun:
    rows = [
        ModeRow("full", 100, 5000, 5.0, {"trap": 40, "hypercall": 0}, True, metric=40.0),
        ModeRow("para", 101, 1100, 1.1, {"trap": 0, "hypercall": 12}, True, metric=12.0),
    ]
    return LabRun(
        "PV [bold]hypercalls[/bold]",
        rows,
        ["para 1 2 hypercall mmu_update"],
        verdict="para replaces 40 traps with 12 hypercalls",
        metric="entries per call",
        scenario=scenario,
        holds=True,
        workload="syscall",
        profile="modern",
    )


async def test_show_me_runs_the_question_scenario_and_escape_returns(settings, backend, monkeypatch):
    calls: list[str] = []

    def demo(scenario: str, should_stop=None) -> LabRun:
        calls.append(scenario)
        return fake_demo_run(scenario)

    monkeypatch.setattr(labapi, "choices", fake_choices)
    monkeypatch.setattr(labapi, "demo", demo)
    app = make_app(settings, screen="review", backend=backend, pack="tuitest")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        review = app.screen
        await pilot.press("d")  # flip card has no demo: it says so and stays
        await settle(pilot, app)
        assert app.screen is review
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        assert review.card.question.id == "b.mcq"
        await pilot.press("d")
        await settle(pilot, app)
        lab = app.screen
        assert isinstance(lab, LabScreen)
        assert calls == ["pv-hypercalls"]
        assert lab.runs_started == ["scenario:pv-hypercalls"]
        banner = str(lab.query_one("#lab-verdict").render())
        assert "para replaces 40 traps with 12 hypercalls" in banner
        assert "[bold]" in banner  # the title is shown literally
        table = lab.query_one(DataTable)
        proof = table.columns["proof"]
        assert "reverse" in str(proof.label.style) and proof.label.plain == "entries per call"  # stands out
        assert [table.get_cell("full", "proof").plain, table.get_cell("para", "proof").plain] == ["40", "12"]
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is review
        assert isinstance(review, ReviewScreen) and review.card.question.id == "b.mcq"


async def test_lab_worker_error_becomes_a_message(settings, backend, monkeypatch):
    def broken(scenario: str, should_stop=None) -> LabRun:
        raise RuntimeError("simulator exploded")

    monkeypatch.setattr(labapi, "choices", fake_choices)
    monkeypatch.setattr(labapi, "demo", broken)
    app = make_app(settings, screen="lab", backend=backend, scenario="pv-hypercalls")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.is_running
        assert "simulator exploded" in str(app.screen.query_one("#lab-verdict").render())
        assert any("simulator exploded" in str(n.message) for n in app._notifications)


async def run_modes(pilot, app, modes):
    """Tick ``modes`` in the lab and run the preselected workload; return the lab screen."""
    await settle(pilot, app)
    lab = app.screen
    lab.query_one("#lab-modes").deselect_all()
    for mode in modes:
        lab.query_one("#lab-modes").select(mode)
    await pilot.press("r")
    await settle(pilot, app)
    return lab


async def test_real_simulator_run_fills_table_bars_and_trace(settings, backend):
    pytest.importorskip("minisim")
    app = make_app(settings, screen="lab", backend=backend, workload="syscall")
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await run_modes(pilot, app, ("native", "para"))
        run = lab.last_run
        assert [r.mode for r in run.rows] == ["native", "para"]
        assert run.rows[1].events["hypercall"] > 0
        assert lab.query_one(DataTable).row_count == 2
        assert lab.query_one("#lab-trace-log", Log).line_count > 0
        await pilot.press("k")
        await settle(pilot, app)
        assert len(lab.query_one("#lab-diff").lines) > 5
        await pilot.press("o")
        await settle(pilot, app)
        assert "Hardware virtualization" in str(lab.query_one("#lab-doctor-text").render())


@pytest.mark.parametrize(
    "scenario,tab", [("popf-equivalence", "lab-results"), ("forkwait-where-cycles-go", "lab-cycles")]
)
async def test_real_scenario_shows_metric_and_verdict(settings, backend, scenario, tab):
    pytest.importorskip("minisim")
    from textual.widgets import TabbedContent

    app = make_app(settings, screen="lab", backend=backend, scenario=scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        lab = app.screen
        run = lab.last_run
        assert run.scenario == scenario and run.verdict and run.metric and run.holds
        assert lab.query_one("#lab-tabs", TabbedContent).active == tab  # Show me lands on the proving view
        if tab == "lab-cycles":  # the breakdown is what proves it
            assert "VM exits:" in "\n".join(lab.query_one("#lab-breakdown", Log).lines)
        assert run.verdict in str(lab.query_one("#lab-verdict").render())
        table = lab.query_one(DataTable)
        assert "trap-emulate" in [r.mode for r in run.rows] or scenario != "popf-equivalence"
        for row in run.rows:  # every run shows its value of the proving metric
            assert table.get_cell(row.mode, "proof").plain == metric_text(row.metric)
        assert lab.query_one("#lab-workload").value == run.workload  # r reruns it with a trace
        assert set(lab.query_one("#lab-modes").selected) == {r.mode.split(" (")[0] for r in run.rows}


async def test_editing_a_price_moves_the_bars_without_a_rerun(settings, backend, monkeypatch):
    pytest.importorskip("minisim")
    import minisim

    app = make_app(settings, screen="lab", backend=backend, workload="fork")
    async with app.run_test(size=(100, 30)) as pilot:
        lab = await run_modes(pilot, app, ("native", "hw"))
        before = {r.mode: r.overhead for r in lab.last_run.rows}
        assert "VM exits:" in "\n".join(lab.query_one("#lab-breakdown", Log).lines)
        calls = []
        monkeypatch.setattr(minisim, "compare", lambda *a, **k: calls.append(a))  # no guest may run again
        await pilot.press("c")
        await settle(pilot, app)
        lab.query_one("#lab-prices").focus()
        lab.query_one("#lab-prices").value = "vmexit=100"
        await pilot.press("enter")
        await settle(pilot, app)
        after = {r.mode: r.overhead for r in lab.last_run.rows}
        assert after["hw"] < before["hw"] and after["native"] == 1.0 and not calls
        assert lab.last_run.prices == {"vmexit": 100}
        assert "re-priced" in lab.query_one("#lab-breakdown", Log).lines[0]
        assert app.focused is lab.query_one("#lab-prices")  # edit again at once
        lab.query_one("#lab-prices").value = "vmexits=1"
        await pilot.press("enter")
        await settle(pilot, app)
        assert lab.last_run.prices == {"vmexit": 100}  # unchanged; the error was notified
        assert any("unknown price 'vmexits'" in str(n.message) for n in app._notifications)


async def test_step_by_step_follows_one_operation(settings, backend):
    pytest.importorskip("minisim")
    app = make_app(settings, screen="lab", backend=backend, workload="syscall")
    async with app.run_test(size=(100, 30)) as pilot:
        lab = await run_modes(pilot, app, ("native", "full"))
        await pilot.press("s")
        await settle(pilot, app)
        text = "\n".join(lab.query_one("#lab-mech-log", Log).lines)
        assert "one system call under each mode" in text and "bt_callout" in text and "sc_loop" in text


def test_overhead_bars_use_a_labelled_linear_scale_where_faster_than_native_is_shorter():
    # newcomer M7: 1.09x was a full red bar, and 0.76x looked the same as native
    from types import SimpleNamespace

    from studyvm.tui.screens.lab import overhead_fraction, overhead_scale, overhead_style
    from studyvm.tui.widgets.bars import bar_text

    cpu = [SimpleNamespace(overhead=x) for x in (1.0, 1.09, 1.0, 1.07)]
    assert overhead_scale(cpu) == 2.0 and overhead_fraction(1.09, cpu) < 0.6 and overhead_style(1.09) == "bold green"
    io = [SimpleNamespace(overhead=x) for x in (1.0, 3.18, 0.90, 0.76)]
    assert overhead_fraction(0.76, io) < overhead_fraction(0.90, io) < overhead_fraction(1.0, io) < 1
    assert overhead_fraction(3.18, io) == 1.0 and overhead_style(3.18) == "red"
    line = bar_text("para", overhead_fraction(0.76, io), 30, 6, "0.76×", mark=1 / overhead_scale(io)).plain
    assert "│" in line and line.count("█") == round(0.76 / 3.18 * 30)
