"""From prepared reports to cards, and links between files resolved against the rest of the site."""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Collection, Iterable, Mapping, NamedTuple
from urllib.parse import quote, unquote, urlsplit

from .errors import Problem
from .markup import summarize
from .model import Card, FrontMatter, SiteConfig, TopicRef
from .urls import output_path, rewrite_links, slugify, topic_slug

_ONE_LINK = re.compile(r'(\s(?:href|src))="([^"]*)"')  # the form rewrite_links hands its rewrite
_SRCSET = re.compile(r'(\ssrcset)="([^"]*)"')  # "/_media/a.webp 480w, ...": a picture's sizes (figures.py)
# What a query or fragment may keep as written: characters URLs allow there, and %-escapes.
_QUERY_SAFE = "/?:@!$&'()*+,;=%"
_PLAIN_PATH = re.compile(r"[\w.~/-]*\Z", re.ASCII)  # needs no %-encoding


def report_slug(rel: str, meta: FrontMatter) -> str:
    """The slug from front matter, else from the file name ("x/index.md" takes the folder's name)."""
    if meta.slug:
        return meta.slug
    parts = rel[: -len(".md")].split("/")
    stem = parts[-2] if parts[-1] == "index" and len(parts) > 1 else parts[-1]
    return slugify(stem) or slugify(meta.title)


def make_card(rel: str, head, config: SiteConfig, now: datetime) -> Card:
    """A report's card from its prepared entry's head (store.EntryHead); its image is resolved later."""
    meta = head.meta
    return Card(source=rel, slug=report_slug(rel, meta), title=meta.title, date=meta.date, updated=meta.updated,
                author=meta.author or config.author, summary=meta.summary or summarize(head.first_paragraph),
                topics=topic_refs(meta.tags), highlights=meta.highlights,
                reading_minutes=max(1, round(head.word_count / config.words_per_minute)),
                image=meta.image, draft=meta.draft, future=meta.date > now, extra=meta.extra, aliases=meta.aliases,
                thumbnail=head.thumbnail, series=meta.series)


def topic_refs(tags: Iterable[str]) -> tuple[TopicRef, ...]:
    """The topics of a report's tags, as it spells them; tags of one topic ("AI", "ai") are one."""
    refs: dict[str, TopicRef] = {}
    for tag in tags:
        slug = topic_slug(tag) or "topic"
        refs.setdefault(slug, TopicRef(name=tag, slug=slug))
    return tuple(refs.values())


def check_slugs(cards: Iterable[Card]) -> list[Problem]:
    """Problems for reports that would share a URL, naming every file involved."""
    owners: dict[str, list[str]] = {}
    for card in cards:
        owners.setdefault(card.slug, []).append(card.source)
    problems = []
    for slug, sources in sorted(owners.items()):
        if not slug:
            problems += [Problem(f"content/{s}", 1, "has no usable slug", "add `slug: some-words` to the front matter")
                         for s in sources]
        elif len(sources) > 1:
            files = ", ".join(f"content/{s}" for s in sorted(sources))
            problems += [Problem(f"content/{s}", 1, f"has the same slug '{slug}' as another report ({files})",
                                 "give one of them a different `slug:` or file name")
                         for s in sorted(sources)]
    return problems


def is_shown(report: Card, drafts: bool, future: bool) -> bool:
    """Whether a build that shows drafts (or not) and future reports (or not) publishes the report."""
    return (drafts or not report.draft) and (future or not report.future)


class SiteLink(NamedTuple):  # a tuple: made for every such link of every build
    """A site-absolute link ("/feed.xml") in a report: whether the site has what it names is known
    only once every file is planned (see unknown_site_links)."""

    source: str  # the report's path in content/
    target: str  # as written
    path: str  # the output path it names, relative to the site's base path
    field: bool = False  # the `image:` field, not a link in the body


@dataclass(frozen=True)
class Resolved:
    """A report's body and image with its links rewritten, and the answers that took."""

    html: str
    image: str | None
    answers: tuple  # ((question, answer), ...): while every answer holds, so does this result
    problems: tuple[Problem, ...]
    site_links: tuple[SiteLink, ...]  # to be checked once every file of the site is planned


def resolve_report(card: Card, html_text: str, world: World, base_path: str, source_text: Callable[[], str],
                   broken_links: str = "error") -> Resolved:
    """Rewrite relative links: to a report's .md file -> its URL; to a file in content/ -> its published
    URL; site-absolute links ("/feed.xml") go under the base path and are returned to be checked.

    `source_text` reads the report's Markdown, only to find the line of a problem. `broken_links` is the
    setting: "error", or "warn" to publish with warnings.
    """
    world.asked = []
    resolved, image, problems, site_links = _resolve(card, html_text, world, base_path, source_text,
                                                     _severity(broken_links))
    return Resolved(resolved, image, tuple(world.asked), tuple(problems), tuple(site_links))


