"""write.py: only changed files written, stale ones removed, interrupted writes repaired, foreign folders refused."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from builder import write
from builder.errors import BuildError
from builder.store import Changes, Store, state_file
from builder.write import MARKER, STAGING, Writer, check_output_folder, recover


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder except trendsite's own records."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER and STAGING not in p.parts}


def write_site(out: Path, files: dict[str, bytes]) -> write.WriteSummary:
    """Make `out` hold `files` as a build does: recover, stage, commit with the store, apply."""
    with Store.open(out.parent, out) as store:
        recover(out, store)
        writer = Writer(out, store)
        try:
            for rel, data in sorted(files.items()):
                writer.put(rel, data)
            return writer.finish(Changes())
        except BaseException:
            writer.abandon()
            raise


def recorded(out: Path) -> dict[str, str]:
    """Output path -> digest, as the state records output/."""
    with Store.open(out.parent, out) as store:
        return {path: value[0] for path, value in store.outputs().items()}


def journal_rows(out: Path) -> int:
    with sqlite3.connect(state_file(out.parent, out)) as db:
        return db.execute("SELECT count(*) FROM journal").fetchone()[0]


def test_writes_files_and_records_them_in_the_state(tmp_path):
    out = tmp_path / "out"
    summary = write_site(out, {"index.html": b"home", "reports/a/index.html": b"a"})
    assert tree(out) == {"index.html": b"home", "reports/a/index.html": b"a"}
    assert set(recorded(out)) == {"index.html", "reports/a/index.html"}
    assert (out / MARKER).is_file()
    assert (summary.written, summary.unchanged, summary.removed) == (2, 0, 0)
    assert not (out / STAGING).exists()


def test_unchanged_files_keep_their_mtimes(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a", "b.html": b"b"})
    old = 1_000_000_000
    for name in ("a.html", "b.html", MARKER):
        os.utime(out / name, (old, old))
    summary = write_site(out, {"a.html": b"a", "b.html": b"B"})
    assert (out / "a.html").stat().st_mtime == old
    assert (out / "b.html").read_bytes() == b"B"
    assert (summary.written, summary.unchanged) == (1, 1)


def test_a_build_with_nothing_changed_writes_nothing(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a"})
    old = 1_000_000_000
    os.utime(out / MARKER, (old, old))
    summary = write_site(out, {"a.html": b"a"})
    assert summary.written == 0
    assert (out / MARKER).stat().st_mtime == old


def test_stale_files_and_their_empty_folders_are_removed(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"index.html": b"home", "reports/old/index.html": b"old"})
    summary = write_site(out, {"index.html": b"home"})
    assert tree(out) == {"index.html": b"home"}
    assert not (out / "reports").exists()
    assert summary.removed == 1


def test_a_deleted_output_file_is_written_again(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a"})
    (out / "a.html").unlink()
    assert write_site(out, {"a.html": b"a"}).written == 1
    assert (out / "a.html").read_bytes() == b"a"


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/passwd", "a/../../b", "a\\b", MARKER,
                                 f"{STAGING}/0"])
def test_paths_outside_the_output_or_over_its_records_are_refused(tmp_path, rel):
    with pytest.raises(BuildError, match="outside the output folder"):
        write_site(tmp_path / "out", {rel: b"x"})
    assert not (tmp_path / "escape.html").exists()


@pytest.mark.parametrize("staged", ["0", None, "../../victim.txt"])
def test_a_journal_naming_paths_outside_is_discarded_and_the_next_build_repairs_the_site(tmp_path, staged):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a", "b.html": b"b"})
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / STAGING).mkdir()
    (out / STAGING / "0").write_bytes(b"planted")
    with sqlite3.connect(state_file(out.parent, out)) as db:
        db.executemany("INSERT INTO journal(staged, path) VALUES (?, ?)",
                       [(None, "b.html"), (staged, "../victim.txt")])
    (out / "a.html").write_bytes(b"tampered")  # unknown to the state: the repair must find it
    write_site(out, {"a.html": b"a", "b.html": b"b"})
    assert victim.read_text() == "keep"
    assert tree(out) == {"a.html": b"a", "b.html": b"b"}
    assert journal_rows(out) == 0


def test_a_link_inside_the_output_is_never_written_through(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "reports").symlink_to(elsewhere)
    with pytest.raises(BuildError, match="through a link"):
        write_site(out, {"a.html": b"a", "reports/x/index.html": b"x"})
    assert list(elsewhere.iterdir()) == []
    assert (out / "a.html").read_bytes() == b"a"


def test_an_uncommitted_stage_is_thrown_away(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a"})
    (out / STAGING).mkdir()
    (out / STAGING / "0").write_bytes(b"half-built")
    with Store.open(out.parent, out) as store:
        recover(out, store)
    assert tree(out) == {"a.html": b"a"}
    assert not (out / STAGING).exists()


class Killed(BaseException):
    """Stands for SIGKILL: nothing in write.py may catch it."""


def die_at(monkeypatch, step: int, exception: type[BaseException]) -> None:
    """Make the step-th os.replace raise: each moves a staged file, after the commit."""
    real_replace = os.replace
    calls = []

    def replace(source, target):
        calls.append(target)
        if len(calls) == step:
            monkeypatch.setattr(write.os, "replace", real_replace)
            raise exception
        real_replace(source, target)

    monkeypatch.setattr(write.os, "replace", replace)


def test_a_committed_write_killed_midway_is_finished_by_the_next_build(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a", "b.html": b"b", "old.html": b"old"})
    die_at(monkeypatch, 2, Killed)
    with pytest.raises(Killed):
        write_site(out, {"a.html": b"A", "b.html": b"B", "new.html": b"new"})
    assert journal_rows(out) > 0
    # Every file is whole, old or new, and nothing was removed yet.
    assert (out / "a.html").read_bytes() in (b"a", b"A") and (out / "old.html").exists()
    summary = write_site(out, {"a.html": b"A", "b.html": b"B", "new.html": b"new"})
    assert tree(out) == {"a.html": b"A", "b.html": b"B", "new.html": b"new"}
    assert summary.written == 0
    assert not (out / STAGING).exists()


def test_ctrl_c_before_the_commit_leaves_the_old_site(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a"})
    real_write = Path.write_bytes

    def interrupted(self, data):
        monkeypatch.setattr(Path, "write_bytes", real_write)
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_site(out, {"a.html": b"A", "new.html": b"new"})
    assert tree(out) == {"a.html": b"a"}
    assert not (out / STAGING).exists()


def test_ctrl_c_after_the_commit_finishes_the_new_site(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a"})
    die_at(monkeypatch, 1, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        write_site(out, {"a.html": b"A", "new.html": b"new"})
    assert tree(out) == {"a.html": b"A", "new.html": b"new"}
    assert not (out / STAGING).exists() and journal_rows(out) == 0


def test_new_files_are_placed_before_changed_ones(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_site(out, {"index.html": b"home"})
    order = []
    real_replace = os.replace
    monkeypatch.setattr(write.os, "replace", lambda s, t: (order.append(Path(t).name), real_replace(s, t)))
    write_site(out, {"index.html": b"home links new", "new.html": b"new"})
    assert order.index("new.html") < order.index("index.html")


def test_a_write_error_is_a_clean_build_error(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_site(out, {"a.html": b"a"})

    def full_disk(self, data):
        raise OSError(28, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(BuildError, match="No space left"):
        write_site(out, {"a.html": b"changed"})
    monkeypatch.undo()
    assert (out / "a.html").read_bytes() == b"a"


@pytest.mark.parametrize("existing", [False, True])
def test_a_first_build_writes_a_sibling_folder_and_renames_it_into_place(tmp_path, monkeypatch, existing):
    out = tmp_path / "out"
    if existing:
        out.mkdir()
    (tmp_path / ".out.trendsite-new").mkdir()  # left by a first build that was killed
    (tmp_path / ".out.trendsite-new" / "half.html").write_bytes(b"half")
    staged = []
    real_write = Path.write_bytes
    monkeypatch.setattr(Path, "write_bytes", lambda self, data: staged.append(self) or real_write(self, data))
    summary = write_site(out, {"index.html": b"home", "reports/a/index.html": b"a"})
    assert tree(out) == {"index.html": b"home", "reports/a/index.html": b"a"}
    assert set(recorded(out)) == {"index.html", "reports/a/index.html"}
    assert (summary.written, summary.unchanged, summary.removed) == (2, 0, 0)
    # One write per file, straight into the sibling folder: no staging, no journal.
    assert len(staged) == 2 and all(tmp_path / ".out.trendsite-new" in p.parents for p in staged)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".trendsite-cache", "out"]


def test_a_first_build_that_fails_leaves_nothing_behind(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()

    def full_disk(self, data):
        raise OSError(28, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(BuildError, match="No space left"):
        write_site(out, {"a.html": b"a"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [".trendsite-cache", "out"]
    assert list(out.iterdir()) == []


def test_a_first_build_through_a_link_writes_into_the_linked_folder(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "out").symlink_to(real)
    write_site(tmp_path / "out", {"a.html": b"a"})
    assert (tmp_path / "out").is_symlink()
    assert tree(real) == {"a.html": b"a"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes" / "diary.txt").write_text("precious")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    return home


@pytest.mark.parametrize("choice", ["home", "parent of home", "root", "content", "templates", "filesystem root"])
def test_refuses_output_folders_that_hold_the_site_or_your_files(tmp_path, home, choice):
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    output = {"home": home, "parent of home": tmp_path, "root": root, "content": root / "content",
              "templates": root / "templates", "filesystem root": Path("/")}[choice]
    with pytest.raises(BuildError, match="cannot be the output folder"):
        check_output_folder(output, root)


def test_refuses_a_folder_with_files_trendsite_did_not_make(tmp_path, home):
    with pytest.raises(BuildError, match="not made by trendsite"):
        check_output_folder(home / "notes", tmp_path / "site")


def test_refuses_an_output_that_is_a_file(tmp_path, home):
    (tmp_path / "out").write_text("x")
    with pytest.raises(BuildError, match="is a file"):
        check_output_folder(tmp_path / "out", tmp_path / "site")


def test_accepts_a_new_an_empty_and_its_own_folder(tmp_path, home):
    root = tmp_path / "site"
    check_output_folder(tmp_path / "new", root)
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty", root)
    write_site(tmp_path / "ours", {"a.html": b"a"})
    check_output_folder(tmp_path / "ours", root)


def test_a_first_build_killed_while_staging_is_still_ours(tmp_path, home):
    out = tmp_path / "out"
    (out / STAGING).mkdir(parents=True)
    (out / STAGING / "0").write_bytes(b"x")
    check_output_folder(out, tmp_path / "site")
    write_site(out, {"a.html": b"a"})
    assert tree(out) == {"a.html": b"a"}
