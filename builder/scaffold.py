"""`trendsite new`: a new report file with its front matter filled in."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Sequence

from .config import load_config, site_timezone
from .content import report_slug
from .errors import BuildError, Problem
from .frontmatter import parse_document
from .load import scan_content, site_above
from .model import SiteConfig
from .urls import slugify


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
