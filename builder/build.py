"""The pipeline, stage by stage: the only module that knows their order."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from . import feeds
from .config import load_config
from .content import check_slugs, make_report, resolve_links
from .errors import BuildError, Problem
from .frontmatter import parse_document
from .listing import collect_topics, plan_pages, sort_reports
from .load import load_content
from .markup import MarkdownRenderer
from .model import Page, Report, SiteConfig
from .related import related_reports
from .render import Renderer, collect_static, theme_dirs
from .terms import report_terms
from .urls import output_path
from .write import WriteSummary, check_output_folder, write_site


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    output: Path
    drafts: bool = False  # include `draft: true` reports
    future: bool = False  # include reports dated after `now`
    now: datetime | None = None  # injectable clock, for tests


@dataclass(frozen=True)
class Site:
    """Everything the pipeline produced, before it is written."""

    config: SiteConfig
    reports: tuple[Report, ...]
    pages: tuple[Page, ...]
    files: dict[str, bytes]
    warnings: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True)
class BuildResult:
    site: Site
    summary: WriteSummary
    seconds: float


def build(options: BuildOptions) -> BuildResult:
    """Build the site into options.output; raises BuildError listing every problem, writing nothing."""
    started = time.perf_counter()
    check_output_folder(options.output, options.root)
    site = generate(options)
    summary = write_site(options.output, site.files)
    return BuildResult(site=site, summary=summary, seconds=time.perf_counter() - started)


def generate(options: BuildOptions) -> Site:
    """Run every stage up to, not including, writing to disk."""
    root = options.root
    now = options.now or datetime.now(timezone.utc)
    config = load_config(root)                                      # settings
    tz = ZoneInfo(config.timezone) if config.timezone != "UTC" else timezone.utc
    tree = load_content(root, config.max_file_bytes)                # files under content/
    problems = list(tree.problems)
    documents = []
    for source in tree.sources:                                     # front matter
        document, found = parse_document(source, tz)
        problems += found
        if document is not None:
            documents.append(document)
    markdown = MarkdownRenderer(unsafe_html=config.unsafe_html)
    reports = [make_report(d, _render_body(markdown, d, problems), config, now)  # Markdown -> reports
               for d in documents]
    problems += check_slugs(reports)
    asset_paths = [rel for rel, _ in tree.assets]
    reports, link_problems = resolve_links(reports, asset_paths, {s.rel: s.text for s in tree.sources},
                                           config.base_path)       # links between files
    problems += link_problems
    if problems:
        raise BuildError(problems)
    published = sort_reports([r for r in reports                     # drafts and scheduling
                              if (options.drafts or not r.draft) and (options.future or not r.future)])
    topics = collect_topics(published)
    terms = {r.slug: report_terms(r.title, r.summary, r.text) for r in published}
    related = related_reports(published, terms, config.related_count)  # Explore more
    pages = plan_pages(config, published, topics, related)          # every HTML page
    dirs = theme_dirs(root)
    renderer = Renderer(config, dirs, collect_static(dirs))
    files = render_files(renderer, pages, published, topics)        # HTML, feeds, sitemap
    for rel, path in tree.assets:                                    # files beside reports
        if rel in files:
            problems.append(Problem(f"content/{rel}", None, "has the same path as a generated page",
                                    "rename or move the file"))
        files[rel] = path.read_bytes()
    if problems:
        raise BuildError(problems)
    return Site(config=config, reports=published, pages=tuple(pages), files=files)


def _render_body(markdown: MarkdownRenderer, document, problems: list[Problem]):
    try:
        return markdown.render(document.body)
    except RecursionError:
        problems.append(Problem(f"content/{document.source.rel}", document.body_line,
                                "the Markdown is nested too deeply to render",
                                "reduce the levels of nested lists or quotes"))
        return markdown.render("")


def render_files(renderer: Renderer, pages, reports, topics) -> dict[str, bytes]:
    """Output path -> bytes for every page, feed, sitemap entry and static file."""
    files: dict[str, bytes] = {}
    for page in pages:
        files[output_path(page.url)] = renderer.render(page).encode("utf-8")
    config = renderer.config
    absolute = renderer.absolute_url
    files["feed.xml"] = feeds.atom_feed(config, reports, "feed.xml", "", config.title, absolute)
    for topic in topics:
        files[f"{topic.url}feed.xml"] = feeds.atom_feed(config, topic.reports, f"{topic.url}feed.xml", topic.url,
                                                        f"{config.title}: {topic.name}", absolute)
    modified = {r.url: r.updated or r.date for r in reports}
    listed = [(p.url, modified.get(p.url)) for p in pages if p.template != "404.html"]
    files["sitemap.xml"] = feeds.sitemap(listed, absolute)
    files["robots.txt"] = feeds.robots(absolute)
    for static in renderer.static_files.values():
        files[static.url] = static.data
    return files
