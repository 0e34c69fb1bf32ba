"""From validated documents to Reports: slugs, topics, summaries, drafts and links between files."""
from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from datetime import datetime
from typing import Iterable, Mapping, Sequence
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
    topics = tuple(dict.fromkeys(TopicRef(name=t, slug=slugify(t) or "topic") for t in meta.tags))
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
                  base_path: str) -> tuple[list[Report], list[Problem]]:
    """Rewrite relative links: to a report's .md file -> its URL; to a file in content/ -> its published URL.

    `sources` maps a report's content path to its Markdown text, used only to find line numbers.
    """
    by_source = {r.source: r for r in reports}
    anchors = {r.source: {h.id for h in r.headings} | _ids(r.html) for r in reports}
    published = set(assets)
    problems: list[Problem] = []
    resolved = []
    for report in reports:
        folder = posixpath.dirname(report.source)

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
            if path.endswith(".md"):
                linked = by_source.get(path)
                if linked is None:
                    problems.append(_link_problem(report, sources, target, f"links to content/{path}, which does not exist"))
                    return match.group(0)
                if parts.fragment and parts.fragment not in anchors[path]:
                    problems.append(_link_problem(report, sources, target,
                                                  f"links to a heading #{parts.fragment} that content/{path} does not have"))
                return f'{attribute}="{base_path}{linked.url}{fragment}"'
            if path in published:
                return f'{attribute}="{base_path}{path}{fragment}"'
            problems.append(_link_problem(report, sources, target, f"links to content/{path}, which does not exist"))
            return match.group(0)

        html = _LINK.sub(rewrite, report.html)
        image = report.image
        if image and urlsplit(image).scheme not in ("", "http", "https"):  # javascript:, data: ...
            problems.append(Problem(f"content/{report.source}", 1, f"'image' has an unsafe address {image!r}",
                                    "give a file beside the report, or an http(s) URL"))
        elif image and not urlsplit(image).scheme and not image.startswith("/"):
            image_path = posixpath.normpath(posixpath.join(folder, image))
            if image_path in published:
                image = image_path
            else:
                problems.append(Problem(f"content/{report.source}", 1,
                                        f"'image' names content/{image_path}, which does not exist",
                                        "put the picture beside the report and give its file name"))
        resolved.append(replace(report, html=html, image=image) if (html, image) != (report.html, report.image)
                        else report)
    return resolved, problems


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _link_problem(report: Report, sources: Mapping[str, str], target: str, message: str) -> Problem:
    text = sources.get(report.source, "")
    line = next((n for n, line in enumerate(text.split("\n"), 1) if target in line), None)
    return Problem(f"content/{report.source}", line, f"the link '{target}' {message}",
                   "fix the path, relative to this file")

