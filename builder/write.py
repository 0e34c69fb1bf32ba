"""Write the built site: only files whose bytes changed, stale files removed, nothing outside output/.

How a build stays safe to kill. Every byte is rendered in memory before this module runs, so the
only window is the apply phase here, and it is journaled:

1. stage: changed files go into output/.trendsite-staging/ (the live site is not touched);
2. commit: a journal listing every move and removal is renamed into place, atomically;
3. apply: staged files are renamed over their targets, stale files removed, then the manifest;
4. the staging folder (journal included) is removed.

Killed before the commit, output/ is the previous site untouched and the next build throws the
staging folder away; killed after it, the next build finishes the journal before doing anything
else. A journal that names anything outside the staging folder or output/, or that cannot be
applied, is thrown away instead: the manifest is replaced last, so the old one still describes
every file the journal did not get to. Every file is replaced by rename, so no reader ever sees half
a file, and new files land before changed pages that may link to them, stale files go last.

What the manifest claims, and when it is checked. For each file it records the digest of the bytes
trendsite wrote and the identity of the file they were written to (inode, size, mtime, taken from
the written file itself, which a rename does not change). A build trusts a claim only while the
file in output/ still has that identity; any other file is compared by its bytes, and written again
if they differ. So whatever another process does to output/ (a second build that slipped past the
lock, a sync, a hand edit), no claim stands for a file it does not describe.

Why not build a whole new tree and swap it in: the new tree must hold the unchanged files too.
Hard-linking 20,000 files into a staging tree took 0.76 s and removing the old tree 1.2 s on our
machine (benchmarks/, see the issue 6 report), for every build, even a one-word edit. The journal
costs one small file plus work proportional to what changed, and unchanged files keep their mtimes.
We guard against the process dying, not the machine: no fsync, which would cost milliseconds a file.

A first build (output/ missing or empty) has no previous site to protect, so it skips the journal:
it writes each file once into a fresh sibling folder and renames that into place at the end, which
halves the filesystem operations of a cold build (34,000 files at 10,000 reports). Killed midway, it
leaves output/ as it was and a sibling folder that the next first build throws away.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import shutil
import stat as stat_kind
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Callable, Collection, Iterable, Mapping

from .errors import BuildError, Problem
from .urls import is_safe_relative

# Marks a folder as made by trendsite, and records what it holds so the next build can skip
# unchanged files and delete stale ones without reading the whole tree.
MANIFEST = ".trendsite-manifest.json"
STAGING = ".trendsite-staging"
JOURNAL = "journal.json"
_STAGED_NAME = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class WriteSummary:
    written: int
    unchanged: int
    removed: int
    # Output path -> record (see record): the manifest output/ now holds, so `serve` need not read it back.
    manifest: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    changed: tuple[str, ...] = field(default=(), compare=False, repr=False)  # the paths written, in order
    stale: tuple[str, ...] = field(default=(), compare=False, repr=False)  # the paths removed


def digest(data: bytes) -> str:
    """A short content hash used to compare outputs."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def record(data_digest: str, written: os.stat_result) -> str:
    """A manifest entry: the digest of the bytes written and the identity of the file they went into."""
    return f"{data_digest} {written.st_ino}:{written.st_size}:{written.st_mtime_ns}"


def _digest_of(entry: str | None) -> str | None:
    return entry.partition(" ")[0] if entry is not None else None


def _identity(status: os.stat_result) -> str:
    return f"{status.st_ino}:{status.st_size}:{status.st_mtime_ns}"


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
    ours = (output / MANIFEST).is_file() or (output / STAGING).is_dir()
    if output.is_dir() and not ours and any(output.iterdir()):
        raise BuildError([Problem(str(output), None,
                                  "is not empty and was not made by trendsite, so it will not be overwritten",
                                  "empty it yourself, or choose another --output folder")])


def read_manifest(output: Path) -> dict[str, str]:
    """Output path -> record (see record) from the previous build; an unreadable manifest means 'compare all'."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def manifest_digest(output: Path) -> str:
    """A digest of output/'s manifest as it is on disk; "" when there is none."""
    try:
        return digest((output / MANIFEST).read_bytes())
    except OSError:
        return ""


