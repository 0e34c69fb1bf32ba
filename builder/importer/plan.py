"""From a site of another tool, read, to the files of a trendsite site: reports, their files and the settings."""
from __future__ import annotations

import json
import os
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timezone, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from ..load import is_ignored
from ..prose import prose_lines
from ..redirects import alias_error, alias_url
from ..urls import is_valid_slug, slugify, topic_slug
from .fields import count_used, map_fields, plain, updated_after
from .links import Links, Post
from .site import MARKDOWN, OldPost, OldSite, walk
from .syntax import convert_tags

# The first part of the addresses trendsite's own pages have: an old address there cannot redirect.
_RESERVED = {"topics", "archive", "search", "page", "static", "404.html", "feed.xml", "sitemap.xml", "robots.txt",
             "_redirects"}
_RAW_HTML = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_FIELD_ORDER = ("title", "date", "updated", "author", "summary", "tags", "slug", "image", "draft", "aliases", "extra")


@dataclass
class ImportPlan:
    """The files an import writes and what it did to make them, for the report."""

    files: dict[str, str] = field(default_factory=dict)  # site path -> text
    assets: dict[str, Path] = field(default_factory=dict)  # site path -> the old site's file copied there
    settings: dict[str, Any] = field(default_factory=dict)
    reports: int = 0
    drafts: int = 0
    mapped: Counter[str] = field(default_factory=Counter)  # "categories -> tags" -> reports
    extra: Counter[str] = field(default_factory=Counter)  # fields kept under extra -> reports
    conversions: Counter[str] = field(default_factory=Counter)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (old address, new address)
    look: list[str] = field(default_factory=list)  # what a person must look at
    unresolved: int = 0  # links the import could not resolve: broken_links = "warn" until fixed


def make_plan(site: OldSite) -> ImportPlan:
    """Every file of the trendsite site made from `site`, and what was done to make them."""
    plan = ImportPlan(settings=dict(site.settings))
    posts = site.posts
    _unique_targets(posts, plan)
    slugs = _slugs(posts, plan)
    mapped = {p.source: map_fields(p.meta, p.shown, p.topics, site.topic_separators) for p in posts}
    for post in posts:
        updated_after(post.meta, post.date, site.zone, post.shown, mapped[post.source])
    link_posts = {p.source: Post(p.source, p.target, p.old_url, p.draft) for p in posts}
    resolve = _Resolver(site)
    converted = {p.source: convert_tags(p.body, site.syntax, resolve.to(p), site.separators) for p in posts}
    topics = {topic_slug(t) for m in mapped.values() for t in m.fields.get("tags", ())}
    links = Links(site.root, site.content_root, site.static_roots, list(link_posts.values()),
                  {p.target: converted[p.source].body for p in posts}, topics, site.base_path)
    taken = {}  # alias -> the post that has it
    for post in posts:
        fields, done = mapped[post.source], converted[post.source]
        linked = links.rewrite(done.body, link_posts[post.source])
        shown = f"content/{post.target}"
        values = {"title": plain(post.title) or post.target, "date": post.date, **fields.fields}
        image = values.pop("image", None)
        if image:
            values["image"] = links.image(image, link_posts[post.source])
            if values["image"] is None:
                del values["image"]
                plan.look.append(f"{shown}: its picture {image!r} is not a file of the old site: left out")
        if slugs[post.source]:
            values["slug"] = slugs[post.source]
        if post.draft:
            values["draft"] = True
        values["aliases"] = _aliases(post, _slug_of(post, slugs), taken, plan)
        if fields.extra:
            values["extra"] = fields.extra
        head = front_matter(values, site.zone)
        offset = head.count("\n")
        plan.files[shown] = head + linked.body.rstrip("\n") + "\n"
        plan.look += fields.notes + post.notes
        plan.look += [f"{shown}:{line + offset}: the {site.tool} {'shortcode' if site.syntax == 'hugo' else 'tag'} "
                      f"{tag} is left in place: trendsite does not run it" for line, tag in done.leftovers]
        plan.look += [f"{shown}:{line + offset}: the link {target!r} names nothing the new site has: left as it is"
                      for line, target in linked.unresolved]
        plan.look += _raw_html(linked.body, shown, offset)
        plan.unresolved += len(linked.unresolved)
        plan.conversions += done.conversions + linked.conversions
        plan.extra.update(fields.extra.keys())
        plan.reports += 1
        plan.drafts += post.draft
        if post.bundle is not None:
            _bundle_files(post, plan)
    plan.mapped = count_used(mapped.values())
    for place, file in links.assets.items():
        plan.assets.setdefault(f"content/{place}", file)
    plan.look += [f"content/{place}: two different files of the old site belong here; the first was copied"
                  for place in links.clashes]
    if plan.unresolved:
        plan.settings["broken_links"] = "warn"
    return plan


