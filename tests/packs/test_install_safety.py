"""What is installed is what was validated, and installs survive kill -9 (F3, F6-F8, F10-F12, F14, F15).

``pack add`` refuses links, FIFOs and devices; ``pack add`` and ``pack import`` stage outside
``packs/``, lock the pack id, swap the new folder in atomically and clean up after a killed run.
The kill -9 tests use the ``STUDYVM_CRASH_AT`` checkpoints of :mod:`studyvm.packs.staging`: the
process SIGKILLs itself at a named point, deterministically.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studyvm.cli import app
from studyvm.packs import staging
from studyvm.packs.importers.common import IdMaker
from studyvm.packs.staging import STAGING, clean_leftovers, pack_lock, swap_in

runner = CliRunner()
ONE = "questions:\n  - {id: a, type: flip, prompt: p, back: b}\n"
TWO = "questions:\n  - {id: a, type: flip, prompt: p, back: b}\n  - {id: b, type: flip, prompt: q, back: c}\n"


def _run(home: Path, *args: str):
    result = runner.invoke(app, ["--home", str(home), *args])
    assert "Traceback" not in result.output
    return result


def _cli(home: Path, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYVM_")}
    if crash_at:
        env["STUDYVM_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "studyvm", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _pack(root: Path, title: str, questions: str = ONE, files: int = 1) -> Path:
    folder = root / "p"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(f"id: p\ntitle: {title}\n", encoding="utf-8")
    for i in range(files):
        (folder / f"q{i:03d}.yaml").write_text(
            questions.replace("id: a", f"id: a{i}").replace("id: b", f"id: b{i}"), encoding="utf-8"
        )
    return folder


def _installed(home: Path) -> tuple[str, int] | None:
    """(title, question count) of the installed pack 'p' as the catalog loads it, or None."""
    from studyvm.config import Settings
    from studyvm.packs.catalog import load_catalog

    catalog = load_catalog(Settings(home=home))
    assert not catalog.failed, catalog.failed
    pack = catalog.get("p")
    return None if pack is None else (pack.meta.title, len(pack.questions))


# -- F3, F14: links, FIFOs and special files ----------------------------------------------------


def test_add_refuses_links_and_fifos_naming_each(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = _pack(tmp_path / "src", "T")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yaml").write_text("questions:\n  - {id: injected, type: flip, prompt: X, back: b}\n")
    (folder / "evil.yaml").symlink_to(outside / "evil.yaml")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "dirlink").symlink_to(outside)
    (folder / "loop").symlink_to("..")
    os.mkfifo(folder / "notes.fifo")
    result = _run(home, "pack", "add", str(folder))
    assert result.exit_code == 1
    for name in (
        "evil.yaml: is a symbolic link",
        "passwd.txt: is a symbolic link",
        "dirlink: is a symbolic link",
        "loop: is a symbolic link",
        "notes.fifo: is a named pipe (FIFO), not a file",
    ):
        assert name in result.output, result.output
    assert "nothing was installed" in result.output
    assert not (home / "packs" / "p").exists()
    assert not any((home / STAGING).iterdir())


def test_the_trojan_link_chain_is_refused(tmp_path: Path) -> None:
    folder = _pack(tmp_path / "src", "Week 3")
    (folder / "notes.txt").write_text("questions:\n  " + "- " * 200 + "x\n")
    (folder / "extra.yaml").symlink_to("notes.txt")
    result = _run(tmp_path / "home", "pack", "add", str(folder))
    assert result.exit_code == 1 and "extra.yaml: is a symbolic link" in result.output


def test_a_pack_folder_holding_the_home_is_refused(tmp_path: Path) -> None:
    folder = _pack(tmp_path, "T")
    result = _run(folder / "home", "pack", "add", str(folder))
    assert result.exit_code == 1 and "holds StudyVM's home" in result.output


def test_too_many_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staging, "MAX_COPY_FILES", 20)
    folder = _pack(tmp_path / "src", "T")
    for i in range(25):
        (folder / f"asset{i}.png").write_bytes(b"x")
    result = _run(tmp_path / "home", "pack", "add", str(folder))
    assert result.exit_code == 1 and "the limit is 20" in result.output


def test_what_is_installed_is_the_validated_copy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = _pack(tmp_path / "src", "T", files=3)
    (folder / "sub").mkdir()
    (folder / "sub" / "image.bin").write_bytes(bytes(range(256)))
    assert _run(home, "pack", "add", str(folder)).exit_code == 0
    installed = home / "packs" / "p"
    for path in folder.rglob("*"):
        twin = installed / path.relative_to(folder)
        assert twin.is_dir() if path.is_dir() else twin.read_bytes() == path.read_bytes()
    assert _installed(home) == ("T", 3)


# -- F6, F7: kill -9 at every step of add --force and import ------------------------------------


@pytest.mark.parametrize("point", ["copying", "staged", "swapped"])
def test_kill_9_during_add_force_leaves_one_whole_pack(tmp_path: Path, point: str) -> None:
    home = tmp_path / "home"
    assert _run(home, "pack", "add", str(_pack(tmp_path / "old", "Old", ONE, files=5))).exit_code == 0
    new = _pack(tmp_path / "new", "New", TWO, files=5)
    killed = _cli(home, "pack", "add", "--force", str(new), crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    expected = ("New", 10) if point == "swapped" else ("Old", 5)
    assert _installed(home) == expected
    assert _cli(home, "pack", "list").returncode == 0  # the next start cleans up
    assert not [p.name for p in (home / STAGING).iterdir()]
    assert not [p.name for p in (home / "packs").iterdir() if p.name.startswith(".")]
    assert _cli(home, "pack", "add", "--force", str(new)).returncode == 0
    assert _installed(home) == ("New", 10)


def _gift(path: Path, n: int, word: str) -> Path:
    path.write_text("".join(f"::q{i}:: {word} question {i}? {{T}}\n\n" for i in range(n)), encoding="utf-8")
    return path


@pytest.mark.parametrize("point", ["written", "swapped"])
def test_kill_9_during_import_leaves_no_half_pack(tmp_path: Path, point: str) -> None:
    home = tmp_path / "home"
    assert _cli(home, "pack", "import", str(_gift(tmp_path / "a.gift", 3, "old")), "--id", "p").returncode == 0
    killed = _cli(
        home, "pack", "import", str(_gift(tmp_path / "b.gift", 7, "new")), "--id", "p", "--force", crash_at=point
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    title, count = _installed(home)
    assert count == (7 if point == "swapped" else 3)
    assert not [p.name for p in (home / "packs").iterdir() if p.name != "p"]  # nothing half-written is visible
    listed = _cli(home, "pack", "list")
    assert listed.returncode == 0 and "already used" not in listed.stderr
    assert not list((home / STAGING).iterdir())
    again = _cli(home, "pack", "import", str(tmp_path / "b.gift"), "--id", "p", "--force")
    assert again.returncode == 0, again.stderr


def test_the_fallback_swap_is_undone_after_a_kill_between_its_renames(tmp_path: Path, monkeypatch) -> None:
    home, packs = tmp_path / "home", tmp_path / "home" / "packs"
    old = _pack(packs.parent / "tmp", "Old")
    packs.mkdir(parents=True)
    old.rename(packs / "p")
    # what a process killed between the fallback's two renames leaves: the pack aside, its name noted
    root = home / STAGING
    root.mkdir()
    (packs / "p").rename(root / "p.abc123.old")
    (root / "p.abc123.target").write_text("p")
    (root / "p.abc123").mkdir()
    clean_leftovers(home, packs)
    assert _installed(home) == ("Old", 1)
    assert not list(root.iterdir())
    # and the fallback itself, where renameat2 is missing, swaps whole
    monkeypatch.setattr(staging, "_renameat2", lambda *_args: False)
    staged = root / "new"
    staged.mkdir()
    (staged / "pack.yaml").write_text("id: p\ntitle: New\n")
    (staged / "q.yaml").write_text(TWO)
    swap_in(staged, packs / "p")
    assert _installed(home) == ("New", 2)
    assert (staged / "pack.yaml").read_text() == "id: p\ntitle: Old\n"


def test_leftovers_of_older_versions_are_not_loaded_and_are_removed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    hidden = _pack(home / "packs" / ".p.import-ecji2n5h", "Half")
    assert hidden.parent.name.startswith(".")
    (hidden.parent / "pack.yaml").write_text("id: half\ntitle: Half\n")
    listed = _run(home, "pack", "list", "--json")
    assert listed.exit_code == 0 and "half" not in listed.stdout
    assert not (home / "packs" / ".p.import-ecji2n5h").exists()


# -- F8: --out --force replaces only a pack ----------------------------------------------------


def test_out_force_refuses_a_folder_that_is_not_a_pack(tmp_path: Path) -> None:
    gift = _gift(tmp_path / "t.gift", 1, "x")
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "thesis.txt").write_text("thesis draft")
    result = _run(tmp_path / "home", "pack", "import", str(gift), "--out", str(victim), "--force")
    assert result.exit_code == 1 and "not a pack folder" in result.output
    assert (victim / "thesis.txt").read_text() == "thesis draft" and (victim / "sub").is_dir()
    pack = tmp_path / "pack"
    assert _run(tmp_path / "home", "pack", "import", str(gift), "--out", str(pack)).exit_code == 0
    assert _run(tmp_path / "home", "pack", "import", str(gift), "--out", str(pack), "--force").exit_code == 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


# -- F12: one installer per pack id --------------------------------------------------------------


def test_a_second_installer_of_the_same_id_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    gift = _gift(tmp_path / "c1.gift", 2, "x")
    with pack_lock(home, "same"):
        imported = _run(home, "pack", "import", str(gift), "--id", "same")
        assert imported.exit_code == 1 and "another StudyVM is installing pack 'same'" in imported.output
        folder = _pack(tmp_path / "src", "T")
        (folder / "pack.yaml").write_text("id: same\ntitle: T\n")
        added = _run(home, "pack", "add", str(folder))
        assert added.exit_code == 1 and "another StudyVM is installing pack 'same'" in added.output
    assert not (home / "packs" / "same").exists()
    assert _run(home, "pack", "import", str(gift), "--id", "same").exit_code == 0


# -- F10: an import the loader would refuse is never installed ---------------------------------


def test_an_import_is_split_to_fit_the_loaders_file_limit(tmp_path: Path, monkeypatch) -> None:
    import studyvm.packs.loader as loader
    import studyvm.packs.yamlsafe as yamlsafe

    monkeypatch.setattr(yamlsafe, "MAX_FILE_BYTES", 64 * 1024)
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 64 * 1024)
    pad = "virtualization " * 60
    gift = tmp_path / "long.gift"
    gift.write_text("".join(f"::q{i}:: Question {i}: {pad}? {{T}}\n\n" for i in range(300)), encoding="utf-8")
    home = tmp_path / "home"
    result = _run(home, "pack", "import", str(gift), "--id", "p")
    assert result.exit_code == 0, result.output
    files = sorted((home / "packs" / "p").glob("questions-*.yaml"))
    assert len(files) > 4 and all(f.stat().st_size <= 32 * 1024 for f in files)
    assert _installed(home)[1] == 300
    huge = tmp_path / "huge.gift"
    huge.write_text(f"::q1:: {'x' * 70_000}? {{T}}\n", encoding="utf-8")
    refused = _run(home, "pack", "import", str(huge), "--id", "h")
    assert refused.exit_code == 1 and "over the loader's" in refused.output
    assert not (home / "packs" / "h").exists()


# -- F11, F15, F18 -------------------------------------------------------------------------------


class _CountingSet(set):
    lookups = 0

    def __contains__(self, item: object) -> bool:
        type(self).lookups += 1
        return super().__contains__(item)


def test_repeated_names_cost_linear_lookups() -> None:
    maker = IdMaker()
    maker._used = _CountingSet()
    ids = [maker.take("a") for _ in range(5000)]
    assert ids[:3] == ["a", "a-2", "a-3"] and ids[-1] == "a-5000" and len(set(ids)) == 5000
    assert _CountingSet.lookups <= 2 * 5000
    assert maker.take("a-5001") == "a-5001" and maker.take("a") == "a-5002"


def test_importing_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "ff.gift"
    os.mkfifo(fifo)
    result = _cli(tmp_path / "home", "pack", "import", str(fifo))  # _cli's timeout bounds a hang
    assert result.returncode == 1 and "not a regular file" in result.stderr


def test_a_pack_id_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    result = _run(tmp_path / "home", "pack", "import", str(_gift(tmp_path / "t.gift", 1, "x")), "--id", "abc\n")
    assert result.exit_code == 1 and "invalid pack id" in result.output


def test_cleanup_leaves_a_running_install_alone_and_removes_a_dead_ones(tmp_path: Path) -> None:
    from studyvm.packs.staging import staging_folder

    home, packs = tmp_path / "home", tmp_path / "home" / "packs"
    packs.mkdir(parents=True)
    dead = home / STAGING / "add.deadbeef0000"
    dead.mkdir(parents=True)
    (dead / "pack.yaml").write_text("id: p\ntitle: Dead\n")
    with staging_folder(home / STAGING, "add") as running:
        (running / "pack.yaml").write_text("id: p\ntitle: Running\n")
        removed = clean_leftovers(home, packs)  # another process starting meanwhile
        assert (running / "pack.yaml").is_file()
        assert removed == [dead] and not dead.exists()
    assert not list((home / STAGING).iterdir())
