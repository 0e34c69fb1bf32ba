"""`trendsite new`: a new report file with its front matter filled in; `trendsite init`: a starter site."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Sequence

from .config import CONFIG_FILE, OWN_CONFIG_FILE, load_config, site_timezone
from .content import report_slug
from .errors import BuildError, Problem
from .frontmatter import parse_document
from .load import scan_content, site_above
from .model import SiteConfig
from .store import CACHE_DIR
from .urls import slugify

STARTER_CONFIG = """\
# The site's settings: every key is optional (see the README's "Site settings").
title = "Trend reports"
description = "Independent trend reports."
# Fill in the address the site is published at: feeds, the sitemap and canonical links need it.
# base_url = "https://example.org/"
language = "en"
author = ""

# Values of your own, for your templates: {{ site.extra.tagline }}
[extra]
tagline = "What changed, and why it matters."
"""
STARTER_IGNORE = f"""\
# What `trendsite build` writes: the site, its cache and the lock of the output folder.
/output/
/{CACHE_DIR}/
/.output.trendsite-lock
"""
STARTER_REPORT = "content/welcome.md"


def report_text(title: str, topics: Sequence[str], today: date) -> str:
    """The Markdown of a new report: front matter with empty summary and highlights, then a prompt."""
    # JSON strings are valid YAML double-quoted scalars, so any title or topic is quoted safely.
    tags = ", ".join(json.dumps(t, ensure_ascii=False) for t in topics)
    return (
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {today.isoformat()}\n"
        f"tags: [{tags}]\n"
        'summary: ""\n'
        "highlights: []\n"
        "---\n\n"
        "Write the report here.\n"
    )


def site_today(root: Path) -> date:
    """Today in the site's timezone, where report dates are read: by the machine's own date a new
    report could be dated in the site's future, and left out of the build until then."""
    try:
        zone = site_timezone(load_config(root))
    except BuildError:
        return date.today()  # the build names the settings problem
    return datetime.now(zone).date()


def create_report(root: Path, title: str, topics: Sequence[str], today: date) -> Path:
    """Create content/<slug>.md and return its path; never overwrites a file."""
    title = title.strip()
    slug = slugify(title)
    if not slug:
        raise BuildError([Problem("content", None, f"the title {title!r} gives no usable file name",
                                  "use a title with letters or digits")])
    path = root / "content" / f"{slug}.md"
    site = site_above(root) if not path.parent.is_dir() else None
    if site is not None:  # run from inside a site, say from content/: a content/ here would nest in it
        raise BuildError([Problem("content", None, f"no content/ folder here, and {root} is inside the site {site}",
                                  f"run trendsite new there, or pass --root {site}; "
                                  "to start a separate site here, create content/ first")])
    owner = _slug_owner(root, slug)
    if owner is not None and owner != path.name:
        raise BuildError([Problem(f"content/{owner}", None, f"already has the slug '{slug}', so a new report "
                                  "with that title would not build", "choose a different title, or edit that report")])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Mode "x" fails if the file exists, even if it appeared a moment ago.
        with path.open("x", encoding="utf-8") as file:
            file.write(report_text(title, [t.strip() for t in topics if t.strip()], today))
    except FileExistsError:
        if not path.parent.is_dir():
            raise BuildError([Problem("content", None, "is a file, not a folder",
                                      "rename that file, so that content/ can be the folder of reports")]) from None
        raise BuildError([Problem(f"content/{slug}.md", None, "already exists; it was left as it is",
                                  "edit that report, or choose a different title")]) from None
    except OSError as exc:
        raise BuildError([Problem(f"content/{slug}.md", None, f"cannot be written: {exc.strerror or exc}",
                                  "check that content/ is a folder you may write to")]) from None
    return path


def _slug_owner(root: Path, slug: str) -> str | None:
    """The content path of a report that already has `slug` (a folder's index.md, or a `slug:` field)."""
    try:
        limit = load_config(root).max_file_bytes
    except BuildError:
        limit = SiteConfig().max_file_bytes  # the build names the settings problem; a slug is still a slug
    for source in scan_content(root, limit, {}).read.values():
        document, _ = parse_document(source)
        if document is not None and report_slug(source.rel, document.meta) == slug:
            return source.rel
    return None


def starter_report(today: date) -> str:
    """The example report of a new site: every field a report may have, explained where it is."""
    return (
        "---\n"
        'title: "Welcome to your trend site"\n'
        f"date: {today.isoformat()}\n"
        "tags: [Getting started]\n"
        "summary: One or two sentences for cards, feeds and search results.\n"
        "highlights:\n"
        "  - Each report is one Markdown file in content/.\n"
        "  - Reports that share topics and words are shown under Explore more.\n"
        "---\n\n"
        "This is an example report: edit it, or delete it once you have written your own with\n"
        '`trendsite new "A title"`.\n\n'
        "## What to do next\n\n"
        "1. Fill in `base_url` in trendsite.toml.\n"
        "2. Run `trendsite serve` and open the address it prints.\n"
        "3. Run `trendsite build` to write the site into output/.\n"
    )


def init_site(folder: Path, today: date) -> tuple[list[str], list[str]]:
    """Write a starter site into `folder`: (the files written, the files left as they were, which
    are never overwritten)."""
    project = folder / CONFIG_FILE
    has_settings = project.is_file() and "[tool.trendsite" in project.read_text("utf-8", "replace")
    files = {".gitignore": STARTER_IGNORE, STARTER_REPORT: starter_report(today)}
    if not has_settings:  # settings in both files would be an error
        files[OWN_CONFIG_FILE] = STARTER_CONFIG
    written, kept = [], []
    for rel, text in files.items():
        path = folder / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as file:
                file.write(text)
        except FileExistsError:
            kept.append(rel)
            continue
        except OSError as exc:
            raise BuildError([Problem(rel, None, f"cannot be written: {exc.strerror or exc}",
                                      f"check that {folder} is a folder you may write to")]) from None
        written.append(rel)
    return written, kept
