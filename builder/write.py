"""Write the built site: only files whose bytes changed, stale files removed, nothing outside output/.

How a build stays safe to kill. Pages are rendered into a staging folder, never over the live site,
and the store's state commits together with the list of moves that publish them:

1. stage: each changed file goes into output/.trendsite-staging/ (the live site is not touched);
2. commit: one transaction of the state (store.py) records the new state of the site and the journal:
   every move out of staging and every removal;
3. apply: staged files are renamed over their targets, new ones first, stale files removed last;
4. the journal is cleared and the staging folder removed.

Killed before the commit, output/ and the state are both the previous build's and the next build
throws the staging folder away; killed after it, the next build applies the journal before anything
else. So the state never claims a file output/ does not hold. Every file is replaced by rename, so no
reader ever sees half a file. No fsync: we guard against the process dying, not the machine.

A first build (output/ missing or empty) has no previous site to protect: it writes each file once
into a fresh sibling folder, which the journal then renames into place.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat as stat_kind
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError, Problem
from .store import Changes, Store
from .urls import is_safe_relative

# Marks a folder as made by trendsite (its state is in the store).
MARKER = ".trendsite-output"
STAGING = ".trendsite-staging"
_RENAME_FRESH = "\0fresh"  # the journal's move of a first build's sibling folder into place
_STAGED_NAME = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Slot:
    """Where the bytes of one output file go if they changed: `target` (None: nowhere), unless they are
    the `previous` digest's, which output/ already holds."""

    path: str  # in output/
    previous: str | None
    target: str | None


@dataclass(frozen=True)
class WriteSummary:
    written: int
    unchanged: int
    removed: int
    changed: tuple[str, ...] = field(default=(), compare=False, repr=False)  # the paths written, in order
    stale: tuple[str, ...] = field(default=(), compare=False, repr=False)  # the paths removed


def digest(data: bytes) -> str:
    """A short content hash used to compare outputs."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def check_output_folder(output: Path, root: Path) -> None:
    """Refuse an output folder that trendsite did not make, or one that holds the site itself."""
    output = output.resolve()
    root = root.resolve()
    home = Path.home().resolve()
    protected = {root, root / "content", root / "templates", home, Path(output.anchor)}
    if output in protected or root.is_relative_to(output) or (root / "content").resolve().is_relative_to(output) \
            or home.is_relative_to(output):
        raise BuildError([Problem(str(output), None, "cannot be the output folder: it holds the site or your files",
                                  "choose a new folder such as ./output")])
    for name in ("content", "templates"):
        if output.is_relative_to((root / name).resolve()):
            raise BuildError([Problem(str(output), None, f"cannot be the output folder: it is inside {name}/, so "
                                      "the next build would read the site back in", "choose a folder such as ./output")])
    if output.exists() and not output.is_dir():
        raise BuildError([Problem(str(output), None, "is a file, not a folder",
                                  "choose another --output folder")])
    # A staging folder alone marks a first build that was interrupted.
    ours = (output / MARKER).is_file() or (output / STAGING).is_dir()
    if output.is_dir() and not ours and any(output.iterdir()):
        raise BuildError([Problem(str(output), None,
                                  "is not empty and was not made by trendsite, so it will not be overwritten",
                                  "empty it yourself, or choose another --output folder")])


def identity(status: os.stat_result) -> str:
    """Which file a path holds: a file rewritten or replaced behind the state's back has another."""
    return f"{status.st_ino}:{status.st_size}:{status.st_mtime_ns}"


def recover(output: Path, store: Store) -> Problem | None:
    """Finish a committed write that was interrupted, or drop an uncommitted one.

    A journal that cannot be applied (a path in it leads out of output/, the disk is full) is discarded,
    and so is what the state says output/ holds: the next build compares every file, which repairs the
    site. The problem is returned.
    """
    journal = store.journal()
    problem = None
    if journal:
        try:
            _apply(output, journal)
        except BuildError as error:
            problem = error.problems[0]
        except OSError as exc:
            problem = _write_error(exc, output).problems[0]
        if problem is not None:
            store.forget_outputs(persist=True)
        store.clear_journal()
    _drop(output / STAGING)
    _drop(_fresh_folder(output))
    return problem


def known_outputs(output: Path, store: Store) -> dict[str, tuple[str, str]]:
    """What output/ holds, as the state records it (output path -> (digest, identity)), less any file
    that is not the very file the state recorded and does not hold its bytes either: changed by hand,
    deleted, or the whole folder restored from elsewhere. Each of those is written again.

    Without a state (the store was deleted or cannot be written) every file found is taken as unknown,
    so each is compared by writing it again and those the site no longer has are removed. Looked at
    once per Store, as `serve` writes output/ itself between rebuilds."""
    if store.outputs_verified:
        return store.outputs()
    if not (output / MARKER).is_file():
        store.forget_outputs()
    recorded = dict(store.outputs())
    folder = f"{output}/"
    for path, (made, known) in list(recorded.items()):
        try:
            status = os.lstat(folder + path)  # outputs are checked paths: a plain join is enough, and quicker
        except OSError:
            del recorded[path]
            continue
        if identity(status) != known:
            held = _digest_of_file(output / path, status)
            if held == made:
                recorded[path] = (made, identity(status))
            else:
                del recorded[path]
    store.outputs_intact = bool(recorded) and recorded.keys() == store.outputs().keys()
    if not recorded and output.is_dir():
        recorded.update((path, ("", "")) for path in present_files(output))
    store.outputs_verified = True
    return recorded