def unknown_site_links(links: Iterable[SiteLink], exists: Callable[[str], bool], text_of: Callable[[str], str],
                       broken_links: str = "error") -> list[Problem]:
    """A problem for each site-absolute link to a path `exists` says the site has no file at.

    `text_of` gives a report's Markdown by its content path, read only to name the line of a broken
    link: finding the line of every link would cost a search of its report's text."""
    problems = []
    for link in links:
        if any(map(exists, (link.path, output_path(link.path), f"{link.path}/index.html"))):
            continue
        text = text_of(link.source)
        problems.append(Problem(f"content/{link.source}",
                                _image_line(text) if link.field else _link_line(text, link.target),
                                f"the link '{link.target}' points at /{link.path}, which the site does not have",
                                "fix the path, from the site's root; drafts and scheduled reports are not published",
                                _severity(broken_links)))
    return problems


def _severity(broken_links: str) -> str:
    return "warning" if broken_links == "warn" else "error"


class World:
    """The rest of the site links are resolved against; records each question asked and its answer."""

    def __init__(self, cards: Mapping[str, Card], anchors: Callable[[str], Collection[str]],
                 published: Collection[str], failed: Collection[str], shown: tuple[bool, bool] = (True, True),
                 static: Mapping[str, str] | None = None):
        self.cards = cards  # content path of a report -> its card
        self.anchors = anchors  # content path of a report -> the ids of its body
        self.published = published  # content paths of files beside reports
        self.failed = failed  # content paths of reports with errors of their own
        self.shown = shown  # whether the build shows drafts, and future reports
        self.static = static or {}  # the theme's static files -> their published paths
        self.asked: list[tuple[tuple, object]] = []

    def ask(self, kind: str, path: str, fragment: str = "") -> object:
        """url: the URL of the report at path (None if none); anchor: whether it has the fragment;
        published: whether path is a file in content/; failed: whether path has errors of its own;
        left_out: why the build leaves the report at path out ("a draft"...), "" if it does not;
        static: the published path of the theme's static file named path (None if none)."""
        if kind == "published":
            return path in self.published
        if kind == "failed":
            return path in self.failed
        if kind == "static":
            return self.static.get(path)
        linked = self.cards.get(path)
        if kind == "url":
            return linked.url if linked else None
        if kind == "left_out":
            if linked is None or is_shown(linked, *self.shown):
                return ""
            return "a draft" if linked.draft else f"scheduled for {linked.date:%Y-%m-%d}"
        return linked is not None and fragment in self.anchors(path)

    def answer(self, *question: str) -> object:
        found = self.ask(*question)
        self.asked.append((question, found))
        return found

    def holds(self, answers: tuple) -> bool:
        """Whether every recorded answer is still this world's."""
        return all(self.ask(*question) == found for question, found in answers)


def _resolve(report: Card, body: str, world: World, base_path: str, source_text: Callable[[], str], severity: str
             ) -> tuple[str, str | None, list[Problem], list[SiteLink]]:
    folder = posixpath.dirname(report.source)
    problems: list[Problem] = []
    site_links: list[SiteLink] = []

    def broken(target: str, message: str, hint: str = "fix the path, relative to this file") -> None:
        line, written = _written(source_text(), target)
        problems.append(Problem(f"content/{report.source}", line, f"the link '{written}' {message}", hint, severity))

    def rewrite(match: re.Match) -> str:
        attribute = match.group(1)
        target = html.unescape(match.group(2))  # as written in Markdown, as messages show it
        try:
            parts = urlsplit(target)
        except ValueError:  # "http://[..." is no URL urllib can read: leave the link as written
            return match.group(0)
        if parts.scheme or parts.netloc or not parts.path:
            return match.group(0)
        suffix = _suffix(parts.query, parts.fragment) if parts.query or parts.fragment else ""
        if target.startswith("/"):
            path = _site_path(unquote(parts.path), base_path, world)
            site_links.append(SiteLink(report.source, target, path))
            return _link(attribute, base_path, path, suffix)
        if suffix:  # a file may be named like a URL with a query or fragment ("what?.pdf", "a#b.png")
            whole = posixpath.normpath(posixpath.join(folder, unquote(target)))
            if world.answer("published", whole):
                return _link(attribute, base_path, whole)
        path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        if path == ".." or path.startswith(("../", "/")):  # a name may hold a "\\" ("%5C"): no folder
            broken(target, "points outside the content folder")
            return match.group(0)
        linked = path
        if not path.endswith(".md"):
            if world.answer("published", path):
                return _link(attribute, base_path, path, suffix)
            path = f"{path}/index.md"  # a link to a report's folder is a link to the report
        url = world.answer("url", path)
        if url is None:
            # A report with errors of its own has them reported; once fixed, the link resolves.
            if not world.answer("failed", path):
                broken(target, f"links to content/{linked}, which does not exist")
            return match.group(0)
        heading = unquote(parts.fragment)
        left_out = world.answer("left_out", path)
        if left_out and not world.answer("left_out", report.source):
            broken(target, f"links to content/{path}, which is {left_out}, not published in this build",
                   "remove the link until that report is published; --drafts and --future show such reports")
        elif heading and not world.answer("anchor", path, heading):
            broken(target, f"links to a heading #{heading} that content/{path} does not have")
        return _link(attribute, base_path, url, suffix)

    def rewrite_srcset(match: re.Match) -> str:
        candidates = []
        for candidate in match.group(2).split(","):
            target, _, size = candidate.strip().partition(" ")
            link = rewrite(_ONE_LINK.match(f' src="{target}"'))
            candidates.append(link[len(' src="'):-1] + (f" {size}" if size else ""))
        return f'{match.group(1)}="{", ".join(candidates)}"'

    html_text = _SRCSET.sub(rewrite_srcset, rewrite_links(body, rewrite))
    image = report.image
    if image and urlsplit(image).scheme not in ("", "http", "https"):  # javascript:, data: ...
        problems.append(Problem(f"content/{report.source}", _image_line(source_text()),
                                f"'image' has an unsafe address {image!r}",
                                "give a file beside the report, or an http(s) URL"))
    elif image and not urlsplit(image).scheme and not image.startswith("/"):
        image_path = posixpath.normpath(posixpath.join(folder, image))
        if world.answer("published", image_path):
            image = quote(image_path)  # a URL path: templates put it in addresses as it is
        else:
            problems.append(Problem(f"content/{report.source}", _image_line(source_text()),
                                    f"'image' names content/{image_path}, which does not exist",
                                    "put the picture beside the report and give its file name"))
    elif image and image.startswith("/") and not image.startswith("//"):
        path = _site_path(unquote(image), base_path, world)
        site_links.append(SiteLink(report.source, image, path, field=True))
        image = quote(path)  # site-relative, as templates expect: absolute_url() adds the base URL
    return html_text, image, problems, site_links


