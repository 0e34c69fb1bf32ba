"""Find the site's content files and read them, refusing anything outside the site root."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .model import Source

# Editors leave these beside real files: swap files, backups, lock files, OS litter.
_IGNORED_PREFIXES = (".", "_", "~", "#")
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".part", ".crdownload")


@dataclass(frozen=True)
class ContentTree:
    """What content/ holds: Markdown sources, asset files to publish as they are, and problems."""

    sources: tuple[Source, ...]
    assets: tuple[tuple[str, Path], ...]  # (path relative to content/, absolute path)
    problems: tuple[Problem, ...]


def is_ignored(name: str) -> bool:
    """Whether a file name is editor or OS litter rather than content."""
    return name.startswith(_IGNORED_PREFIXES) or name.endswith(_IGNORED_SUFFIXES)


# A file's identity and change stamps: while they are the same its bytes are taken to be the same.
Stamp = tuple[int, int, int, int]


def load_content(root: Path, max_file_bytes: int, known: dict[str, tuple[Stamp, Source]] | None = None
                 ) -> ContentTree:
    """Return every Markdown source and asset under root/content, in sorted order.

    `known` (kept by `serve`) maps a source's path to the stamp it had when read and the Source: a
    file whose stamp is unchanged is not read again. It is updated to this build's sources.
    """
    content = root / "content"
    if not content.is_dir():
        return ContentTree((), (), (Problem("content", None, "no content/ folder",
                                            "create it and add a report with `trendsite new`"),))
    real_root = content.resolve()
    sources, assets, problems = [], [], []
    seen: dict[str, tuple[Stamp, Source]] = {}
    for rel, path in _walk(content):
        shown = f"content/{rel}"
        # Walking does not follow links, so only a link can lead outside content/.
        if path.is_symlink() and not _inside(path, real_root):
            problems.append(Problem(shown, None, "is a link to something outside content/",
                                    "copy it into content/ instead of linking to it"))
            continue
        if path.is_dir():
            continue  # a link to a folder inside content/, whose files are read where they are
        if not rel.endswith(".md"):
            assets.append((rel, path))
            continue
        source = _read_source(path, rel, max_file_bytes, problems, seen, known or {})
        if source is not None:
            sources.append(source)
    if known is not None:
        known.clear()
        known.update(seen)
    return ContentTree(tuple(sources), tuple(assets), tuple(problems))


def read_source(root: Path, rel: str, max_file_bytes: int) -> tuple[Source | None, list[Problem]]:
    """Read one Markdown file under root/content (used when a single file changes)."""
    problems: list[Problem] = []
    source = _read_source(root / "content" / rel, rel, max_file_bytes, problems, {}, {})
    return source, problems


def _walk(content: Path):
    # os.walk with sorted names gives a deterministic order on every file system.
    for folder, dirs, files in os.walk(content, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        base = Path(folder)
        for name in dirs:
            if (base / name).is_symlink():
                yield (base / name).relative_to(content).as_posix(), base / name  # checked, never followed
        for name in sorted(files):
            if is_ignored(name):
                continue
            path = base / name
            yield path.relative_to(content).as_posix(), path


def _inside(path: Path, real_root: Path) -> bool:
    try:
        path.resolve().relative_to(real_root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _read_source(path: Path, rel: str, max_file_bytes: int, problems: list[Problem],
                 seen: dict[str, tuple[Stamp, Source]], known: dict[str, tuple[Stamp, Source]]) -> Source | None:
    shown = f"content/{rel}"
    try:
        stat = path.stat()
        size = stat.st_size
        if size > max_file_bytes:
            problems.append(Problem(shown, None, f"is {size:,} bytes, over the limit of {max_file_bytes:,}",
                                    "split the report, or raise max_file_bytes in [tool.trendsite]"))
            return None
        # ctime changes on every write and rename, and cannot be set back by a program.
        stamp = (stat.st_ino, size, stat.st_mtime_ns, stat.st_ctime_ns)
        remembered = known.get(rel)
        if remembered is not None and remembered[0] == stamp:
            seen[rel] = remembered
            return remembered[1]
        data = path.read_bytes()
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