def _digest_of_file(path: Path, status: os.stat_result) -> str | None:
    """The digest of a plain file's bytes (never through a link), else None."""
    if not stat_kind.S_ISREG(status.st_mode):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return digest(handle.read()) if stat_kind.S_ISREG(os.fstat(fd).st_mode) else None


class Writer:
    """Stages the files of one build, then commits them with the state and applies them (finish)."""

    def __init__(self, output: Path, store: Store):
        self.output = output
        self.store = store
        self.previous = dict(known_outputs(output, store))
        # A link or a mount point cannot be replaced by a folder: such an output is written in place.
        self.fresh = (not self.previous and not _holds_files(output) and not output.is_symlink()
                      and not (output.exists() and os.path.ismount(output)))
        self.folder = _fresh_folder(output) if self.fresh else output / STAGING
        self.made: dict[str, tuple[str, str]] = {}  # output path -> (digest, identity) of every file of the site
        self.staged: list[tuple[str, str]] = []  # (name in staging, output path)
        self.committed = False
        self._dirs: set[Path] = set()
        self._names = 0  # staged files are named by number
        self._slots: dict[str, str] = {}  # output path -> the name in staging its slot holds

    def put(self, rel: str, data: bytes) -> bool:
        """Make `rel` hold `data`; True if that is a change (it is then staged)."""
        return self._put(rel, digest(data), lambda target: target.write_bytes(data))

    def copy(self, rel: str, source: Path, file_digest: str) -> bool:
        """Make `rel` a copy of `source`, whose bytes have `file_digest`; True if that is a change."""
        return self._put(rel, file_digest, lambda target: shutil.copyfile(source, target))

    def keep(self, rel: str) -> None:
        """`rel` was not made again: its inputs did not change, so the file output/ holds stays."""
        self.made[rel] = self.previous[rel]

    def holds(self, rel: str) -> bool:
        """Whether output/ holds `rel` as the state records it (a file found without a state is not known)."""
        return bool(self.previous.get(rel, ("",))[0])

    def slot(self, rel: str) -> Slot:
        """Where `rel`'s bytes go if they changed, for a process that makes and writes them itself
        (pages.render_pages); adopt() then takes what it made."""
        held = self._held(rel)
        try:
            target = self._target(rel)
        except OSError as exc:
            raise _write_error(exc, self.output) from None
        self._slots[rel] = target.name
        return Slot(rel, held[0] if held is not None else None, str(target))

    def adopt(self, made) -> None:
        """What pages.render_pages made of one page (pages.Made): written into its slot, or not when its
        bytes are the ones output/ holds."""
        if made.identity is None:
            self.made[made.path] = self.previous[made.path]
            return
        self.made[made.path] = (made.digest, made.identity)
        if not self.fresh:
            self.staged.append((self._slots[made.path], made.path))

    def _put(self, rel: str, made: str, write) -> bool:
        held = self._held(rel)
        if held is not None and held[0] == made:
            self.made[rel] = held
            return False
        try:
            target = self._target(rel)
            write(target)
            # A rename keeps the file's identity: it is the one the state records for output/.
            self.made[rel] = (made, identity(os.lstat(target)))
        except OSError as exc:
            raise _write_error(exc, self.output) from None
        if not self.fresh:
            self.staged.append((target.name, rel))
        return True

    def _held(self, rel: str) -> tuple[str, str] | None:
        """What output/ holds at `rel` (None: nothing known), once the path is found fit to write."""
        if not is_safe_relative(rel) or rel.split("/")[0] in (MARKER, STAGING):
            raise BuildError([Problem(rel, None, "would be written outside the output folder or over its records")])
        if rel in self.made or rel in self._slots:
            raise BuildError([Problem(rel, None, "is written twice: two inputs make the same output file",
                                      "rename one of them")])
        held = self.previous.get(rel)
        if held is not None and held[0] == "":  # a file found without a state: compared by its bytes
            held = self.previous[rel] = self._look_at(rel)
        return held

    def _target(self, rel: str) -> Path:
        """Where a new version of `rel` is written: its place in the fresh folder, or a new staged file."""
        if self.fresh:
            target = self.folder / rel
        else:
            target = self.folder / str(self._names)
            self._names += 1
        if target.parent not in self._dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        return target

    def _look_at(self, rel: str) -> tuple[str, str]:
        """(digest, identity) of a file output/ holds, read to compare it, not to trust it."""
        try:
            status = os.lstat(self.output / rel)
        except OSError:
            return ("", "")
        return (_digest_of_file(self.output / rel, status) or "", identity(status))

    def finish(self, changes: Changes) -> WriteSummary:
        """Commit the state with the journal of this write, then apply it (see the module's docstring)."""
        stale = sorted(self.previous.keys() - self.made.keys())
        # The state is brought to what output/ will hold; files found without it are recorded too.
        recorded = self.store.outputs()
        changes.outputs.update({rel: None for rel in recorded.keys() - self.made.keys()})
        changes.outputs.update({rel: value for rel, value in self.made.items() if recorded.get(rel) != value})
        if self.fresh:
            changes.journal = [(_RENAME_FRESH, "")]
        else:
            # New files first, so a changed page never links to a file not there yet; removals last.
            moves = sorted(self.staged, key=lambda move: move[1] in self.previous)
            if not (self.output / MARKER).is_file():  # lost, with the state, or never written
                moves.append((MARKER, MARKER))
            changes.journal = [*moves, *((None, rel) for rel in stale)]
        try:
            if self.fresh or (MARKER, MARKER) in changes.journal:
                self.folder.mkdir(parents=True, exist_ok=True)
                (self.folder / MARKER).write_text("Made by trendsite: its state is in .trendsite-cache/\n")
            self.store.commit(changes)  # the commit point
            self.committed = True
            try:
                problem = recover(self.output, self.store)
            except KeyboardInterrupt:
                recover(self.output, self.store)  # past the commit point the new site is the whole one
                raise
        except OSError as exc:
            raise _write_error(exc, self.output) from None
        if problem is not None:
            raise BuildError([problem])
        written = sorted(rel for rel, value in self.made.items() if self.previous.get(rel) != value)
        return WriteSummary(written=len(written), unchanged=len(self.made) - len(written), removed=len(stale),
                            changed=tuple(written), stale=tuple(stale))

    def abandon(self) -> None:
        """Throw away what was staged, if the build failed before its commit point."""
        if not self.committed:
            _drop(self.folder)


