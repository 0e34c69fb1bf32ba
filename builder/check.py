"""`trendsite check`: the build's errors plus what an editor wants to know, without writing output/."""
from __future__ import annotations

import difflib
import html
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Collection, Iterable, Mapping, Sequence
from urllib.parse import unquote, urlsplit

from .build import BuildOptions, update
from .config import base_url_warnings, load_config, site_timezone
from .content import topic_refs
from .errors import BuildError, Problem, warning
from .frontmatter import key_lines, parse_document
from .listing import PageSpec, most_used, topic_spellings
from .load import scan_content
from .model import TopicRef
from .pages import Made
from .store import Record, Store
from .write import Slot, known_outputs
from .urls import output_path

MAX_TITLE = 90


def check_site(options: BuildOptions) -> list[Problem]:
    """Every error `build` would report, editor warnings and broken internal links, sorted by file."""
    findings: list[Problem] = []
    site = records = None
    try:
        with Store.open(options.root, options.output) as store:
            # As a build would, minus writing: pages the state has are not rendered again, their links
            # are the state's. Nothing is committed, so the next build still does all the work.
            output = _Reading(known_outputs(options.output, store).keys(), store.page_links())
            site, changes = update(options, store, output, stand=False)
            # Every report's record, as the state would be once the changes were committed.
            records = [r for r in {**store.records(), **changes.records}.values() if r is not None]
    except BuildError as error:
        findings += error.problems
    findings += editor_warnings(options, None if site is None else {r.source for r in site.reports}, records)
    if site is not None:
        findings += base_url_warnings(site.config, options.root)  # a published site's own: `serve` needs no base_url
        findings += site.warnings
        findings += broken_links(site.pages, site.config.base_path, output)
    return sorted(findings, key=lambda p: (p.path, p.line or 0, p.severity, p.message))


class _Reading:
    """Where check's update puts the site: each page's links are noted, nothing is written. `held` is
    what output/ holds as the state records it; `stored` the links of the state's pages."""

    def __init__(self, held: Collection[str], stored: dict[str, tuple[str, ...] | None]) -> None:
        self.held = held
        self.stored = stored
        self.made: set[str] = set()  # every output path the site would have
        self.links: dict[str, set[str]] = {}  # output path of an HTML page -> the links templates put in it

    def put(self, path: str, data: bytes) -> bool:
        self.made.add(path)
        return True

    def slot(self, path: str) -> Slot:
        return Slot(path, None, None)  # pages are read, not written

    def adopt(self, made: Made) -> None:
        self.made.add(made.path)
        self.links[made.path] = set(made.links)

    def copy(self, path: str, source, digest: str) -> bool:
        self.made.add(path)
        return True

    def keep(self, path: str) -> None:
        self.made.add(path)
        if self.stored.get(path):
            self.links[path] = set(self.stored[path])  # type: ignore[arg-type]

    def holds(self, path: str) -> bool:
        # A page whose links the state lost is rendered again to learn them.
        return path in self.held and (path not in self.stored or self.stored[path] is not None)


def editor_warnings(options: BuildOptions, published: Collection[str] | None = None,
                    records: Iterable[Record] | None = None) -> list[Problem]:
    """Warnings about reports that build but could read better; files with errors are skipped.
    `published` are the content paths of the reports the build publishes, whose topic spellings
    name the topics (all reports when None). `records` are every report's, when the build made them:
    else content/ is read and parsed."""
    if records is not None:
        reports = [_Written(r.source, r.card.title, r.summary_written, bool(r.card.highlights), r.card.topics,
                            dict(r.key_lines)) for r in sorted(records, key=lambda r: r.source)]
    else:
        try:
            config = load_config(options.root, options.base_url)
        except BuildError:
            return []  # the build's errors already name the settings problem
        tz = site_timezone(config)
        found_files = scan_content(options.root, config.max_file_bytes, {})
        reports = [_Written(d.source.rel, d.meta.title, bool(d.meta.summary), bool(d.meta.highlights),
                            topic_refs(d.meta.tags), dict(key_lines(d.source.text, d.body_line)))
                   for rel in found_files.sources if (s := found_files.read.get(rel)) is not None
                   and (d := parse_document(s, tz)[0]) is not None]
    found: list[Problem] = []
    for report in reports:
        found += _report_warnings(report)
    return found + _topic_typos(reports) + _duplicate_titles(reports) + _topic_variants(
        [r for r in reports if published is None or r.rel in published])


