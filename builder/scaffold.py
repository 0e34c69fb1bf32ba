"""`trendsite new`: a new report file with its front matter filled in."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Sequence

from .errors import BuildError, Problem
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


def create_report(root: Path, title: str, topics: Sequence[str], today: date) -> Path:
    """Create content/<slug>.md and return its path; never overwrites a file."""
    title = title.strip()
    slug = slugify(title)
    if not slug:
        raise BuildError([Problem("content", None, f"the title {title!r} gives no usable file name",
                                  "use a title with letters or digits")])
    path = root / "content" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Mode "x" fails if the file exists, even if it appeared a moment ago.
        with path.open("x", encoding="utf-8") as file:
            file.write(report_text(title, [t.strip() for t in topics if t.strip()], today))
    except FileExistsError:
        raise BuildError([Problem(f"content/{slug}.md", None, "already exists; it was left as it is",
                                  "edit that report, or choose a different title")]) from None
    return path