def front_matter(values: dict[str, Any], site_zone: tzinfo = timezone.utc) -> str:
    """YAML front matter; every value written as JSON, which YAML reads as it is. A date at midnight in the
    site's time zone is written as the day alone."""
    lines = ["---"]
    for key in _FIELD_ORDER:
        value = values.get(key)
        if value in (None, [], {}, ""):
            continue
        if isinstance(value, datetime):
            day = value.time() == time(0) and value.tzinfo == site_zone
            text = value.date().isoformat() if day else value.isoformat()
        else:
            text = json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        lines.append(f"{key}: {text}")
    return "\n".join(lines) + "\n---\n"


class _Resolver:
    """Hugo's ref and relref, Jekyll's post_url and link: the old file they name, relative to the report."""

    def __init__(self, site: OldSite):
        self.site = site
        self.sources = {p.source.resolve(): p for p in site.posts}
        self.names: dict[str, list[OldPost]] = {}
        for post in site.posts:
            for name in {post.source.stem, post.bundle.name if post.bundle else "", _under_posts(post)}:
                if name:
                    self.names.setdefault(name, []).append(post)

    def to(self, post: OldPost):
        def resolve(kind: str, target: str) -> str | None:
            path, _, fragment = target.partition("#")
            found = self._find(kind, path, post)
            if found is None:
                return None
            relative = os.path.relpath(found, post.source.parent)
            return quote(Path(relative).as_posix()) + (f"#{fragment}" if fragment else "")
        return resolve

    def _find(self, kind: str, path: str, post: OldPost) -> Path | None:
        if kind == "post_url":
            named = self.names.get(path.strip("/"), [])
            return named[0].source if len(named) == 1 else None
        if kind == "link":
            file = (self.site.root / path.lstrip("/")).resolve()
            return file if file.is_file() else None
        if not path:
            return post.source
        bases = [self.site.content_root] if path.startswith("/") else [post.source.parent, self.site.content_root]
        for base in bases:
            for candidate in (path, *(path + s for s in MARKDOWN), f"{path}/index.md", f"{path}/_index.md"):
                file = (base / candidate.lstrip("/")).resolve()
                if file in self.sources:
                    return file
        named = self.names.get(posixpath.splitext(posixpath.basename(path.rstrip("/")))[0], [])
        return named[0].source if len(named) == 1 else None


def _under_posts(post: OldPost) -> str:
    """A Jekyll post's name as post_url gives it: its path under _posts/, without the extension."""
    parts = post.source.with_suffix("").parts
    return "/".join(parts[parts.index("_posts") + 1:]) if "_posts" in parts else ""