def write_site(output: Path, files: Mapping[str, bytes], kept: Collection[str] = (),
               manifest: Callable[[Path], Mapping[str, str]] | None = None,
               present: Callable[[str], bool] | None = None, text: ManifestText | None = None) -> WriteSummary:
    """Make output/ hold exactly `files` and `kept`, touching only files whose bytes changed.

    `kept` are output paths the build did not re-render because their inputs did not change: the
    file from the previous build stays, with its manifest entry. Each value of `files` is read
    once, in path order, and staged at once if it changed, so `files` may make its bytes on
    demand and a build need not hold the whole site in memory. `manifest` reads the previous
    build's manifest (read_manifest, or a copy kept in memory); `present` tells whether a file
    of output/ is the one its manifest entry describes (on_disk, by default); `text` encodes the
    new manifest, kept from build to build by `serve` (see ManifestText).
    """
    for rel in files:
        if not is_safe_relative(rel) or rel == MANIFEST or rel.split("/")[0] == STAGING:
            raise BuildError([Problem(rel, None, "would be written outside the output folder or over its records")])
    try:
        fresh = _fresh_folder(output)
        if fresh is not None:
            return _write_fresh(output, fresh, files)
        output.mkdir(parents=True, exist_ok=True)
        recover(output)
        previous = (manifest or read_manifest)(output)
        exists = present or on_disk(output, previous)
        made: dict[str, str] = {}
        staged: list[list[str]] = []  # [name in staging, output path], in the order they were staged
        try:
            for rel in sorted(files):
                data = files[rel]
                data_digest = digest(data)
                if _digest_of(previous.get(rel)) == data_digest and exists(rel):
                    made[rel] = previous[rel]
                elif (same := _holding(output / rel, data)) is not None:
                    made[rel] = record(data_digest, same)  # the claim was lost, not the file
                else:
                    made[rel] = record(data_digest, _stage_file(output, staged, rel, data))
            # Set operations rather than a loop: a warm rebuild keeps nearly every file of the site.
            gone = (previous.keys() - made.keys()).difference(kept)
            current = dict(previous)
            for rel in gone:
                del current[rel]
            current.update(made)
            stale = sorted(rel for rel in gone if is_safe_relative(rel))
            if staged or gone or current != previous:
                # New files first, so a changed page never links to a file not there yet.
                staged.sort(key=lambda move: move[1] in previous)
                _commit(output, staged, stale, text(current, made) if text else _manifest_json(current))
                _finish(output)
        except (KeyboardInterrupt, BuildError):
            # Ctrl-C, or a page that fails to render while staging: leave a whole site, the new one
            # if the journal was committed, else the old one.
            recover(output)
            raise
    except OSError as exc:
        raise BuildError([Problem(str(exc.filename or output), None, f"cannot be written: {exc.strerror or exc}",
                                  "check the disk space and permissions; the previous site is unchanged "
                                  "or will be repaired by the next build")]) from None
    return WriteSummary(written=len(staged), unchanged=len(current) - len(staged), removed=len(stale),
                        manifest=current, changed=tuple(sorted(rel for _, rel in staged)), stale=tuple(stale))


def _fresh_folder(output: Path) -> Path | None:
    """The sibling folder a first build writes into, made empty; None when output/ is not a plain
    missing or empty folder on the same disk as its parent, or the parent cannot be written to."""
    if output.is_symlink() or (output.exists() and (os.path.ismount(output) or any(output.iterdir()))):
        return None
    fresh = output.parent / f".{output.name}.trendsite-new"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if fresh.is_dir() and not fresh.is_symlink():
            shutil.rmtree(fresh)  # left by a first build that was killed
        fresh.mkdir()
    except OSError:
        return None
    return fresh


def _write_fresh(output: Path, fresh: Path, files: Mapping[str, bytes]) -> WriteSummary:
    """Write every file once into `fresh`, then rename it over the missing or empty output/."""
    current: dict[str, str] = {}
    folders = {fresh}
    try:
        for rel in sorted(files):
            data = files[rel]
            target = fresh / rel
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            target.write_bytes(data)
            current[rel] = record(digest(data), os.lstat(target))
        (fresh / MANIFEST).write_text(_manifest_json(current), encoding="utf-8")
        os.replace(fresh, output)  # an empty folder is replaced atomically; a non-empty one raises
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return WriteSummary(written=len(current), unchanged=0, removed=0, manifest=current, changed=tuple(current))


def on_disk(output: Path, manifest: Mapping[str, str]) -> Callable[[str], bool]:
    """Whether a file of output/ is there and is the very file its `manifest` entry was written to, by
    its output path, looked at on disk."""
    def intact(rel: str) -> bool:
        try:
            status = os.lstat(os.path.join(output, rel))
        except OSError:
            return False
        entry = manifest.get(rel, "")
        return stat_kind.S_ISREG(status.st_mode) and entry.partition(" ")[2] == _identity(status)
    return intact


