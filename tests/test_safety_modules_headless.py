"""House rule 1 for the modules of the hostile-input work: none of them loads textual."""

from __future__ import annotations

import pytest
from test_import_contract import test_core_module_does_not_import_textual as check_headless

SAFETY_MODULES = ["studyvm.errors", "studyvm.textsafe", "studyvm.settings_check", "studyvm.packs.staging",
                  "studyvm.cli.boundary", "studyvm.cli.config_cmds"]  # fmt: skip


@pytest.mark.parametrize("module", SAFETY_MODULES)
def test_safety_module_does_not_import_textual(module: str) -> None:
    check_headless(module)