@dataclass(frozen=True)
class _Written:
    """What the warnings read of a report's front matter, as its file writes it."""

    rel: str
    title: str
    summary: bool  # whether it gives one
    highlights: bool
    topics: tuple[TopicRef, ...]  # as it spells them (content.topic_refs)
    lines: Mapping[str, int]  # front matter key -> its line (frontmatter.key_lines)

    @property
    def shown(self) -> str:
        return f"content/{self.rel}"

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def _report_warnings(report: _Written) -> list[Problem]:
    found = []
    if not report.summary:
        found.append(warning(report.shown, report.line("summary"), "has no summary",
                              "add `summary:` with one or two sentences for listings"))
    if not report.highlights:
        found.append(warning(report.shown, report.line("highlights"), "has no highlights",
                              "add `highlights:` with two or three key points"))
    if len(report.title) > MAX_TITLE:
        found.append(warning(report.shown, report.line("title"),
                              f"the title is {len(report.title)} characters, over {MAX_TITLE}",
                              "shorten it; long titles are cut off in search results and cards"))
    return found  # images without alt text are the build's warnings (images.missing_alt)


def _topic_typos(reports: Sequence[_Written]) -> list[Problem]:
    users: dict[str, list[_Written]] = defaultdict(list)
    for report in reports:
        for ref in report.topics:
            users[ref.slug].append(report)
    names = {slug: most_used(spellings) for slug, spellings in topic_spellings(r.topics for r in reports).items()}
    found = []
    for slug, using in sorted(users.items()):
        if len(using) != 1:
            continue
        others = [s for s in users if s != slug]
        close = difflib.get_close_matches(slug, others, n=1, cutoff=0.8)
        if close:
            report = using[0]
            found.append(warning(report.shown, report.line("tags"),
                                  f"the topic '{names[slug]}' is used only here and looks like "
                                  f"'{names[close[0]]}' ({len(users[close[0]])} report(s))",
                                  f"if it is a typo, write '{names[close[0]]}'"))
    return found


def _topic_variants(reports: Sequence[_Written]) -> list[Problem]:
    """Reports spelling a topic otherwise than most, whose pages show it as most spell it."""
    spellings = topic_spellings(r.topics for r in reports)
    found = []
    for report in reports:
        for ref in report.topics:
            shown = most_used(spellings[ref.slug])
            if ref.name != shown:
                variants = ", ".join(f"'{name}' ({count})" for name, count in sorted(spellings[ref.slug].items()))
                found.append(warning(report.shown, report.line("tags"),
                                      f"the topic '{ref.name}' is shown as '{shown}', as most reports spell it "
                                      f"(spellings: {variants})", f"write '{shown}' to spell it as the site does"))
    return found


def _duplicate_titles(reports: Sequence[_Written]) -> list[Problem]:
    by_title: dict[str, list[_Written]] = defaultdict(list)
    for report in reports:
        by_title[" ".join(report.title.lower().split())].append(report)
    found = []
    for same in by_title.values():
        if len(same) < 2:
            continue
        files = ", ".join(sorted(r.shown for r in same))
        found += [warning(r.shown, r.line("title"), f"has the same title as another report ({files})",
                          "readers cannot tell them apart in listings; make each title distinct")
                  for r in same]
    return found


def broken_links(pages: Sequence[PageSpec], base: str, output: _Reading) -> list[Problem]:
    """Links templates put in the built HTML that point at a site path no file is written to."""
    by_path = {output_path(p.url): p for p in pages}
    # Each link once, as pages share most of theirs: as written -> unescaped, if it is broken.
    broken = {target: _broken(target, base, output) for target in set().union(*output.links.values())}
    found = []
    for path, targets in sorted(output.links.items()):
        missing = sorted({link for target in targets if (link := broken[target]) is not None})
        page = by_path.get(path)
        where = f"templates/{page.template if page else path}"
        found += [Problem(where, None, f"the page /{path} links to {target}, which the site does not have",
                          "fix the link in the template, or publish what it points to")
                  for target in missing]
    return found


def _broken(target: str, base: str, output: _Reading) -> str | None:
    """The link unescaped if it names a site path no file is written to, else None."""
    link = html.unescape(target)
    rel = _site_path(link, base)
    return link if rel is not None and output_path(rel) not in output.made and rel not in output.made else None


def _site_path(target: str, base: str) -> str | None:
    """The output path a root-relative link names; None for links off the site or within the page.

    Templates and resolved Markdown links are all root-relative (url() adds the base path), so a
    relative link in the output can only be one the build has already checked.
    """
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(base):
        return None
    return unquote(parts.path[len(base):])


def format_findings(findings: Sequence[Problem], style: str) -> str:
    """The findings as text lines with a count, or as a JSON document."""
    errors = sum(p.severity == "error" for p in findings)
    warnings = len(findings) - errors
    if style == "json":
        return json.dumps({"findings": [p.as_dict() for p in findings], "errors": errors, "warnings": warnings},
                          indent=2, ensure_ascii=False)
    lines = [f"{p.severity}: {p}" for p in findings]
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)