def _holding(path: Path, data: bytes) -> os.stat_result | None:
    """The status of the file at `path` when it is a plain file that holds `data` (read through the same
    descriptor, so the status is of the file compared), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if not stat_kind.S_ISREG(status.st_mode) or status.st_size != len(data):
            return None
        return status if handle.read() == data else None


def _manifest_json(files: Mapping[str, str]) -> str:
    # Compact: any indent makes json use its pure-Python encoder, ten times slower on 30,000 entries.
    return json.dumps({"files": files}, sort_keys=True, separators=(",", ":"))


class ManifestText:
    """_manifest_json(files), made from the last call's entries where `files` differs from the last
    call's only at `changed` paths and at paths added or removed: just those entries are encoded,
    put in or taken out. At 10,000 reports the manifest holds 27,000 entries, 15-20 ms to encode
    afresh; a warm rebuild changes a few dozen (search shards are renamed by their content)."""

    def __init__(self) -> None:
        self._files: dict[str, str] = {}  # what the last call encoded
        self._paths: list[str] = []  # sorted
        self._entries: list[str] = []  # '"path":"digest"', in the order of _paths

    def __call__(self, files: Mapping[str, str], changed: Iterable[str]) -> str:
        last = self._files
        added, removed = files.keys() - last.keys(), last.keys() - files.keys()
        changed = [path for path in changed if path in files and path not in added]
        expected = dict(last)
        for path in removed:
            del expected[path]
        expected.update((path, files[path]) for path in (*changed, *added))
        # Each path put in or taken out moves the list's tail; past a few dozen, sorting afresh is as quick.
        if expected == files and len(added) + len(removed) < 100:
            paths, entries = self._paths, self._entries
            for path in removed:
                at = bisect.bisect_left(paths, path)
                del paths[at], entries[at]
            for path in added:
                at = bisect.bisect_left(paths, path)
                paths.insert(at, path)
                entries.insert(at, _entry(path, files[path]))
            for path in changed:
                entries[bisect.bisect_left(paths, path)] = _entry(path, files[path])
        else:
            self._paths = sorted(files)
            self._entries = list(map(_entry, self._paths, map(files.__getitem__, self._paths)))
        self._files = dict(files)
        return '{"files":{' + ",".join(self._entries) + "}}"


def _entry(path: str, digest: str) -> str:
    # The string encoder json.dumps uses.
    return f"{encode_basestring_ascii(path)}:{encode_basestring_ascii(digest)}"


def recover(output: Path) -> None:
    """Finish a committed write that was interrupted, or drop an uncommitted one; a journal that is not
    trendsite's own or cannot be applied is dropped, and the build that calls this repairs what it left."""
    try:
        _finish(output)
    except (OSError, BuildError):
        pass


def _finish(output: Path) -> None:
    """Apply the committed journal, if any and trusted, then remove the staging folder whatever happens."""
    staging = output / STAGING
    if not staging.is_dir() or staging.is_symlink():
        _drop(staging)
        return
    try:
        journal = _trusted_journal(staging)
        if journal is not None:
            _apply(output, staging, journal)
    except Exception:
        # Dropped, not retried by every later build: the manifest still describes what it did not do.
        # (Interrupted instead, it is kept for the caller or the next build to finish.)
        _drop(staging)
        raise
    _drop(staging)


def _drop(staging: Path) -> None:
    """Remove the staging folder; a link put in its place is removed, never followed."""
    if staging.is_symlink() or staging.is_file():
        staging.unlink()
    elif staging.is_dir():
        shutil.rmtree(staging)


def _trusted_journal(staging: Path) -> dict | None:
    """The committed journal, or None when there is none (never committed: the live site was not touched)
    or it names anything but staged files and paths inside output/."""
    try:
        journal = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
        moves, remove = journal["moves"], journal["remove"]
        trusted = all(isinstance(name, str) and _STAGED_NAME.fullmatch(name) and _publishable(rel)
                      and (not os.path.lexists(staging / name) or _plain_file(staging / name)) for name, rel in moves) \
            and all(_publishable(rel) for rel in remove)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return journal if trusted else None


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _publishable(rel: object) -> bool:
    """Whether a path is one a build writes: inside output/ and not over trendsite's own records."""
    return isinstance(rel, str) and is_safe_relative(rel) and rel != MANIFEST and rel.split("/")[0] != STAGING


def _stage_file(output: Path, staged: list[list[str]], rel: str, data: bytes) -> os.stat_result:
    """Write `data` into the staging folder, to be moved to `rel`; the status of the written file."""
    staging = output / STAGING
    if not staged:
        _drop(staging)
        staging.mkdir()
    name = str(len(staged))
    (staging / name).write_bytes(data)
    staged.append([name, rel])
    return os.lstat(staging / name)


def _commit(output: Path, staged: list[list[str]], stale: list[str], manifest_json: str) -> None:
    staging = output / STAGING
    staging.mkdir(exist_ok=True)  # nothing staged when the build only removes files or records
    (staging / MANIFEST).write_text(manifest_json, encoding="utf-8")  # applied last (see _apply)
    journal = json.dumps({"moves": staged, "remove": stale})
    (staging / f"{JOURNAL}.tmp").write_text(journal, encoding="utf-8")
    os.replace(staging / f"{JOURNAL}.tmp", staging / JOURNAL)  # the commit point


def _apply(output: Path, staging: Path, journal: dict) -> None:
    real_output = output.resolve()
    checked: set[Path] = set()  # folders already found inside output/: most moves share a few
    made: set[Path] = set()
    for name, rel in journal["moves"]:
        source = staging / name
        if not source.exists():
            continue  # moved before the interruption
        target = _inside(output, real_output, rel, checked)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        os.replace(source, target)
    for rel in journal["remove"]:
        target = _inside(output, real_output, rel, checked)
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        _remove_empty_parents(target, output)
    # Last: until it is in place, the old manifest describes every file not yet moved or removed.
    if (staging / MANIFEST).is_file():
        os.replace(staging / MANIFEST, output / MANIFEST)


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