def _apply(output: Path, journal: list[tuple[str | None, str]]) -> None:
    if journal == [(_RENAME_FRESH, "")]:
        fresh = _fresh_folder(output)
        if fresh.is_dir():
            if output.is_dir() and not any(output.iterdir()):
                output.rmdir()
            os.replace(fresh, output)
        return
    staging = output / STAGING
    if staging.is_symlink():
        raise BuildError([Problem(str(staging), None, "is a link, which trendsite never writes through",
                                  "remove it; the next build writes the site again")])
    real_output = output.resolve()
    checked: set[Path] = set()  # folders already found inside output/: most moves share a few
    # Every move is checked before anything moves: a journal is applied whole or not at all. A move
    # takes a staged file (named by a number, or the marker) to a path inside output/.
    for name, rel in journal:
        records = rel.split("/")[0] in (MARKER, STAGING)  # trendsite's own: only the marker moves there
        if (name, rel) != (MARKER, MARKER) and (records or name is not None and not _STAGED_NAME.fullmatch(name)):
            raise BuildError([Problem(str(staging), None, f"the write in progress names {name!r} -> {rel!r}, "
                                      "which is not a file trendsite staged", "the next build writes the site again")])
    targets = [_inside(output, real_output, rel, checked) for _, rel in journal]
    for (name, rel), target in zip(journal, targets):
        if name is None:
            try:
                target.unlink()
            except FileNotFoundError:
                pass
            _remove_empty_parents(target, output)
            continue
        source = staging / name
        if not source.is_file() or source.is_symlink():
            continue  # moved before an interruption
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def _holds_files(output: Path) -> bool:
    """Whether output/ has anything in it: a folder trendsite made whose state the store lost."""
    return output.is_dir() and any(p.name != STAGING for p in output.iterdir())


def present_files(output: Path) -> set[str]:
    """Every file under output/ but trendsite's own records: what a build without state must account for."""
    found = set()
    for base, dirs, names in os.walk(output):
        dirs[:] = [d for d in dirs if not (base == str(output) and d == STAGING)]
        for name in names:
            rel = os.path.relpath(os.path.join(base, name), output).replace(os.sep, "/")
            if rel != MARKER:
                found.add(rel)
    return found


def _fresh_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.trendsite-new"


def _drop(folder: Path) -> None:
    """Remove a staging folder; a link or file put in its place is removed, never followed."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


def _write_error(exc: OSError, output: Path) -> BuildError:
    return BuildError([Problem(str(exc.filename or output), None, f"cannot be written: {exc.strerror or exc}",
                               "check the disk space and permissions; the previous site is unchanged "
                               "or will be repaired by the next build")])


def _inside(output: Path, real_output: Path, rel: str, checked: set[Path]) -> Path:
    # A folder inside output/ may be a link someone made; never write or delete through it.
    target = output / rel
    if not is_safe_relative(rel) or (target.parent not in checked
                                     and not target.parent.resolve().is_relative_to(real_output)):
        raise BuildError([Problem(str(target), None, "leads outside the output folder through a link",
                                  "remove the link from the output folder")])
    checked.add(target.parent)
    return target


def _remove_empty_parents(path: Path, stop: Path) -> None:
    folder = path.parent
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
