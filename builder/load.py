"""Find the site's content files and read them, refusing anything outside the site root."""
from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import stat as stat_kind
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from .errors import Problem, warning
from .model import Source

# Editors leave these beside real files: swap files, backups, lock files, OS litter.
_IGNORED_PREFIXES = (".", "_", "~", "#")
_OTHER_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")  # compared in lower case: ".MD" too
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".part", ".crdownload")


@dataclass(frozen=True)
class ContentFile:
    """One file of content/ as the last build saw it, or as this scan found it."""

    rel: str  # POSIX path relative to content/
    stamp: str  # identity, size and change times: while they are the same its bytes are taken to be the same
    digest: str  # of its bytes


@dataclass(frozen=True)
class ContentScan:
    """What content/ holds now: every file with its stamp and digest, the sources whose text was read
    (new or changed since `known`), and problems."""

    sources: dict[str, ContentFile]  # Markdown reports, by path relative to content/
    assets: dict[str, ContentFile]  # files beside them, published as they are
    read: dict[str, Source]  # the sources read by this scan: new, changed, or every one when asked
    problems: tuple[Problem, ...]


def is_ignored(name: str) -> bool:
    """Whether a file name is editor or OS litter rather than content."""
    return name.startswith(_IGNORED_PREFIXES) or name.endswith(_IGNORED_SUFFIXES)


# A file changed this recently may change again within the same tick of the file system's clock,
# keeping its stamp (git's "racily clean" files): its stamp is marked so that it never matches, and
# the next scan reads it again. Two seconds covers the coarsest clocks (FAT's).
RACY_NS = 2_000_000_000
RACY = ":racy"  # the end of a stamp taken too soon after its file was written to be trusted


def stamp_of(stat: os.stat_result, scanned_ns: int | None = None) -> str:
    """Identity, size, mtime and ctime: ctime changes on every write and rename, and cannot be set
    back by a program. Marked racy when changed less than RACY_NS before `scanned_ns`."""
    stamp = f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"
    recent = scanned_ns is not None and scanned_ns - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_NS
    return stamp + RACY if recent else stamp


def scan_content(root: Path, max_file_bytes: int, known: Mapping[str, tuple[str, str]], read_all: bool = False
                 ) -> ContentScan:
    """Every source and asset under root/content in sorted order, reading only what changed.

    `known` maps a path relative to content/ to the (stamp, digest) it had at the last build: a file
    whose stamp is the same is not read again, unless `read_all` (the settings changed, so every
    report is made again).
    """
    content = root / "content"
    if not content.is_dir():
        site = site_above(root)
        hint = (f"it is inside the site {site}: run trendsite there, or pass --root {site}" if site
                else "create it and add a report with `trendsite new`")
        return ContentScan({}, {}, {}, (Problem("content", None, f"no content/ folder in {root}", hint),))
    real_root = content.resolve()
    scanned_ns = time.time_ns()
    sources: dict[str, ContentFile] = {}
    assets: dict[str, ContentFile] = {}
    read: dict[str, Source] = {}
    problems: list[Problem] = []
    for rel, entry in _walk(str(content), problems):
        shown = f"content/{rel}"
        named = _name_problem(shown, rel)
        if named is not None:
            problems.append(named)
            continue
        try:
            stat = entry.stat()  # through a link: what it leads to
        except OSError as exc:
            problems.append(_unreachable(shown, exc))
            continue
        # Walking does not follow links, so only a link can lead outside content/.
        if entry.is_symlink():
            if not _inside(Path(entry.path), real_root):
                problems.append(Problem(shown, None, "is a link to something outside content/",
                                        "copy it into content/ instead of linking to it"))
                continue
            if stat_kind.S_ISDIR(stat.st_mode):
                continue  # a link to a folder inside content/, whose files are read where they are
        if not stat_kind.S_ISREG(stat.st_mode):
            # Never opened: reading a FIFO waits for a writer forever, and opening a device can act on it.
            problems.append(warning(shown, None, f"is {_KINDS.get(stat_kind.S_IFMT(stat.st_mode), 'not a file')}, "
                                    "not a file, so it is left out", "remove it from content/"))
            continue
        stamp = stamp_of(stat, scanned_ns)
        last = known.get(rel)
        if last is not None and last[0].endswith(RACY):
            last = None  # recorded while it could still change unseen: read it again
        if not rel.endswith(".md"):
            stem, suffix = posixpath.splitext(rel)
            if suffix.lower() in _OTHER_MARKDOWN:
                # Published as a plain file, the report (draft or not) would be readable as its source.
                problems.append(Problem(shown, None, "is Markdown, but only files ending in .md are reports",
                                        f"rename it to {posixpath.basename(stem)}.md"))
                continue
            if last is not None and last[0] == stamp:
                assets[rel] = ContentFile(rel, stamp, last[1])
                continue
            try:
                assets[rel] = ContentFile(rel, stamp, file_digest(Path(entry.path)))
            except OSError as exc:
                problems.append(_unreachable(shown, exc))
            continue
        if stat.st_size > max_file_bytes:
            problems.append(Problem(shown, None, f"is {stat.st_size:,} bytes, over the limit of {max_file_bytes:,}",
                                    "split the report, or raise max_file_bytes in [tool.trendsite]"))
            continue
        if last is not None and last[0] == stamp and not read_all:
            sources[rel] = ContentFile(rel, stamp, last[1])
            continue
        source = _read_source(Path(entry.path), rel, problems)
        if source is not None:
            sources[rel] = ContentFile(rel, stamp, digest_text(source.text))
            read[rel] = source
    return ContentScan(sources, assets, read, tuple(problems))