def _unique_targets(posts: list[OldPost], plan: ImportPlan) -> None:
    """Give each post a content path of its own, and a usable one: trendsite ignores names like _x.md."""
    seen: set[str] = set()
    for post in posts:
        parts = [part.lstrip("_.~#") or "x" if is_ignored(part) else part for part in post.target.split("/")]
        target, number = "/".join(parts), 1
        while target in seen:
            number += 1
            named = list(parts)
            if post.bundle is not None:  # the folder names the report
                named[-2] = f"{parts[-2]}-{number}"
            else:
                named[-1] = f"{parts[-1][:-len('.md')]}-{number}.md"
            target = "/".join(named)
        if target != post.target:
            plan.look.append(f"{post.shown}: imported as content/{target}, as content/{post.target} is taken "
                             "or would be ignored")
        seen.add(target)
        post.target = target


def _file_slug(target: str, title: str) -> str:
    """The slug trendsite gives a report from its content path (content.report_slug)."""
    parts = target[: -len(".md")].split("/")
    stem = parts[-2] if parts[-1] == "index" and len(parts) > 1 else parts[-1]
    return slugify(stem) or slugify(title)


def _slugs(posts: list[OldPost], plan: ImportPlan) -> dict[Path, str | None]:
    """The `slug:` each post's front matter needs (None where its file name gives the right one), every slug
    distinct: the old slug where it had one, so its address stays recognisable."""
    chosen: dict[Path, str | None] = {}
    seen: set[str] = set()
    for post in posts:
        derived = _file_slug(post.target, post.title)
        wanted = slugify(post.slug)[:100].strip("-") if post.slug else derived
        slug, number = wanted or "report", 1
        while slug in seen or not is_valid_slug(slug):
            number += 1
            slug = f"{(wanted or 'report')[:90]}-{number}"
        if slug != wanted:
            plan.look.append(f"{post.shown}: its slug is {slug!r}, as {wanted!r} is another report's")
        seen.add(slug)
        chosen[post.source] = None if slug == derived else slug
    return chosen


def _slug_of(post: OldPost, slugs: dict[Path, str | None]) -> str:
    return slugs[post.source] or _file_slug(post.target, post.title)


def _aliases(post: OldPost, slug: str, taken: dict[str, OldPost], plan: ImportPlan) -> list[str]:
    """The old addresses of a post that can redirect to it: not its new one, not trendsite's own, not another's."""
    found = []
    for old in ([post.old_url] if post.old_url else []) + post.aliases:
        alias = quote(unquote(old), safe="/!$&'()*+,;=:@~")
        alias = "/" + alias.lstrip("/")
        url = alias_url(alias) if alias_error(alias) is None else None
        if url is None:
            plan.look.append(f"{post.shown}: its old address {old!r} cannot be a redirect: {alias_error(alias)}")
        elif url == f"reports/{slug}/":
            continue
        elif url == "" or url.split("/")[0] in _RESERVED or re.fullmatch(r"reports/[^/]+/", url):
            plan.look.append(f"{post.shown}: its old address {old} is where trendsite has a page of its own: "
                             "not redirected")
        elif url in taken:
            plan.look.append(f"{post.shown}: its old address {old} is also {taken[url].shown}'s: redirected to that one")
        else:
            taken[url] = post
            found.append(alias)
            plan.aliases.append((alias, f"/reports/{slug}/"))
    return found


def _bundle_files(post: OldPost, plan: ImportPlan) -> None:
    """A Hugo page bundle's files go with its page."""
    folder = posixpath.dirname(post.target)
    for file in walk(post.bundle):
        relative = file.relative_to(post.bundle).as_posix()
        if file.suffix.lower() not in MARKDOWN and not any(is_ignored(part) for part in relative.split("/")):
            plan.assets[f"content/{folder}/{relative}"] = file


def _raw_html(body: str, shown: str, offset: int) -> list[str]:
    """A note on the first line of raw HTML in the prose: trendsite shows it as text unless told otherwise."""
    line = next((n for n, text in prose_lines(body.split("\n"), 1) if _RAW_HTML.search(text)), None)
    if line is None:
        return []
    return [f"{shown}:{line + offset}: raw HTML, which trendsite shows as text: write it in Markdown, or set "
            "unsafe_html = true if you trust everyone who writes reports"]

