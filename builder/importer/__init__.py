"""`trendsite import hugo|jekyll|pelican SOURCE`: a site of another tool as trendsite reports and settings.

One module per tool reads its settings, posts and their old addresses (hugo.py, jekyll.py, pelican.py);
plan.py makes the files of the trendsite site from them, with fields.py (front matter), syntax.py
(shortcodes and Liquid) and links.py; this module writes them, never over a file that differs unless
forced, so an import can be run again; report.py says what was done and what a person must look at.
"""
from __future__ import annotations

import filecmp
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import CONFIG_FILE, OWN_CONFIG_FILE
from ..errors import BuildError, Problem
from . import hugo, jekyll, pelican
from .plan import ImportPlan, make_plan

TOOLS = {"hugo": hugo.read_site, "jekyll": jekyll.read_site, "pelican": pelican.read_site}


@dataclass
class Imported:
    """What an import did: its plan, and what became of each file."""

    tool: str
    source: Path
    root: Path
    plan: ImportPlan
    settings_from: list[str]
    skipped: list[str]
    settings_file: str | None  # the file the settings went to; None when pyproject.toml already has them
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # existing files that differ, left as they were


def import_site(tool: str, source: Path, root: Path, force: bool = False) -> Imported:
    """Import the `tool` site at `source` into the trendsite site at `root`."""
    if not source.is_dir():
        raise BuildError([Problem(str(source), None, "is not a folder", f"pass the folder of the {tool} site")])
    old = TOOLS[tool](source.resolve())
    plan = make_plan(old)
    project = root / CONFIG_FILE
    in_project = project.is_file() and "[tool.trendsite" in project.read_text("utf-8", "replace")
    done = Imported(tool=old.tool, source=source, root=root, plan=plan, settings_from=old.settings_used,
                    skipped=old.skipped, settings_file=None if in_project else OWN_CONFIG_FILE)
    plan.look[:0] = old.notes
    files: dict[str, str | Path] = {**plan.files, **plan.assets}
    if done.settings_file:
        files[done.settings_file] = settings_text(plan.settings, old.tool, old.settings_used)
    for path, what in sorted(files.items()):
        _write(root / path, what, path, force, done)
    return done


def settings_text(settings: dict[str, Any], tool: str, used: list[str]) -> str:
    """trendsite.toml with the settings the old site's gave; base_url left to fill in when it gave none."""
    lines = [f"# Made by `trendsite import` from the {tool} site's {', '.join(used) or 'defaults'}."]
    for key, value in settings.items():
        if key == "broken_links":
            lines.append("# Links of imported reports that need a look (see the import's report): set \"error\" "
                         "once they are fixed.")
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    if "base_url" not in settings:
        lines += ["# Fill in the address the site is published at: feeds, the sitemap and canonical links need it.",
                  '# base_url = "https://example.org/"']
    return "\n".join(lines) + "\n"


def _write(path: Path, what: str | Path, shown: str, force: bool, done: Imported) -> None:
    """Write text, or copy a file, to `path` unless a different file is there (and not `force`)."""
    if path.exists():
        same = (filecmp.cmp(what, path, shallow=False) if isinstance(what, Path)
                else path.read_bytes() == what.encode("utf-8"))
        if same:
            done.unchanged.append(shown)
            return
        if not force:
            done.kept.append(shown)
            return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(what, Path):
            shutil.copyfile(what, path)
        else:
            path.write_text(what, encoding="utf-8")
    except OSError as exc:
        raise BuildError([Problem(shown, None, f"cannot be written: {exc.strerror or exc}",
                                  f"check that {done.root} is a folder you may write to")]) from None
    done.written.append(shown)
