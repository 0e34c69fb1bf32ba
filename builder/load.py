"""Find the site's content files and read them, refusing anything outside the site root."""
from __future__ import annotations

import errno
import os
import posixpath
import stat as stat_kind
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterator

from .errors import Problem, warning
from .model import Source

# Editors leave these beside real files: swap files, backups, lock files, OS litter.
_IGNORED_PREFIXES = (".", "_", "~", "#")
_OTHER_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")  # compared in lower case: ".MD" too
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".part", ".crdownload")


@dataclass(frozen=True)
class ContentTree:
    """What content/ holds: Markdown sources, asset files to publish as they are, and problems."""

    sources: tuple[Source, ...]
    assets: tuple[tuple[str, Path], ...]  # (path relative to content/, absolute path)
    problems: tuple[Problem, ...]
    # No links and no source with a second name (a hard link): a source's bytes change only through
    # its own path, so a watcher's events name every change (see reload_content).
    plain: bool = False
    max_file_bytes: int = 0  # the limit the sources were read under


def is_ignored(name: str) -> bool:
    """Whether a file name is editor or OS litter rather than content."""
    return name.startswith(_IGNORED_PREFIXES) or name.endswith(_IGNORED_SUFFIXES)


# A file's identity and change stamps: while they are the same its bytes are taken to be the same.
Stamp = tuple[int, int, int, int]