def _site_path(path: str, base_path: str, world: World) -> str:
    """The output path a site-absolute link names: "/feed.xml" and, on a site under /trends/,
    "/trends/feed.xml" too; "/static/style.css" names the theme's file by its published name."""
    if base_path != "/" and path.startswith(base_path):
        path = path[len(base_path) - 1:]
    site = path[1:]
    if "/." in path or "//" in path:  # "/../x" is "/x" to a browser
        site = posixpath.normpath(path).lstrip("/")
        if path.endswith("/") and site:
            site += "/"  # a folder's URL keeps its slash
    if site.startswith("static/"):
        site = world.answer("static", site[len("static/"):]) or site
    return site


def _link(attribute: str, base_path: str, path: str, suffix: str = "") -> str:
    """The attribute linking to a site path, %-encoded: a file name may hold any character, '"' too."""
    return f'{attribute}="{base_path}{path if _PLAIN_PATH.match(path) else quote(path)}{suffix}"'


def _suffix(query: str, fragment: str) -> str:
    """A link's ?query and #fragment, %-encoded where URLs need it and escaped for an attribute."""
    return html.escape((f"?{quote(query, _QUERY_SAFE)}" if query else "")
                       + (f"#{quote(fragment, _QUERY_SAFE)}" if fragment else ""))


def _image_line(text: str) -> int:
    """The line of the `image:` field: front matter comes first, so its first such line."""
    return next((n for n, line in enumerate(text.split("\n"), 1) if line.startswith("image:")), 1)


def _link_line(text: str, target: str) -> int | None:
    """The line where Markdown writes the link, ](target) or [ref]: target, else its first mention."""
    return _written(text, target)[0]


def _written(text: str, target: str) -> tuple[int | None, str]:
    """The line of a link to `target` and the target as written there. Markdown gives a link %-encoded
    where URLs need it, with entities and backslash escapes read and "\\" as "/" (markup.py), so
    `a%22b` may be written `a"b`, `a&quot;b` or `a\\"b`."""
    found = [at for written in (f"]({target}", f"](<{target}", f"]: {target}") if (at := text.find(written)) >= 0]
    at = min(found) if found else text.find(target)
    if at >= 0:
        return text.count("\n", 0, at) + 1, target
    match = re.search(_ENCODED.sub(_as_written, target), text) if len(target) < 500 else None
    return (text.count("\n", 0, match.start()) + 1, match.group()) if match else (None, target)


_ENCODED = re.compile(r"(?:%[0-9A-Fa-f]{2})+|.", re.S)


def _as_written(match: re.Match[str]) -> str:
    """A pattern for what a piece of a link's target may have been written as."""
    piece = match.group()
    if piece in ("/", "\\"):
        return r"[/\\]"
    try:
        decoded = unquote(piece, errors="strict")
    except UnicodeDecodeError:
        return re.escape(piece)
    if decoded == piece:
        return r"\\?" + re.escape(piece)
    return "".join(rf"(?:{re.escape(quote(c, safe=''))}|\\?{re.escape(c)}|&[#\w]+;)" for c in decoded)
