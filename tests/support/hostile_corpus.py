"""A pack with a terminal escape sequence in every field, for the tests of F1 (inert text).

Every string the pack format has (titles, authors, prompts, options, feedback, explanations,
caveats, topics, tags, table cells, source titles) carries :data:`PAYLOAD`: an OSC 52 clipboard
write, an OSC 8 hyperlink, a screen clear as a 7-bit and as an 8-bit CSI, BEL and a DCS string.
The YAML is written with JSON-style escapes, the way a hostile author would hide them.
"""

from __future__ import annotations

import json
from pathlib import Path

PAYLOAD = (
    "\x1b]52;c;cm0gLXJmIH4K\x1b\\ \x1b]8;;https://evil.example/\x1b\\CLICK\x1b]8;;\x1b\\ "
    "\x1b[2J\x1b[H \x9b2J \x07 \x1bP1$r\x1b\\ \x1b]0;TITLE\x07 \u202e"
)
"""Escape sequences of every kind the terminal obeys."""

FORBIDDEN = ("\x1b", "\x9b", "\x07", "\x90", "\x9d", "\u202e")
"""Characters that must never reach the terminal from untrusted text."""

PACK_ID = "esc"


def q(text: str) -> str:
    """``text`` with the payload, as a YAML double-quoted scalar (JSON escapes are YAML escapes)."""
    return json.dumps(f"{text} {PAYLOAD}")


def pack_yaml() -> str:
    """``pack.yaml`` with the payload in every text field."""
    return (
        f"id: {PACK_ID}\ntitle: {q('Title')}\nversion: {q('1.0')}\nauthors: [{q('Author')}]\n"
        f"licence: {q('CC')}\ndescription: {q('Desc')}\n"
        f"sources:\n  - {{id: n1, title: {q('Src')}, author: {q('Au')}, url: {q('u')}, file: {q('f')}}}\n"
    )


def questions_yaml() -> str:
    """One question of every type, and a table, with the payload in every text field."""
    common = (
        f"explanation: {q('Why')}, caveat: {q('Cav')}, topic: {q('Topic')}, tags: [{q('tag')}], "
        f"source: {{note: n1, section: {q('Sec')}}}"
    )
    opts = (
        f"[{{text: {q('Right')}, correct: true, feedback: {q('FbR')}}}, {{text: {q('Wrong')}, feedback: {q('FbW')}}}]"
    )
    lines = [
        "questions:",
        f"  - {{id: a.flip, type: flip, prompt: {q('Flip')}, back: {q('Back')}, {common}}}",
        f"  - {{id: b.mcq, type: mcq, shuffle: false, prompt: {q('Mcq')}, options: {opts}, {common}}}",
        f"  - {{id: c.multi, type: multi, shuffle: false, prompt: {q('Multi')}, options: {opts}, {common}}}",
        f"  - {{id: d.tf, type: true_false, prompt: {q('Tf')}, answer: true, feedback_true: {q('FT')}, "
        f"feedback_false: {q('FF')}, {common}}}",
        f"  - {{id: e.short, type: short, prompt: {q('Short')}, answers: [{{text: dom0, feedback: {q('Fs')}}}], "
        f"{common}}}",
        f"  - {{id: f.num, type: numerical, prompt: {q('Num')}, unit: {q('u')}, "
        f"answers: [{{value: 4, feedback: {q('Fn')}}}], {common}}}",
        f"  - {{id: g.cloze, type: cloze, prompt: {json.dumps('Cloze {{VT-x}} ' + PAYLOAD)}, {common}}}",
        f"  - {{id: h.match, type: matching, prompt: {q('Match')}, pairs: [{{left: {q('L1')}, right: {q('R1')}}}, "
        f"{{left: {q('L2')}, right: {q('R2')}}}], distractors: [{q('D')}], {common}}}",
        f"  - {{id: i.order, type: ordering, prompt: {q('Order')}, items: [{q('I1')}, {q('I2')}], {common}}}",
        "tables:",
        f"  - {{id: t1, title: {q('Table')}, columns: [{q('C1')}, {q('C2')}], topic: {q('TT')}, caveat: {q('TC')},",
        f"     rows: [{{aspect: {q('Asp')}, cells: [{q('x1')}, {q('x2')}], caveat: {q('RC')}}},",
        f"            {{aspect: {q('Asp2')}, cells: [{q('y1')}, {q('y2')}]}}]}}",
    ]
    return "\n".join(lines) + "\n"


def write_hostile_pack(root: Path) -> Path:
    """The hostile pack as ``root/esc``; its question file's name carries an OSC title sequence."""
    folder = root / PACK_ID
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(pack_yaml(), encoding="utf-8")
    (folder / "q\x1b]0;PWNED\x07.yaml").write_text(questions_yaml(), encoding="utf-8")
    return folder


def write_invalid_pack(root: Path) -> Path:
    """A pack whose file name and an unknown YAML key carry escapes, so ``validate`` quotes both."""
    folder = root / "fn"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text("id: fn\ntitle: t\n", encoding="utf-8")
    (folder / "q\x1b]0;PWNED-TITLE\x07.yaml").write_text(
        'questions:\n  - {id: a, type: flip, prompt: p, back: b, "bad\\e]52;c;cm0gLXJmIH4K\\e\\\\key": 1}\n',
        encoding="utf-8",
    )
    return folder


def assert_inert(output: str | bytes, where: str) -> None:
    """No forbidden character in ``output``."""
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    found = [repr(c) for c in FORBIDDEN if c in text]
    assert not found, f"{where}: {', '.join(found)} reached the output: {text[:400]!r}"
