"""From prepared reports to cards, and links between files resolved against the rest of the site."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Collection, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from .errors import Problem
from .markup import summarize
from .model import Card, FrontMatter, SiteConfig, TopicRef
from .urls import is_safe_relative, slugify

_LINK = re.compile(r'(\s(?:href|src))="([^"]*)"')


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
    summary = meta.summary or summarize(head.first_paragraph)
    # Tags that differ only in case or accents ("AI", "ai") are one topic page, so one chip.
    refs: dict[str, TopicRef] = {}
    for tag in meta.tags:
        slug = slugify(tag) or "topic"
        refs.setdefault(slug, TopicRef(name=tag, slug=slug))
    return Card(source=rel, slug=report_slug(rel, meta), title=meta.title, date=meta.date, updated=meta.updated,
                author=meta.author or config.author, summary=summary, topics=tuple(refs.values()),
                highlights=meta.highlights, reading_minutes=max(1, round(head.word_count / config.words_per_minute)),
                image=meta.image, draft=meta.draft, future=meta.date > now, extra=meta.extra)


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


@dataclass(frozen=True)
class Resolved:
    """A report's body and image with relative links rewritten, and the answers that took."""

    html: str
    image: str | None
    answers: tuple  # ((question, answer), ...): while every answer holds, so does this result
    problems: tuple[Problem, ...]


class World:
    """The rest of the site links are resolved against; records each question asked and its answer."""

    def __init__(self, urls: Mapping[str, str], anchors: Callable[[str], Collection[str]], published: Collection[str],
                 failed: Collection[str]):
        self.urls = urls  # content path of a report -> its URL
        self.anchors = anchors  # content path of a report -> the ids of its page's body
        self.published = published  # content paths of files beside reports
        self.failed = failed  # content paths of reports with errors of their own
        self.asked: list[tuple[tuple, object]] = []

    def ask(self, kind: str, path: str, fragment: str = "") -> object:
        """url: the URL of the report at path (None if none); anchor: whether it has the fragment;
        published: whether path is a file in content/; failed: whether path has errors of its own."""
        if kind == "published":
            return path in self.published
        if kind == "failed":
            return path in self.failed
        if kind == "url":
            return self.urls.get(path)
        return path in self.urls and fragment in self.anchors(path)

    def answer(self, *question: str) -> object:
        found = self.ask(*question)
        self.asked.append((question, found))
        return found

    def holds(self, answers: tuple) -> bool:
        """Whether every recorded answer is still this world's."""
        return all(self.ask(*question) == found for question, found in answers)


def resolve_report(card: Card, html: str, world: World, base_path: str, source_text: Callable[[], str]
                   ) -> Resolved:
    """Rewrite relative links: to a report's .md file -> its URL; to a file in content/ -> its published URL.

    `source_text` reads the report's Markdown, used only to find the line of a problem.
    """
    world.asked = []
    html, image, problems = _resolve(card, html, world, base_path, source_text)
    return Resolved(html=html, image=image, answers=tuple(world.asked), problems=tuple(problems))


def _resolve(report: Card, html: str, world: World, base_path: str, source_text: Callable[[], str]
             ) -> tuple[str, str | None, list[Problem]]:
    folder = posixpath.dirname(report.source)
    sources = _LazyText(report.source, source_text)
    problems: list[Problem] = []

    def rewrite(match: re.Match) -> str:
        attribute, target = match.group(1), match.group(2)
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path or target.startswith("/"):
            return match.group(0)
        path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if not is_safe_relative(path):
            problems.append(_link_problem(report, sources, target, "points outside the content folder"))
            return match.group(0)
        linked = path
        if not path.endswith(".md"):
            if world.answer("published", path):
                return f'{attribute}="{base_path}{path}{fragment}"'
            path = f"{path}/index.md"  # a link to a report's folder is a link to the report
        url = world.answer("url", path)
        if url is None:
            # A report with errors of its own has them reported; once fixed, the link resolves.
            if not world.answer("failed", path):
                problems.append(_link_problem(report, sources, target,
                                              f"links to content/{linked}, which does not exist"))
            return match.group(0)
        if parts.fragment and not world.answer("anchor", path, parts.fragment):
            problems.append(_link_problem(report, sources, target,
                                          f"links to a heading #{parts.fragment} that content/{path} does not have"))
        return f'{attribute}="{base_path}{url}{fragment}"'

    resolved = _LINK.sub(rewrite, html)
    image = report.image
    if image and urlsplit(image).scheme not in ("", "http", "https"):  # javascript:, data: ...
        problems.append(Problem(f"content/{report.source}", _image_line(report, sources),
                                f"'image' has an unsafe address {image!r}",
                                "give a file beside the report, or an http(s) URL"))
    elif image and not urlsplit(image).scheme and not image.startswith("/"):
        image_path = posixpath.normpath(posixpath.join(folder, image))
        if world.answer("published", image_path):
            image = image_path
        else:
            problems.append(Problem(f"content/{report.source}", _image_line(report, sources),
                                    f"'image' names content/{image_path}, which does not exist",
                                    "put the picture beside the report and give its file name"))
    return resolved, image, problems


class _LazyText(Mapping[str, str]):
    """{source: its text}, read only if a problem needs a line number."""

    def __init__(self, source: str, read: Callable[[], str]):
        self._source, self._read, self._text = source, read, None

    def __getitem__(self, key: str) -> str:
        if key != self._source:
            raise KeyError(key)
        if self._text is None:
            self._text = self._read()
        return self._text

    def __iter__(self):
        yield self._source

    def __len__(self) -> int:
        return 1


def _image_line(report: Card, sources: Mapping[str, str]) -> int:
    """The line of the `image:` field: front matter comes first, so its first such line."""
    lines = sources.get(report.source, "").split("\n")
    return next((n for n, line in enumerate(lines, 1) if line.startswith("image:")), 1)


def _link_problem(report: Card, sources: Mapping[str, str], target: str, message: str) -> Problem:
    lines = sources.get(report.source, "").split("\n")
    # Where Markdown writes it, ](target) or [ref]: target, before any mention (an `image:` line, say).
    written = (f"]({target}", f"](<{target}", f"]: {target}")
    line = next((n for n, text in enumerate(lines, 1) if any(w in text for w in written)), None) \
        or next((n for n, text in enumerate(lines, 1) if target in text), None)
    return Problem(f"content/{report.source}", line, f"the link '{target}' {message}",
                   "fix the path, relative to this file")

