"""Write the built site: only files whose bytes changed, stale files removed, nothing outside output/."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .errors import BuildError, Problem
from .urls import is_safe_relative

# Marks a folder as made by trendsite, and records what it holds so the next build can skip
# unchanged files and delete stale ones without reading the whole tree.
MANIFEST = ".trendsite-manifest.json"


@dataclass(frozen=True)
class WriteSummary:
    written: int
    unchanged: int
    removed: int


def digest(data: bytes) -> str:
    """A short content hash used to compare outputs."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def check_output_folder(output: Path, root: Path) -> None:
    """Refuse an output folder that trendsite did not make, or one that holds the site itself."""
    output = output.resolve()
    root = root.resolve()
    home = Path.home().resolve()
    protected = {root, root / "content", root / "templates", home, Path(output.anchor)}
    if output in protected or root.is_relative_to(output) or (root / "content").resolve().is_relative_to(output):
        raise BuildError([Problem(str(output), None, "cannot be the output folder: it holds the site or your files",
                                  "choose a new folder such as ./output")])
    if output.is_dir() and not (output / MANIFEST).is_file() and any(output.iterdir()):
        raise BuildError([Problem(str(output), None,
                                  "is not empty and was not made by trendsite, so it will not be overwritten",
                                  "empty it yourself, or choose another --output folder")])


def read_manifest(output: Path) -> dict[str, str]:
    """Output path -> digest from the previous build; an unreadable manifest means 'rewrite all'."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def write_site(output: Path, files: Mapping[str, bytes]) -> WriteSummary:
    """Make output/ hold exactly `files`, touching only those whose bytes changed."""
    for rel in files:
        if not is_safe_relative(rel):
            raise BuildError([Problem(rel, None, "would be written outside the output folder")])
    output.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(output)
    current: dict[str, str] = {}
    written = unchanged = 0
    for rel in sorted(files):
        data = files[rel]
        current[rel] = digest(data)
        target = output / rel
        if previous.get(rel) == current[rel] and target.is_file():
            unchanged += 1
            continue
        _atomic_write(target, data)
        written += 1
    removed = 0
    for rel in sorted(set(previous) - set(current)):
        if is_safe_relative(rel):
            try:
                (output / rel).unlink()
                removed += 1
            except FileNotFoundError:
                pass
            _remove_empty_parents(output / rel, output)
    _atomic_write(output / MANIFEST, json.dumps({"files": current}, sort_keys=True, indent=0).encode())
    return WriteSummary(written=written, unchanged=unchanged, removed=removed)


def _atomic_write(target: Path, data: bytes) -> None:
    # A reader (the dev server, a sync tool) sees the old file or the new one, never half of one.
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temp.write_bytes(data)
    os.replace(temp, target)


def _remove_empty_parents(path: Path, stop: Path) -> None:
    folder = path.parent
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
