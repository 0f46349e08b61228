"""The on-disk pack index: the catalog opens a pack from it (questions parsed when used), gives the
same questions as a full load, and falls back to the YAML whenever the index is stale or damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studyvm.config import Settings
from studyvm.packs import indexcache
from studyvm.packs.catalog import load_catalog
from studyvm.packs.folders import question_files
from studyvm.packs.loader import load_pack_dir
from studyvm.packs.model import Pack
from studyvm.packs.packindex import PARSED_KEPT, LazyPack
from tests.support.pack_fixtures import GOOD_QUESTIONS, PACK_YAML

TABLE = """\
tables:
  - id: modes
    title: Modes
    columns: [Full, Para]
    rows:
      - {aspect: Guest changes, cells: [none, kernel]}
      - {aspect: Traps, cells: [many, few]}
"""

ODD = """\
questions:
  - id: q.odd
    type: flip
    topic: escapes
    tags: [  spaced , x]
    prompt: "Bell \\a and ESC \\e[31m red"
    back: "  padded  "
    demo: trap-basic
"""


def _home(tmp_path: Path) -> tuple[Settings, Path]:
    """A home with one installed pack ``demo`` (every question type, a table, odd text)."""
    home = tmp_path / "home"
    folder = home / "packs" / "demo"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK_YAML + "curriculum: [escapes]\n")
    (folder / "questions.yaml").write_text(GOOD_QUESTIONS)
    (folder / "tables.yaml").write_text(TABLE)
    (folder / "odd.yaml").write_text(ODD)
    return Settings(home=home, learner="t"), folder


def _index_files(settings: Settings) -> list[Path]:
    return sorted((settings.home / "cache" / "packs").glob("*.idx"))


def test_second_open_reads_the_index_and_matches_a_full_load(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    first = load_catalog(settings).packs["demo"]
    assert _index_files(settings), "the first load writes the index"
    again = load_catalog(settings).packs["demo"]
    assert isinstance(again, LazyPack)
    full = load_pack_dir(folder, origin="user").pack
    assert isinstance(full, Pack)
    for pack in (first, again):
        assert list(pack.questions) == full.questions  # curriculum order, generated questions, odd text
        assert [pack.questions[i] for i in range(len(full.questions))] == full.questions
        assert pack.meta == full.meta and pack.tables == full.tables
        assert pack.export_dict() == full.export_dict()
        assert pack.topics() == full.topics() and pack.location == str(folder) and pack.origin == "user"
        assert pack.index.ids == full.index.ids and pack.index.demos == full.index.demos
        assert pack.index.families == full.index.families and len(set(full.index.families.values())) == 4
        assert pack.question("q.odd") == full.question("q.odd") and pack.question("nope") is None
    assert "\\x1b[31m" in again.question("q.odd").prompt  # still inert after the round trip


def test_siblings_come_from_the_index_without_parsing(tmp_path: Path) -> None:
    """A table row's questions are one family in the stored index: answering one buries the others
    (newcomer m16) without parsing the pack (issue 19: a 100,000-question pack stays lazy)."""
    from studyvm.study.siblings import siblings_of

    settings, _folder = _home(tmp_path)
    load_catalog(settings)
    pack = load_catalog(settings).packs["demo"]
    assert isinstance(pack, LazyPack)
    row = [e.id for e in pack.index.entries() if e.family == "modes.guest-changes"]
    assert len(row) >= 2 and all(e.family is None for e in pack.index.entries() if e.id.startswith("q."))
    shown = pack.question(row[0])
    assert siblings_of(pack, shown) == row[1:]
    assert list(pack._kept) == [pack.index.position(row[0])]  # only the shown question was parsed


def test_questions_are_parsed_only_when_used(tmp_path: Path) -> None:
    settings, _folder = _home(tmp_path)
    load_catalog(settings)
    pack = load_catalog(settings).packs["demo"]
    assert isinstance(pack, LazyPack)
    assert not pack._kept  # opening parsed no question
    assert len(pack.questions) == len(pack.index) > 10
    list(pack.questions)
    assert not pack._kept  # a full walk (an export) keeps nothing
    shown = pack.question("q.mcq")
    assert pack.question("q.mcq") is shown and list(pack._kept) == [pack.index.position("q.mcq")]
    assert pack.questions[-1] == pack.questions[len(pack.questions) - 1]
    assert pack.questions[1:3] == [pack.questions[1], pack.questions[2]]
    with pytest.raises(IndexError):
        pack.questions[len(pack.questions)]
    for pos in range(len(pack.questions)):
        pack.at(pos)
    assert len(pack._kept) <= PARSED_KEPT


@pytest.mark.parametrize("same_stamp", [False, True])
def test_an_edited_file_gives_the_new_content(tmp_path: Path, same_stamp: bool) -> None:
    settings, folder = _home(tmp_path)
    load_catalog(settings)
    path = folder / "questions.yaml"
    stat = path.stat()
    edited = GOOD_QUESTIONS.replace("What does a hypervisor do?", "What does a supervisor do?")
    assert len(edited) == len(GOOD_QUESTIONS)
    path.write_text(edited)
    if same_stamp:  # same size and time: only the content hash tells
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    pack = load_catalog(settings).packs["demo"]
    assert pack.question("q.flip").prompt == "What does a supervisor do?"
    assert load_catalog(settings).packs["demo"].question("q.flip").prompt == "What does a supervisor do?"


def test_added_and_removed_files_are_seen(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    load_catalog(settings)
    (folder / "more.yaml").write_text("questions:\n  - {id: q.more, type: flip, prompt: P, back: B}\n")
    assert load_catalog(settings).packs["demo"].question("q.more") is not None
    (folder / "more.yaml").unlink()
    assert load_catalog(settings).packs["demo"].question("q.more") is None


def test_a_broken_edit_is_reported_not_hidden_by_the_index(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    load_catalog(settings)
    (folder / "questions.yaml").write_text("questions:\n  - {id: q.bad, type: flip, prompt: P}\n")
    catalog = load_catalog(settings)
    assert "demo" not in catalog.packs and str(folder) in catalog.failed


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "flip":
        data[len(data) // 2] ^= 0xFF
    elif how == "truncate":
        del data[len(data) // 3 :]
    elif how == "garbage":
        data = bytearray(b"\x00\xff not an index" * 50)
    elif how == "empty":
        data = bytearray()
    elif how == "header":  # a well-formed file whose checksum matches but whose header is nonsense
        body = indexcache.MAGIC + indexcache._LENGTHS.pack(2, 0, 0, 0) + b"[]"
        data = bytearray(body + indexcache.checksum(body))
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["flip", "truncate", "garbage", "empty", "header"])
def test_a_damaged_index_is_ignored_and_rebuilt(tmp_path: Path, how: str) -> None:
    settings, folder = _home(tmp_path)
    load_catalog(settings)
    index_file = indexcache.cache_file(settings.home / "cache" / "packs", folder, "user")
    assert index_file.is_file()
    _damage(index_file, how)
    pack = load_catalog(settings).packs["demo"]
    assert pack.question("q.flip").prompt == "What does a hypervisor do?"
    full = load_pack_dir(folder, origin="user").pack
    assert full is not None and list(pack.questions) == full.questions
    key = indexcache.source_key(folder, [folder / "pack.yaml", *question_files(folder)])
    assert indexcache.read_index(index_file, key, str(folder), "user") is not None  # whole again


def test_an_index_folder_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    (settings.home / "cache").write_text("a file where the cache folder would go")
    pack = load_catalog(settings).packs["demo"]
    assert isinstance(pack, Pack) and pack.question("q.flip") is not None


def test_no_home_folder_no_index(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "absent", learner="t")
    catalog = load_catalog(settings)
    assert catalog.packs  # the built-in pack, parsed
    assert not (tmp_path / "absent").exists()


def test_unknown_demo_still_an_error_with_known_demos(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    assert "demo" in load_catalog(settings).packs  # indexed without a demo list
    catalog = load_catalog(settings, known_demos={"other"})
    assert "demo" not in catalog.packs
    assert any("unknown demo scenario 'trap-basic'" in str(d) for d in catalog.failed[str(folder)])
    assert isinstance(load_catalog(settings, known_demos={"trap-basic"}).packs["demo"], LazyPack)


def test_an_open_pack_keeps_reading_its_own_index_when_another_replaces_it(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    load_catalog(settings)
    old = load_catalog(settings).packs["demo"]
    (folder / "questions.yaml").write_text(GOOD_QUESTIONS.replace("Name Intel's extension.", "Intel's extension?"))
    load_catalog(settings)  # rewrites the index under the open pack
    assert old.question("q.short").prompt == "Name Intel's extension."
    assert load_catalog(settings).packs["demo"].question("q.short").prompt == "Intel's extension?"


def test_a_copied_home_reuses_its_indexes(tmp_path: Path) -> None:
    import shutil

    settings, _folder = _home(tmp_path)
    load_catalog(settings)
    moved = Settings(home=tmp_path / "moved", learner="t")
    shutil.copytree(settings.home, moved.home)
    before = {p.name: p.stat().st_mtime_ns for p in _index_files(moved)}
    pack = load_catalog(moved).packs["demo"]
    assert isinstance(pack, LazyPack) and pack.location == str(moved.home / "packs" / "demo")
    assert {p.name: p.stat().st_mtime_ns for p in _index_files(moved)} == before  # nothing rebuilt


def test_opening_and_listing_indexed_packs_loads_neither_pydantic_nor_yaml(tmp_path: Path) -> None:
    """The dashboard's first figures come from the index alone: no model or parser on the launch path."""
    import subprocess
    import sys

    settings, _folder = _home(tmp_path)
    load_catalog(settings)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from studyvm.config import Settings\n"
        "from studyvm.packs.catalog import load_catalog\n"
        "from studyvm.study.overview import pack_summaries\n"
        f"catalog = load_catalog(Settings(home=Path({str(settings.home)!r}), learner='t'))\n"
        "packs, failed = pack_summaries(catalog)\n"
        "assert {p.id for p in packs} == {'demo', 'virtualization'} and not failed, (packs, failed)\n"
        "assert all(p.questions and p.title for p in packs)\n"
        "print(sorted(m for m in ('pydantic', 'yaml', 'studyvm.packs.model') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_lookups_by_id_scan_first_then_use_a_map() -> None:
    from studyvm.packs.packindex import SCANS_BEFORE_MAP, Entry, QuestionIndex

    index = QuestionIndex.of(Entry(f"q{i}", "t", ("a",), "flip", None) for i in range(50))
    answers = [index.position(f"q{i}") for i in (7, 49, 0)] + [index.position("missing")]
    assert answers == [7, 49, 0, None] and index._position is None
    for _ in range(SCANS_BEFORE_MAP):
        index.position("q3")
    assert index._position is not None
    assert [index.position(f"q{i}") for i in (7, 49, 0)] + [index.position("missing")] == answers
    assert index.entry(49) == Entry("q49", "t", ("a",), "flip", None)


def test_temporary_files_left_by_a_killed_writer_are_swept(tmp_path: Path) -> None:
    settings, folder = _home(tmp_path)
    cache = settings.home / "cache" / "packs"
    cache.mkdir(parents=True)
    old = cache / ".abc.idx.123.456.tmp"
    fresh = cache / ".def.idx.789.1.tmp"  # perhaps still being written by another process
    for leftover in (old, fresh):
        leftover.write_bytes(b"half an index")
    os.utime(old, (1, 1))
    load_catalog(settings)
    assert not old.exists() and fresh.exists()
