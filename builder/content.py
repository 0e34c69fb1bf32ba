"""From validated documents to Reports: slugs, topics, summaries, drafts and links between files."""
from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from datetime import datetime
from typing import Collection, Iterable, Mapping, Sequence
from urllib.parse import unquote, urlsplit

from .errors import Problem
from .markup import Rendered, summarize
from .model import Document, Report, SiteConfig, TopicRef
from .urls import is_safe_relative, slugify

_LINK = re.compile(r'(\s(?:href|src))="([^"]*)"')


def report_slug(document: Document) -> str:
    """The slug from front matter, else from the file name ("x/index.md" takes the folder's name)."""
    if document.meta.slug:
        return document.meta.slug
    parts = document.source.rel[: -len(".md")].split("/")
    stem = parts[-2] if parts[-1] == "index" and len(parts) > 1 else parts[-1]
    return slugify(stem) or slugify(document.meta.title)


def make_report(document: Document, rendered: Rendered, config: SiteConfig, now: datetime) -> Report:
    """A Report from its document and rendered body; links are resolved later by resolve_links."""
    meta = document.meta
    summary = meta.summary or summarize(rendered.first_paragraph)
    # Tags that differ only in case or accents ("AI", "ai") are one topic page, so one chip.
    refs: dict[str, TopicRef] = {}
    for tag in meta.tags:
        slug = slugify(tag) or "topic"
        refs.setdefault(slug, TopicRef(name=tag, slug=slug))
    topics = tuple(refs.values())
    return Report(
        source=document.source.rel, slug=report_slug(document), title=meta.title, date=meta.date,
        updated=meta.updated, author=meta.author or config.author, summary=summary, topics=topics,
        highlights=meta.highlights, html=rendered.html, headings=rendered.headings,
        word_count=rendered.word_count,
        reading_minutes=max(1, round(rendered.word_count / config.words_per_minute)),
        text=rendered.text, image=meta.image, draft=meta.draft, future=meta.date > now, extra=meta.extra,
    )


def check_slugs(reports: Iterable[Report]) -> list[Problem]:
    """Problems for reports that would share a URL, naming every file involved."""
    owners: dict[str, list[str]] = {}
    for report in reports:
        owners.setdefault(report.slug, []).append(report.source)
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


def resolve_links(reports: Sequence[Report], assets: Iterable[str], sources: Mapping[str, str],
                  base_path: str, memo: dict[int, tuple] | None = None, failed: Collection[str] = ()
                  ) -> tuple[list[Report], list[Problem]]:
    """Rewrite relative links: to a report's .md file -> its URL; to a file in content/ -> its published URL.

    `sources` maps a report's content path to its Markdown text, used only to find line numbers.
    `failed` are content paths with errors of their own: a link to one is not called missing.
    `memo` (kept by `serve` between rebuilds) remembers each report's result and the answers about
    other files it was made from; while those answers stay the same the result is reused.
    """
    world = _World({r.source: r for r in reports}, set(assets), set(failed))
    problems: list[Problem] = []
    resolved = []
    remembered = {}
    for report in reports:
        known = memo.get(id(report)) if memo is not None else None
        if known is not None and known[1] == base_path and all(world.ask(*q) == a for q, a in known[2]):
            result, found, asked = known[3], known[4], known[2]
        else:
            world.asked = []
            result, found = _resolve(report, world, sources, base_path)
            asked = tuple(world.asked)
        # The report is held so its id is not reused by another object while remembered.
        remembered[id(report)] = (report, base_path, asked, result, found)
        resolved.append(result)
        problems += found
    if memo is not None:
        memo.clear()
        memo.update(remembered)
    return resolved, problems


class _World:
    """The other files links are resolved against; records each question asked and its answer."""

    def __init__(self, by_source: Mapping[str, Report], published: set[str], failed: set[str]):
        self.by_source = by_source
        self.published = published
        self.failed = failed
        self.anchors: dict[str, set[str]] = {}
        self.asked: list[tuple[tuple, object]] = []

    def ask(self, kind: str, path: str, fragment: str = "") -> object:
        """url: the URL of the report at path (None if none); anchor: whether it has the fragment;
        published: whether path is a file in content/; failed: whether path has errors of its own."""
        if kind == "published":
            return path in self.published
        if kind == "failed":
            return path in self.failed
        linked = self.by_source.get(path)
        if kind == "url":
            return linked.url if linked else None
        if path not in self.anchors:
            self.anchors[path] = {h.id for h in linked.headings} | _ids(linked.html) if linked else set()
        return fragment in self.anchors[path]

    def answer(self, *question: str) -> object:
        found = self.ask(*question)
        self.asked.append((question, found))
        return found


def _resolve(report: Report, world: _World, sources: Mapping[str, str], base_path: str
             ) -> tuple[Report, list[Problem]]:
    folder = posixpath.dirname(report.source)
    problems: list[Problem] = []

    def rewrite(match: re.Match) -> str:
        attribute, target = match.group(1), match.group(2)
        try:
            parts = urlsplit(target)
        except ValueError:  # "http://[..." is no URL urllib can read: leave the link as written
            return match.group(0)
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

    html = _LINK.sub(rewrite, report.html)
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
    changed = (html, image) != (report.html, report.image)
    return (replace(report, html=html, image=image) if changed else report), problems


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _image_line(report: Report, sources: Mapping[str, str]) -> int:
    """The line of the `image:` field: front matter comes first, so its first such line."""
    lines = sources.get(report.source, "").split("\n")
    return next((n for n, line in enumerate(lines, 1) if line.startswith("image:")), 1)


def _link_problem(report: Report, sources: Mapping[str, str], target: str, message: str) -> Problem:
    lines = sources.get(report.source, "").split("\n")
    # Where Markdown writes it, ](target) or [ref]: target, before any mention (an `image:` line, say).
    written = (f"]({target}", f"](<{target}", f"]: {target}")
    line = next((n for n, text in enumerate(lines, 1) if any(w in text for w in written)), None) \
        or next((n for n, text in enumerate(lines, 1) if target in text), None)
    return Problem(f"content/{report.source}", line, f"the link '{target}' {message}",
                   "fix the path, relative to this file")