def stamp_of(stat: os.stat_result) -> Stamp:
    """Identity, size, mtime and ctime: ctime changes on every write and rename, and cannot be set
    back by a program."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def load_content(root: Path, max_file_bytes: int, known: dict[str, tuple[Stamp, Source]] | None = None
                 ) -> ContentTree:
    """Return every Markdown source and asset under root/content, in sorted order.

    `known` (kept by `serve`) maps a source's path to the stamp it had when read and the Source: a
    file whose stamp is unchanged is not read again. It is updated to this build's sources.
    """
    content = root / "content"
    if not content.is_dir():
        site = site_above(root)
        hint = (f"it is inside the site {site}: run trendsite there, or pass --root {site}" if site
                else "create it and add a report with `trendsite new`")
        return ContentTree((), (), (Problem("content", None, f"no content/ folder in {root}", hint),))
    real_root = content.resolve()
    sources, assets, problems = [], [], []
    seen: dict[str, tuple[Stamp, Source]] = {}
    plain = True
    for rel, entry in _walk(str(content), problems):
        shown = f"content/{rel}"
        try:
            kind = entry.stat().st_mode  # through a link: what it leads to
        except OSError as exc:
            problems.append(_unreachable(shown, exc))
            continue
        # Walking does not follow links, so only a link can lead outside content/.
        if entry.is_symlink():
            plain = False
            if not _inside(Path(entry.path), real_root):
                problems.append(Problem(shown, None, "is a link to something outside content/",
                                        "copy it into content/ instead of linking to it"))
                continue
            if stat_kind.S_ISDIR(kind):
                continue  # a link to a folder inside content/, whose files are read where they are
        if not stat_kind.S_ISREG(kind):
            # Never opened: reading a FIFO waits for a writer forever, and opening a device can act on it.
            problems.append(warning(shown, None, f"is {_KINDS.get(stat_kind.S_IFMT(kind), 'not a file')}, "
                                    "not a file, so it is left out", "remove it from content/"))
            continue
        if not rel.endswith(".md"):
            stem, suffix = posixpath.splitext(rel)
            if suffix.lower() in _OTHER_MARKDOWN:
                # Published as a plain file, the report (draft or not) would be readable as its source.
                problems.append(Problem(shown, None, "is Markdown, but only files ending in .md are reports",
                                        f"rename it to {posixpath.basename(stem)}.md"))
                continue
            assets.append((rel, Path(entry.path)))
            continue
        source = _read_source(entry, rel, max_file_bytes, problems, seen, known or {})
        if source is not None:
            sources.append(source)
            plain = plain and entry.stat().st_nlink == 1  # the entry keeps the stat _read_source took
    if known is not None:
        known.clear()
        known.update(seen)
    return ContentTree(tuple(sources), tuple(assets), tuple(problems), plain, max_file_bytes)


def site_above(folder: Path) -> Path | None:
    """The nearest folder above `folder` holding content/: the site of someone working in its subfolder."""
    return next((parent for parent in folder.resolve().parents if (parent / "content").is_dir()), None)


def reload_content(root: Path, tree: ContentTree, touched: Collection[str],
                   known: dict[str, tuple[Stamp, Source]]) -> ContentTree | None:
    """`tree` with the `touched` sources read again, or None when content/ must be walked instead.

    For `serve`, whose watcher names every path changed since `tree` was loaded: a 10,000-report
    walk costs a stat a file, where an edit touches one. Only edits qualify, each of a source of a
    plain tree (see ContentTree) that is still a file of one name; a file created, deleted or
    renamed, a folder, an asset, a link or a problem needs the walk. `known` is updated as by
    load_content.
    """
    if not tree.plain or tree.problems or any(rel not in known for rel in touched):
        return None
    problems: list[Problem] = []
    fresh: dict[str, tuple[Stamp, Source]] = {}
    for rel in touched:
        path = root / "content" / rel
        try:
            status = os.lstat(path)
        except OSError:
            return None
        if not stat_kind.S_ISREG(status.st_mode) or status.st_nlink != 1:
            return None
        if _read_source(path, rel, tree.max_file_bytes, problems, fresh, {}) is None:
            return None  # the walk reports the problem, with every other
    known.update(fresh)
    return ContentTree(tuple(fresh[s.rel][1] if s.rel in fresh else s for s in tree.sources), tree.assets, (),
                       True, tree.max_file_bytes)


_KINDS = {stat_kind.S_IFIFO: "a named pipe (FIFO)", stat_kind.S_IFSOCK: "a socket", stat_kind.S_IFCHR: "a device",
          stat_kind.S_IFBLK: "a device"}


def _unreachable(shown: str, exc: OSError) -> Problem:
    """The problem of a path that cannot be looked at: a link leading nowhere or in a loop, or no permission."""
    if exc.errno == errno.ENOENT:
        return Problem(shown, None, "is a link to something that does not exist",
                       "remove the link, or make it lead to a file in content/")
    if exc.errno == errno.ELOOP:
        return Problem(shown, None, "is a link that leads back to itself through other links",
                       "remove the link, or make it lead to a file in content/")
    return Problem(shown, None, f"cannot be read: {exc.strerror or exc}",
                   "let trendsite read it (check its permissions), or move it out of content/")


def read_file(path: str | Path) -> bytes:
    """The bytes of a regular file; OSError for anything else, which is never opened."""
    if not stat_kind.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    # Not blocking, and checked again once open: a FIFO put in its place meanwhile is not waited on.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    with os.fdopen(fd, "rb") as handle:
        if not stat_kind.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return handle.read()


def _walk(folder: str, problems: list[Problem], prefix: str = "") -> Iterator[tuple[str, os.DirEntry]]:
    """(path relative to content/, entry) of everything but folders, links to folders included, in a
    deterministic order: a folder's links to folders, its files, then its subfolders, each by name.
    Links are not followed. Entries, not paths: their type comes from the folder listing, no stat needed.
    A folder that cannot be listed is a problem: its reports are not gone, and their pages must stay."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not is_ignored(e.name)), key=lambda e: e.name)
    except OSError as exc:
        problems.append(_unreachable(f"content/{prefix}".rstrip("/"), exc))
        return
    folders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry)
        elif entry.is_symlink() and _leads_to_folder(entry):
            yield prefix + entry.name, entry
    for entry in entries:
        if not _leads_to_folder(entry):
            yield prefix + entry.name, entry
    for entry in folders:
        yield from _walk(entry.path, problems, f"{prefix}{entry.name}/")


def _leads_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a loop of links: reported as the file it seems to be
        return False


def _inside(path: Path, real_root: Path) -> bool:
    try:
        path.resolve().relative_to(real_root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _read_source(file: Path | os.DirEntry, rel: str, max_file_bytes: int, problems: list[Problem],
                 seen: dict[str, tuple[Stamp, Source]], known: dict[str, tuple[Stamp, Source]]) -> Source | None:
    shown = f"content/{rel}"
    try:
        stat = file.stat()
        size = stat.st_size
        if size > max_file_bytes:
            problems.append(Problem(shown, None, f"is {size:,} bytes, over the limit of {max_file_bytes:,}",
                                    "split the report, or raise max_file_bytes in [tool.trendsite]"))
            return None
        stamp = stamp_of(stat)
        remembered = known.get(rel)
        if remembered is not None and remembered[0] == stamp:
            seen[rel] = remembered
            return remembered[1]
        path = Path(file)
        data = read_file(path)
    except OSError as exc:
        problems.append(Problem(shown, None, f"cannot be read: {exc.strerror or exc}"))
        return None
    try:
        # utf-8-sig drops a byte-order mark that some Windows editors add.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, f"is not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                                "save the file as UTF-8 in your editor"))
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    seen[rel] = (stamp, Source(path=path, rel=rel, text=text))
    return seen[rel][1]
