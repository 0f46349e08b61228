"""``studyvm report`` as a table a newcomer can read (first-week review m18): a prompt on one
line, cut at a word, cloze gaps shown as ____ rather than their answers."""

from __future__ import annotations

from types import SimpleNamespace

from studyvm.study.report import QuestionReport, Report, format_report, shown_prompt
from studyvm.wording import one_line, plural


def test_a_prompt_with_a_newline_stays_on_its_row_and_is_cut_at_a_word() -> None:
    prompt = "Additional Point 1 (hardware assistance):\nwhich statements does note 000 make about the approaches?"
    report = Report(pack_id=None, questions=[QuestionReport("p", "q1", 4, 3, 2, 0.75, prompt)])
    rows = [line for line in format_report(report).splitlines() if "p/q1" in line]
    assert len(rows) == 1
    shown = rows[0].split("p/q1: ", 1)[1]
    assert shown.endswith("…") and len(shown) <= 60
    assert shown[:-1] == prompt.replace("\n", " ")[: len(shown) - 1]  # whole words only
    assert "2 learners" in rows[0]


def test_cloze_markup_is_never_shown_raw() -> None:
    cloze = SimpleNamespace(type="cloze", prompt="x", masked_prompt=lambda mark: f"Binary {mark} of kernel code")
    assert shown_prompt(cloze) == "Binary ____ of kernel code"


def test_wording_helpers() -> None:
    assert one_line("a  b\nc", 60) == "a b c"
    assert one_line("word " * 20, 12) == "word word…"
    assert plural(1, "card") == "1 card" and plural(3, "day") == "3 days" and plural(0, "pack") == "0 packs"


def test_a_pack_id_clash_is_named_in_words_not_catalog() -> None:
    # p4: the packs screen labelled a duplicate-id conflict "FAILED catalog"
    from studyvm.packs.catalog import Catalog
    from studyvm.packs.diagnostics import Diagnostic
    from studyvm.study.overview import pack_summaries

    catalog = Catalog()
    catalog.diagnostics.append(Diagnostic("b/pack.yaml", 1, 1, "error", "pack id 'x' is already used by a"))
    _packs, failed = pack_summaries(catalog)
    assert [f.location for f in failed] == ["packs in conflict"]


def test_scores_are_rounded_as_people_write_them() -> None:
    # m12: "Score: 1.66667 / 3", "0.666667/1"
    from studyvm.wording import marks

    assert [marks(5 / 3), marks(2 / 3), marks(2.0), marks(0.5)] == ["1.67", "0.67", "2", "0.5"]
