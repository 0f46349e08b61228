"""The lab as a newcomer read it (review of the first week: M10 in the lab, m11's lab items, m14, p6).

Pilot tests on what is on screen: mode boxes read [x]/[ ] without colour and follow Show me, the
proving metric sits next to the mode under a short name with plain grouped numbers, rows follow
the simulator's mode order, workloads say what they run, the kernel diff is coloured and noted,
and the event columns carry the names the CLI prints.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from studyvm.tui.app import make_app
from studyvm.tui.widgets.labparts import COLUMN_NAMES, metric_text

from .helpers import settle
from .test_newcomer_answers import screen_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def lab_app(settings, backend, **options):
    """The app opened on the lab."""
    return make_app(settings, screen="lab", backend=backend, **options)


async def test_mode_boxes_read_x_and_show_me_ticks_the_scenarios_modes(settings, backend):
    # M10: boxes were ▐X▌ told apart by colour; m11: after Show me the ticks stayed the defaults
    pytest.importorskip("minisim")
    app = lab_app(settings, backend, scenario="para-needs-modified-guest")  # runs "para (pv-ops kernel)"...
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "[x] native" in text and "[x] para" in text
        assert "[ ] full" in text and "[ ] hw-ept" in text and "[ ] trap-emulate" in text
        assert "[ ] hybrid" in text  # all seven modes in view on a tall screen (it was 3 rows)
        assert "▐X▌" not in text


async def test_metric_column_is_short_next_to_the_mode_with_plain_numbers(settings, backend):
    # m11: a huge metric header came first and pushed columns off; figures read 4.12e+03
    pytest.importorskip("minisim")
    app = lab_app(settings, backend, scenario="popf-equivalence")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(DataTable)
        assert [c.key.value for c in table.ordered_columns][:3] == ["mode", "proof", "instructions"]
        header = next(line for line in screen_text(app).splitlines() if "mode" in line and "instructions" in line)
        assert header.split()[:4] == ["mode", "equivalent", "to", "native"]
        assert "same console output" not in header and "cycles" in header  # more columns fit
    app = lab_app(settings, backend, scenario="syscall-bt-vs-hw")  # cycles per system call: floats
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "e+0" not in text, text
        full = next(r for r in app.screen.last_run.rows if r.mode == "full")
        shown = next(line.split() for line in text.splitlines() if line.split()[:1] == ["full"])
        assert shown[:2] == ["full", metric_text(full.metric)] and "," in shown[1]  # 2,513 next to the mode


def test_metric_numbers_are_grouped_and_plain():
    assert metric_text(4120.4) == "4,120" and metric_text(0.756) == "0.76" and metric_text(12.0) == "12"
    assert metric_text(1765634) == "1,765,634" and metric_text(True) == "yes" and metric_text(None) == "–"


async def test_rows_follow_the_simulators_mode_order_not_the_ticking_order(settings, backend):
    # m11: native was listed after hw-ept because it was ticked last
    pytest.importorskip("minisim")
    app = lab_app(settings, backend, workload="syscall")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        modes = app.screen.query_one("#lab-modes")
        modes.deselect_all()
        for mode in ("para", "full", "native"):
            modes.select(mode)
        await pilot.press("r")
        await settle(pilot, app)
        table_lines = [line.split()[0] for line in screen_text(app).splitlines()[12:20] if line.strip()]
        shown = [m for m in table_lines if m in ("native", "full", "para")]
        assert shown == ["native", "full", "para"]
        header = next(line for line in screen_text(app).splitlines() if "mode" in line and "instructions" in line)
        assert "traps" in header and "hcalls" in header and "hypercall" not in header  # p6: the CLI's names
        text = screen_text(app)
        assert "1.00x" in text and "×" not in text  # p6: overheads read 1.00x as in `sim compare` and the verdicts


async def test_workload_picker_says_what_each_workload_runs(settings, backend):
    # m11: what do tlb or mixed run?
    pytest.importorskip("minisim")
    app = lab_app(settings, backend, workload="cpu")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.screen.query_one("#lab-workload").focus()
        await pilot.press("enter")
        await settle(pilot, app)
        text = screen_text(app)
        assert "tlb — TLB misses over many pages" in text and "io — block reads, 8 sectors a call" in text
        assert "syscall — null system calls" in text


async def test_kernel_diff_is_coloured_and_explains_the_paravirtual_lines(settings, backend):
    # m14: no red/green, and nothing said what vmcall HC_SET_TRAP_TABLE, pv_queue_pte or mov r1, r1 mean
    pytest.importorskip("minisim")
    app = lab_app(settings, backend, workload="cpu")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("k")
        await settle(pilot, app)
        text = screen_text(app)
        assert "+    vmcall HC_SET_TRAP_TABLE    → hypercall: hand the trap handlers" in text
        assert "+    mov r1, r1    → puts the argument in r1" in text
        assert "\n     li sp, KSTACKS+256" in text  # context lines keep their indentation
        strips = {"".join(s.text for s in strip).rstrip(): strip for strip in app.screen.query_one("#lab-diff").lines}
        removed = next(strip for line, strip in strips.items() if line.startswith("-    mtc tvec"))
        added = next(strip for line, strip in strips.items() if line.startswith("+    vmcall HC_SET_TRAP_TABLE"))
        assert next(s.style.color.name for s in removed if s.text.strip()) == "red"
        assert next(s.style.color.name for s in added if s.text.strip()) == "green"
        assert any("call pv_queue_pte    → queue the page-table write" in line for line in strips)


def test_event_columns_are_named_as_the_cli_names_them():
    # p6: trap / vmexit / hypercall / bt_block in the lab against traps / exits / hcalls / bt-call in `sim compare`
    from studyvm.cli.sim_cmds import _COLUMNS

    assert {kind: header for header, kind in _COLUMNS} == COLUMN_NAMES


async def test_a_bar_shorter_than_natives_says_why(settings, backend):
    # p8: a mode faster than native needs one line explaining why, next to the bars
    pytest.importorskip("minisim")
    app = lab_app(settings, backend, scenario="popf-equivalence")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        scale = app.screen.query_one("#lab-scale")
        import minisim

        shown = f"{minisim.compare('popf', 'modern').results['para'].overhead:.2f}x"
        assert f"para beat native ({shown}): its ported guest code saves" in str(scale.render())
