"""Index files of removed packs are deleted when the catalog loads, and nothing else is: not the
index of a pack still there (wherever the home is), not a file another process is writing or has
just replaced, not a file of a layout this version does not know."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from studyvm.config import Settings, builtin_content_dir
from studyvm.packs import indexcache
from studyvm.packs.catalog import load_catalog
from tests.support.pack_fixtures import GOOD_QUESTIONS, PACK_YAML


def _pack(folder: Path, pack_id: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK_YAML.replace("id: demo", f"id: {pack_id}"))
    (folder / "questions.yaml").write_text(GOOD_QUESTIONS)
    return folder


def _index(settings: Settings, folder: Path, origin: str) -> Path:
    return indexcache.cache_file(settings.home / "cache" / "packs", folder, origin)


def test_the_index_of_a_removed_pack_is_deleted_and_the_others_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    keep, gone = _pack(home / "packs" / "demo", "demo"), _pack(home / "packs" / "other", "other")
    extra = _pack(tmp_path / "mine" / "extra", "extra")
    with_extra = Settings(home=home, learner="t", extra_pack_dirs=[tmp_path / "mine"])
    assert {"demo", "other", "extra"} <= set(load_catalog(with_extra).packs)
    kept, removed = _index(with_extra, keep, "user"), _index(with_extra, gone, "user")
    extra_index = _index(with_extra, extra, "extra")
    assert kept.is_file() and removed.is_file() and extra_index.is_file()
    shutil.rmtree(gone)
    plain = Settings(home=home, learner="t")  # a run without --packs: that folder is still there
    assert "other" not in load_catalog(plain).packs
    assert kept.is_file() and not removed.exists() and extra_index.is_file()
    shutil.rmtree(extra)
    load_catalog(plain)
    assert kept.is_file() and not extra_index.exists()
    builtin = _index(plain, builtin_content_dir() / "virtualization", "builtin")
    assert {p.name for p in (home / "cache" / "packs").iterdir()} == {kept.name, builtin.name}


def test_a_moved_home_keeps_the_indexes_of_its_packs(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _pack(home / "packs" / "demo", "demo")
    load_catalog(Settings(home=home, learner="t"))
    moved = Settings(home=tmp_path / "moved", learner="t")
    shutil.move(home, moved.home)  # the path each index recorded is gone; the pack is in the new home
    before = {p.name: p.stat().st_mtime_ns for p in (moved.home / "cache" / "packs").glob("*.idx")}
    load_catalog(moved)
    assert {p.name: p.stat().st_mtime_ns for p in (moved.home / "cache" / "packs").glob("*.idx")} == before


def test_old_layouts_go_while_unknown_files_and_files_being_written_stay(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _pack(home / "packs" / "demo", "demo")
    cache = home / "cache" / "packs"
    cache.mkdir(parents=True)
    old = cache / "0123456789abcdef01234567.idx"
    old.write_bytes(indexcache.OLD_MAGICS[-1] + b"\0" * 64)  # from before this version: no pack opens it
    newer = cache / "89abcdef0123456789abcdef.idx"
    newer.write_bytes(b"studyvm-pack-index/9\n" + b"\0" * 64)  # a later version's layout: not ours to judge
    writing = cache / ".fedcba9876543210fedcba98.idx.4242.1.tmp"  # another process is writing it
    writing.write_bytes(indexcache.MAGIC + b"\0" * 8)
    load_catalog(Settings(home=home, learner="t"))
    assert not old.exists() and newer.is_file() and writing.is_file()


def test_a_file_replaced_after_the_check_is_put_back(tmp_path: Path) -> None:
    path = tmp_path / "pack.idx"
    path.write_bytes(b"the stale index, checked")
    checked = os.stat(path).st_ino
    fresh = tmp_path / ".pack.idx.1.1.tmp"
    fresh.write_bytes(b"a new index, written meanwhile by another process")
    os.replace(fresh, path)
    assert os.stat(path).st_ino != checked
    assert indexcache._remove_if_unchanged(path, checked) is False
    assert path.read_bytes() == b"a new index, written meanwhile by another process"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.idx"]  # no private copy left
    assert indexcache._remove_if_unchanged(path, os.stat(path).st_ino) is True and not path.exists()


def test_a_new_index_records_its_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = _pack(home / "packs" / "demo", "demo")
    settings = Settings(home=home, learner="t")
    load_catalog(settings)
    index = _index(settings, folder, "user")
    assert indexcache._stale_inode(index, {"user": home / "packs"}) is None
    shutil.rmtree(folder)
    assert indexcache._stale_inode(index, {"user": home / "packs"}) == os.stat(index).st_ino
