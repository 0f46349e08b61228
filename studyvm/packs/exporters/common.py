"""What the exporters share: a deterministic option shuffle and the type-change check.

- A choice question's options are written in an order shuffled per question, seeded by the pack
  and question ids: the right answer is no longer always "A", and exporting twice gives the same
  file (so Anki and Moodle see no change where there is none).
- A question whose type changed under the same id since the file being replaced was written is
  reported: Anki keeps the old note when the note type differs, and Moodle keeps both.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from typing import Any


def option_order(pack_id: str, q: Any) -> list[int]:
    """The order to write ``q``'s options in: shuffled per question when it allows it, else as written."""
    count = len(getattr(q, "options", []))
    order = list(range(count))
    if count > 1 and getattr(q, "shuffle", False):
        seed = int.from_bytes(hashlib.sha256(f"{pack_id}\x1f{q.id}".encode()).digest()[:8], "big")
        random.Random(seed).shuffle(order)
    return order


def type_changes(before: Mapping[str, str], pack: Any, label: Mapping[str, str] | None = None) -> list[str]:
    """Warnings for questions whose kind differs from ``before`` (id -> kind in the replaced file).

    ``label`` names a question's kind as the replaced file does (Anki's note type, say); by
    default the StudyVM type is compared.
    """
    out = []
    for q in pack.questions:
        now = (label or {}).get(q.id, q.type)
        old = before.get(q.id)
        if old is not None and old != now:
            out.append(
                f"question '{q.id}' was {old} in the file being replaced and is {now} now: Anki keeps the old "
                "note and Moodle adds a second question; delete the old one there, or give this question a new id"
            )
    return out


def text_type_changes(fmt: str, old_file: Any, new_text: str, pack: Any) -> list[str]:
    """Type changes between the GIFT or Moodle XML file being replaced and its new text.

    Both are read back with StudyVM's importer, so a type the format writes differently (an
    ordering question as GIFT matching, say) is compared as the format holds it.
    """
    from pathlib import Path

    from studyvm.packs.importers.common import ImportProblem

    def kinds(text: str) -> dict[str, str]:
        if fmt == "gift":
            from studyvm.packs.importers.gift import parse_gift

            questions = parse_gift(text).questions
        else:
            from studyvm.packs.importers.moodle_xml import parse_moodle_xml

            questions = parse_moodle_xml(text.encode("utf-8")).questions
        return {q.id: q.type for q in questions}

    try:
        before = kinds(Path(old_file).read_text(encoding="utf-8"))
        now = kinds(new_text)
    except (ImportProblem, OSError, UnicodeDecodeError):
        return []
    return type_changes(before, pack, now)
