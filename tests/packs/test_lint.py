"""The giveaway lint: each rule fires on its fixture and stays quiet on a clean counter-example."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.packs.lint import RULES, content_words, first_number, lint_path, question_findings
from studyvm.packs.model import QUESTION_ADAPTER

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
BAD = FIXTURES / "bad"
CLEAN = FIXTURES / "clean"

EXPECTED = {
    "longest-correct": ("bad.longest", 6),
    "prompt-echo": ("bad.echo", 15),
    "ordering-numbers": ("bad.ordering", 23),
    "duplicate-prompt": ("bad.duplicate-b", 32),
    "few-options": ("bad.two-options", 34),
    "restated-explanation": ("bad.restated", 44),
    "cell-names-column": ("bad-table", 54),
}


@pytest.fixture(scope="module")
def bad():
    return lint_path(BAD)


def test_every_rule_is_exercised() -> None:
    assert set(EXPECTED) == set(RULES)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_fires_once_at_its_line(bad, rule: str) -> None:
    subject, line = EXPECTED[rule]
    hits = [w for w in bad.warnings if w.message.startswith(f"[{rule}]")]
    assert len(hits) == 1, [str(w) for w in bad.warnings]
    assert f"'{subject}'" in hits[0].message
    assert hits[0].line == line
    assert hits[0].path.endswith("questions.yaml")


def test_clean_counter_examples_raise_nothing() -> None:
    result = lint_path(CLEAN)
    assert result.pack is not None
    assert [str(w) for w in result.warnings] == []
    assert sum(result.counts().values()) == 0


def _mcq(correct: str, *others: str, prompt: str = "Which one?") -> object:
    options = [{"text": correct, "correct": True}, *({"text": o} for o in others)]
    return QUESTION_ADAPTER.validate_python({"id": "q", "type": "mcq", "prompt": prompt, "options": options})


def rules(question) -> list[str]:
    return [f.rule for f in question_findings(question)]


def test_longest_needs_both_the_ratio_and_a_real_gap() -> None:
    assert "longest-correct" in rules(_mcq("a" * 30, "b" * 20, "c" * 10))
    assert "longest-correct" not in rules(_mcq("a" * 29, "b" * 20, "c" * 10))  # 1.45x
    assert "longest-correct" not in rules(_mcq("Yes", "No", "Maybe not"))  # longest is a distractor
    assert "longest-correct" not in rules(_mcq("abcdef", "abcd", "abc"))  # 1.5x but only 2 characters


def test_prompt_echo_is_quiet_when_a_distractor_shares_the_word() -> None:
    assert "prompt-echo" in rules(_mcq("Shadow page tables", "Hypercalls", "VPID tags", prompt="Which tables?"))
    assert "prompt-echo" not in rules(
        _mcq("Shadow page tables", "Nested page tables", "VPID tags", prompt="Which tables?")
    )


def test_ordering_numbers_only_when_they_run_in_order() -> None:
    def ordering(*items: str):
        return QUESTION_ADAPTER.validate_python(
            {"id": "o", "type": "ordering", "prompt": "Order", "items": list(items)}
        )

    assert "ordering-numbers" in rules(ordering("a 15,800 cycles", "b 3,200 cycles", "c 200 cycles"))
    assert "ordering-numbers" not in rules(ordering("a 3 steps", "b 1 step", "c 2 steps"))
    assert "ordering-numbers" not in rules(ordering("1999", "2003", "VT-x"))
    assert first_number("about 0.45 us") == 0.45 and first_number("VT-x") is None


def test_content_words_ignore_function_words_and_plurals() -> None:
    assert content_words("Which of these are the tables?") == {"table"}
    assert "24" in content_words("up to 24 references")


def test_cli_prints_positions_and_exits_non_zero(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--home", str(tmp_path), "pack", "lint", str(BAD)])
    assert result.exit_code == 1
    assert "questions.yaml:6:9: warning: [longest-correct]" in result.stdout
    clean = runner.invoke(app, ["--home", str(tmp_path), "pack", "lint", str(CLEAN)])
    assert clean.exit_code == 0, clean.stdout
    missing = runner.invoke(app, ["--home", str(tmp_path), "pack", "lint", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output
    assert "1 path not linted" in missing.output


def test_cli_json_counts_every_rule(tmp_path: Path) -> None:
    import json

    result = CliRunner().invoke(app, ["--home", str(tmp_path), "pack", "lint", "--json", str(BAD), str(CLEAN)])
    assert result.exit_code == 1
    counts = json.loads(result.stdout[result.stdout.index("{") :])
    assert counts == dict.fromkeys(RULES, 1)