def file_digest(path: Path) -> str:
    """A digest of a regular file's bytes, read in pieces: a file beside a report may be a large video."""
    h = hashlib.blake2b(digest_size=16)
    with _open_file(path) as handle:
        while chunk := handle.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def read_file(path: str | Path) -> bytes:
    """The bytes of a regular file; OSError for anything else, which is never opened."""
    with _open_file(path) as handle:
        return handle.read()


def _open_file(path: str | Path):
    if not stat_kind.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    # Not blocking, and checked again once open: a FIFO put in its place meanwhile is not waited on.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    handle = os.fdopen(fd, "rb")
    if not stat_kind.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return handle


def _name_problem(shown: str, rel: str) -> Problem | None:
    """What keeps a file's name from being a web address and a record of the store, if anything."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:  # bytes os.fsdecode kept as lone surrogates
        return Problem(shown.encode("utf-8", "replace").decode("utf-8"), None, "has a name that is not UTF-8",
                       "rename it: web addresses and the build's records are UTF-8")
    if "\\" in rel:
        return Problem(shown, None, "has a backslash in its name, which browsers read as '/' in an address",
                       "rename it without the backslash")
    return None


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


def digest_text(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class ReportFiles:
    """The files beside one report that its Markdown reads (a chart's data, say), read only from inside
    content/ and recorded with their digests: the report's entry depends on them as on its own text."""

    def __init__(self, content: Path, rel: str):
        self._content = content
        self._folder = posixpath.dirname(rel)
        self.read: dict[str, str] = {}  # path in content/ -> digest of the bytes read, "" if there was no file

    def path_of(self, target: str) -> str:
        """The path in content/ a link written in the report names; ValueError if it leads outside."""
        path = posixpath.normpath(posixpath.join(self._folder, target))
        if target.startswith("/") or not path or path == ".." or path.startswith("../") or "\0" in path:
            raise ValueError(f"{target!r} is outside the content folder")
        return path

    def bytes_of(self, target: str) -> bytes:
        """The bytes of the file `target` names, relative to the report; OSError or ValueError if it cannot
        be read (outside content/, missing, not a regular file, or reached through a link that leads out)."""
        path = self.path_of(target)
        real = (self._content / path).resolve()
        if not real.is_relative_to(self._content.resolve()):
            raise ValueError(f"{target!r} leads outside the content folder")
        try:
            data = read_file(self._content / path)
        except FileNotFoundError:
            self.read[path] = ""  # what the report shows changes when the file comes
            raise
        self.read[path] = hashlib.blake2b(data, digest_size=16).hexdigest()
        return data


def site_above(folder: Path) -> Path | None:
    """The nearest folder above `folder` holding content/: the site of someone working in its subfolder."""
    return next((parent for parent in folder.resolve().parents if (parent / "content").is_dir()), None)


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


def read_source(root: Path, rel: str, problems: list[Problem]) -> Source | None:
    """content/<rel> read as a report's Markdown; None, with a problem, when it cannot be."""
    return _read_source(root / "content" / rel, rel, problems)


def _read_source(path: Path, rel: str, problems: list[Problem]) -> Source | None:
    shown = f"content/{rel}"
    try:
        data = read_file(path)
    except OSError as exc:
        problems.append(_unreachable(shown, exc))
        return None
    try:
        # utf-8-sig drops a byte-order mark that some Windows editors add.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, f"is not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                                "save the file as UTF-8 in your editor"))
        return None
    return Source(path=path, rel=rel, text=text.replace("\r\n", "\n").replace("\r", "\n"))
