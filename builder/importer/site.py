"""A site of another tool as the importer reads it: settings, posts with their old addresses, what it left."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..config import base_url_error
from ..errors import BuildError, Problem
from .fields import lower_keys
from .headers import Split, split_front_matter

MARKDOWN = (".md", ".markdown", ".mdown")
# Markup of pages other than Markdown: listed for a person to convert.
OTHER_MARKUP = (".html", ".htm", ".adoc", ".asciidoc", ".rst", ".org", ".pandoc", ".pdc", ".textile")


@dataclass
class OldPost:
    """One post of the old site, read: what becomes a report."""

    source: Path  # absolute
    shown: str  # its path in the old site, for messages
    meta: dict[str, Any]  # front matter, keys in lower case
    body: str
    target: str  # where it goes in content/: "posts/a.md", "posts/bundle/index.md"
    title: str
    date: datetime
    draft: bool = False
    old_url: str | None = None  # its address in the old site, from the site's root: becomes an alias
    aliases: list[str] = field(default_factory=list)  # other old addresses it answered to
    topics: list[str] = field(default_factory=list)  # topics its place gave it (Jekyll's and Pelican's folders)
    slug: str | None = None  # the slug trendsite should give it, when its file name would not
    bundle: Path | None = None  # a Hugo page bundle's folder: its files go with it
    notes: list[str] = field(default_factory=list)  # what a person should look at


@dataclass
class OldSite:
    """What the importer read of a site of another tool."""

    tool: str  # "Hugo", "Jekyll" or "Pelican"
    root: Path
    content_root: Path  # where the place of a file in content/ is measured from
    static_roots: list[Path]  # folders the old site published at its root
    settings: dict[str, Any]  # trendsite settings made from the old ones
    settings_used: list[str]  # the old settings they came from
    base_path: str  # the path the old site lived under
    syntax: str  # "hugo" (shortcodes) or "liquid"
    zone: tzinfo = timezone.utc  # the zone dates written without one are read in
    separators: tuple[str, ...] = ()  # summary dividers to remove from bodies
    topic_separators: str = ","  # how a string of tags is split
    posts: list[OldPost] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: why it was not imported"
    notes: list[str] = field(default_factory=list)


def read_post_file(path: Path, root: Path, problems: list[Problem], pelican: bool = False) -> Split | None:
    """A post file split into front matter (keys in lower case) and body; None, with a problem, if it cannot be."""
    shown = shown_path(path, root)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(shown, None, f"is not UTF-8 (byte offset {exc.start})",
                                "save it as UTF-8, then import again"))
        return None
    except OSError as exc:
        problems.append(Problem(shown, None, f"cannot be read: {exc.strerror or exc}"))
        return None
    found = split_front_matter(text, shown, pelican)
    if isinstance(found, Problem):
        problems.append(found)
        return None
    return Split(lower_keys(found.meta), found.body, found.body_line, found.kind)


def skip_other_markup(site: OldSite, path: Path) -> None:
    """List a page written in another markup than Markdown as not imported."""
    if path.suffix.lower() in OTHER_MARKUP:
        site.skipped.append(f"{shown_path(path, site.root)}: not Markdown: convert it by hand")


def walk(folder: Path, skip: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Every file under folder, sorted, leaving out editor litter, hidden files and the folders `skip`."""
    for base, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and Path(base, f) not in skip)
        for name in sorted(names):
            if not name.startswith(".") and not name.endswith("~"):
                yield Path(base, name)


def shown_path(path: Path, root: Path) -> str:
    """A path of the old site as messages name it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def is_markdown(path: Path, extensions: tuple[str, ...] = MARKDOWN) -> bool:
    return path.suffix.lower() in extensions


def file_date(path: Path, tz: tzinfo) -> datetime:
    """The file's modification time: a post's date when it gives none."""
    return datetime.fromtimestamp(int(path.stat().st_mtime), tz)


def zone(name: Any, notes: list[str], where: str) -> tzinfo:
    """The time zone a tool's setting names (UTC when none or unknown, with a note)."""
    if not name:
        return timezone.utc
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        notes.append(f"{where}: the time zone {name!r} is unknown: dates without one are read as UTC")
        return timezone.utc


def site_settings(title: Any, base_url: Any, language: Any, author: Any, description: Any, per_page: Any,
                  zone_name: Any, notes: list[str], where: str) -> dict[str, Any]:
    """trendsite settings from the old site's, each kept only if trendsite can use it."""
    settings: dict[str, Any] = {}
    for key, value in (("title", title), ("description", description), ("language", language), ("author", author)):
        if isinstance(value, str) and value.strip():
            settings[key] = " ".join(value.split())
    if isinstance(base_url, str) and base_url.strip():
        url = base_url.strip() if base_url.strip().endswith("/") else base_url.strip() + "/"
        wrong = base_url_error(url)
        if wrong:
            notes.append(f"{where}: {wrong}: left for you to fill in")
        else:
            settings["base_url"] = url
    if type(per_page) is int and 1 <= per_page <= 500:
        settings["per_page"] = per_page
    if zone_name and zone(zone_name, notes, where) is not timezone.utc:
        settings["timezone"] = str(zone_name)
    return settings


def refuse(path: str, message: str, hint: str) -> BuildError:
    """The error of a source that is not a site of the tool named."""
    return BuildError([Problem(path, None, message, hint)])
