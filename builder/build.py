"""The pipeline, stage by stage: the only module that knows their order."""
from __future__ import annotations

import gc
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Collection, Iterator, Mapping, MutableMapping

from . import feeds
from .assets import publish_assets
from .cache import CACHE_DIR, OutputState, OutputStateFile, ReportCache, cache_salt
from .config import load_config, site_timezone
from .content import check_slugs, is_shown, make_report, resolve_links, unknown_site_links
from .errors import Problem, raise_errors
from .fingerprint import inputs_digest, page_fingerprints, report_digests, theme_digest
from .listing import collect_topics, name_topics, plan_pages, sort_reports
from .lock import output_lock
from .memory import Memory
from .model import Page, Report, SiteConfig
from .prepare import prepare_reports
from .prose import template_tags
from .related import automatic_gc_paused
from .render import PageBoundary, Renderer, collect_static, theme_dirs
from .urls import output_path
from .write import WriteSummary, check_output_folder, manifest_digest, on_disk, read_manifest, write_site

# Called with (stage, done, total) as long stages progress, for a progress bar.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    output: Path
    drafts: bool = False  # include `draft: true` reports
    future: bool = False  # include reports dated after `now`
    now: datetime | None = None  # injectable clock, for tests
    base_url: str | None = None  # replaces the site's base_url (a deploy preview's address)
    # Skip the whole build when no input changed since the last build into output (the command line).
    skip_unchanged: bool = False
    workers: int = 1  # processes for rendering Markdown on a cold build; > 1 needs an importable __main__
    progress: Progress | None = field(default=None, compare=False)
    # Told, once, that the build waits for another trendsite process writing the same output folder.
    waiting: Callable[[str], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Site:
    """Everything the pipeline produced, before it is written."""

    config: SiteConfig
    reports: tuple[Report, ...]
    pages: tuple[Page, ...]
    files: SiteFiles  # output path -> bytes; pages in it are rendered when read
    warnings: tuple[Problem, ...] = field(default=())
    kept: frozenset[str] = frozenset()  # output paths not re-rendered: their inputs did not change
    fingerprints: Mapping[str, str] = field(default_factory=dict)  # page URL -> digest of its inputs
    reports_from_cache: int = 0
    next_change: datetime | None = None  # when a scheduled report is due, which changes the site
    left_out: Mapping[str, int] = field(default_factory=dict)  # option that would show them -> reports not published


@dataclass(frozen=True)
class BuildResult:
    site: Site | None  # None when skip_unchanged found nothing changed and the build was skipped
    summary: WriteSummary
    seconds: float


def build(options: BuildOptions, memory: Memory | None = None) -> BuildResult:
    """Build the site into options.output; raises BuildError listing every problem, writing nothing.
    Warnings (problems that do not stop the build) come back in the result's site.

    `memory` is the warm state `serve` keeps between rebuilds; the result is the same without it.
    One build at a time writes an output folder: a second one waits for the first (see lock.py).
    """
    started = time.perf_counter()
    check_output_folder(options.output, options.root)
    with output_lock(options.output, "build", options.waiting):
        return _build(options, Memory(warm=False) if memory is None else memory, started)


def _build(options: BuildOptions, memory: Memory, started: float) -> BuildResult:
    state_file = OutputStateFile(options.root / CACHE_DIR, options.output)
    previous = memory.output_state(state_file)
    if previous.manifest != manifest_digest(options.output):
        previous = OutputState()  # the state of another output/: a later build could not save its own
    inputs = ""
    if options.skip_unchanged:
        inputs = inputs_digest(options.root, theme_dirs(options.root),
                               (f"drafts={options.drafts}", f"future={options.future}", f"base_url={options.base_url}"))
        unchanged = _unchanged_output(options, previous, inputs)
        if unchanged is not None:
            return BuildResult(site=None, summary=unchanged, seconds=time.perf_counter() - started)
    # A one-off build's model is a few million objects at 10,000 reports, all alive until the build
    # returns: automatic collections do not walk it while it is made, nor while pages render and
    # files are written (gc.freeze), when full collections over it were a sixth of a one-report
    # rebuild from the command line (8.1 -> 6.7 s). Rendering's own garbage is still collected.
    # `serve` manages the collector itself (preview.py).
    one_off = not memory.warm
    with automatic_gc_paused() if one_off else nullcontext():
        site = generate(options, previous.pages, memory)
    with _frozen() if one_off else nullcontext():
        state_file.save(OutputState())  # if writing is cut short, the next build re-renders every page
        stored = site.files.stored()
        unchanged = memory.unchanged_files(options.output, stored)
        summary = write_site(options.output, site.files.without(unchanged), site.kept | unchanged,
                             memory.manifest, memory.present(options.output), memory.manifest_text(options.output))
    memory.remember_manifest(options.output, summary.manifest, stored)
    until = site.next_change.timestamp() if site.next_change else None
    memory.save_output_state(state_file, OutputState(inputs=inputs, until=until, pages=site.fingerprints,
                                                     manifest=manifest_digest(options.output)))
    return BuildResult(site=site, summary=summary, seconds=time.perf_counter() - started)


@contextmanager
def _frozen() -> Iterator[None]:
    """Every object alive now is left out of automatic collections for the duration (gc.freeze)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _unchanged_output(options: BuildOptions, previous: OutputState, inputs: str) -> WriteSummary | None:
    """The summary of a skipped build when the inputs, the clock and output/ allow one, else None."""
    now = options.now or datetime.now(timezone.utc)
    if not previous.inputs or previous.inputs != inputs or (previous.until and now.timestamp() >= previous.until):
        return None
    manifest = read_manifest(options.output)
    intact = on_disk(options.output, manifest)
    if not manifest or not all(intact(rel) for rel in manifest):
        return None
    return WriteSummary(written=0, unchanged=len(manifest), removed=0)


def generate(options: BuildOptions, previous: Mapping[str, str] | None = None, memory: Memory | None = None
             ) -> Site:
    """Run every stage up to, not including, writing to disk.

    `previous` maps page URLs to their input fingerprints in the last build into options.output;
    a page whose fingerprint is unchanged and whose file is there is kept, not rendered again.
    `memory` carries what earlier builds made (see memory.py); without it every stage starts afresh.
    """
    root = options.root
    memory = Memory(warm=False) if memory is None else memory
    now = options.now or datetime.now(timezone.utc)
    config = load_config(root, options.base_url)                    # settings
    tz = site_timezone(config)
    tree = memory.content(root, config.max_file_bytes)                # content/
    problems = list(tree.problems)
    cache = ReportCache(root / CACHE_DIR, cache_salt(config.unsafe_html, config.timezone), memory.entries)
    progress = options.progress
    prepared, found = prepare_reports(                              # front matter, Markdown, terms
        tree.sources, config, tz, now, cache, options.workers,
        progress and (lambda done, total: progress("reports", done, total)),
        memory.prepared if memory.warm else None)
    problems += found
    by_source = {p.rel: p for p in prepared}
    problems += [w for s in tree.sources if s.rel in by_source                    # Hugo and Liquid tags
                 for w in template_tags(s, by_source[s.rel].body_line)]
    made: dict = {}
    settings = repr(config)  # hashed once, not once a report as the SiteConfig would be
    reports = [memory.report((p.rel, p.key, settings, p.meta.date > now),                   # reports
                             lambda: make_report(p.document(s), p.rendered, config, now), made)
               for s in tree.sources if (p := by_source.get(s.rel)) is not None]
    memory.reports = made
    problems += check_slugs(reports)
    dirs = theme_dirs(root)
    static = collect_static(dirs)
    links = resolve_links(reports, [rel for rel, _ in tree.assets], {s.rel: s.text for s in tree.sources},
                          config.base_path, memory.links,  # links between files
                          {p.path.removeprefix("content/") for p in problems if p.is_error},
                          (options.drafts, options.future), {name: f.url for name, f in static.items()},
                          config.broken_links)
    reports = links.reports
    if any(p.is_error for p in problems):  # later stages need sound reports; broken links they survive
        raise_errors(problems + links.problems)
    problems += links.problems
    assets = tree.assets
    del tree  # nothing below needs the sources' text, 100 MB at 10,000 reports
    published = sort_reports([r for r in reports if is_shown(r, options.drafts, options.future)])  # drafts, scheduling
    published = name_topics(published)                               # one name a topic
    topics = collect_topics(published)
    terms = {r.slug: by_source[r.source].terms for r in published}
    related = memory.same_related(memory.related_cards(published, terms, config.related_count))  # Explore more
    pages = plan_pages(config, published, topics, related, memory.pages)  # every HTML page
    theme = theme_digest(dirs, [s.url for s in static.values()], config)
    renderer = memory.renderer_for(theme, lambda: Renderer(config, dirs, static))
    digests = memory.report_digests(published, lambda todo: report_digests(
        todo, {r.source: by_source[r.source].key for r in todo},
        {r.source: (by_source[r.source].rendered.html, by_source[r.source].rendered.text) for r in todo}))
    fingerprints = page_fingerprints(pages, theme, digests, memory.fingerprints,  # what each page is made of
                                     memory.described)
    kept = _reusable(options.output, fingerprints, previous or {}, memory.manifest, memory.present(options.output))
    files = render_files(renderer, pages, published, topics, digests, memory, kept, progress)  # HTML, feeds
    files.store(memory.search_index(                                  # search
        published, {r.slug: by_source[r.source].index_terms for r in published}).files)
    problems += publish_assets(assets, files, kept, config.unsafe_html)  # files beside reports
    problems += unknown_site_links(links.site_links, lambda path: path in files or path in kept,  # site-absolute links
                                   lambda rel: (root / "content" / rel).read_text("utf-8", "replace"),
                                   config.broken_links)
    raise_errors(problems)
    cache.prune()
    scheduled = [r.date for r in reports if r.future] if not options.future else []
    hidden_drafts = 0 if options.drafts else sum(r.draft for r in reports)  # the rest left out are scheduled
    return Site(config=config, reports=published, pages=tuple(pages), files=files, warnings=tuple(problems),
                kept=frozenset(kept),
                fingerprints=fingerprints, reports_from_cache=cache.hits, next_change=min(scheduled, default=None),
                left_out={"--drafts": hidden_drafts, "--future": len(reports) - len(published) - hidden_drafts})


def _reusable(output: Path, fingerprints: Mapping[str, str], previous: Mapping[str, str],
              read: Callable[[Path], Mapping[str, str]], present: Callable[[str], bool]) -> set[str]:
    """Output paths of pages whose inputs match the last build's and whose file is still in output/."""
    if not previous:
        return set()
    manifest = read(output)
    return {path for url, fingerprint in fingerprints.items()
            if previous.get(url) == fingerprint and (path := output_path(url)) in manifest and present(path)}


class SiteFiles(MutableMapping[str, bytes]):
    """Output path -> bytes, where a page is rendered each time it is read instead of being held.

    write_site reads every file once, so a build never holds the whole rendered site in memory
    (at 10,000 reports that is 300 MB of HTML).
    """

    def __init__(self, renderer: Renderer, progress: Progress | None = None):
        self._renderer = renderer
        self._progress = progress
        self._pages: dict[str, Page] = {}
        self._data: dict[str, bytes] = {}
        self._rendered = 0
        self._boundary = PageBoundary(renderer)

    def add_page(self, path: str, page: Page) -> None:
        self._data.pop(path, None)
        self._pages[path] = page

    def __getitem__(self, path: str) -> bytes:
        page = self._pages.get(path)
        if page is None:
            return self._data[path]
        self._rendered += 1
        if self._progress and self._rendered % 100 == 0:
            self._progress("pages", min(self._rendered, len(self._pages)), len(self._pages))
        return self._boundary.render(page, len(self._pages)).encode("utf-8")

    def __setitem__(self, path: str, data: bytes) -> None:
        self._pages.pop(path, None)
        self._data[path] = data

    def store(self, files: Mapping[str, bytes]) -> None:
        """self[path] = data for each of `files`, at the speed of a dict (the search index is 13,000
        files at 10,000 reports)."""
        for path in self._pages.keys() & files.keys():
            del self._pages[path]
        self._data.update(files)

    def __delitem__(self, path: str) -> None:
        if self._pages.pop(path, None) is None:
            del self._data[path]

    def __contains__(self, path: object) -> bool:
        return path in self._pages or path in self._data

    def stored(self) -> Mapping[str, bytes]:
        """The files held as bytes, not rendered on reading: feeds, search index, static files."""
        return self._data

    def without(self, paths: Collection[str]) -> SiteFiles:
        """These files less the stored ones at `paths`."""
        rest = SiteFiles(self._renderer, self._progress)
        rest._pages = self._pages
        rest._data = {path: data for path, data in self._data.items() if path not in paths}
        return rest

    def __iter__(self) -> Iterator[str]:
        yield from self._pages
        yield from self._data

    def __len__(self) -> int:
        return len(self._pages) + len(self._data)


def render_files(renderer: Renderer, pages, reports, topics, digests: Mapping[str, str], memory: Memory,
                 kept: Collection[str] = (), progress: Progress | None = None) -> SiteFiles:
    """Output path -> bytes for every page not in `kept` (rendered when read), feed, sitemap and static file.

    `digests` are report_digests(); feeds and the sitemap whose inputs match the ones `memory` saw are
    taken from it rather than made again.
    """
    renderer.forget_unused()
    files = SiteFiles(renderer, progress)
    for page in pages:
        path = output_path(page.url)
        if path not in kept:
            files.add_page(path, page)
    config = renderer.config
    absolute = renderer.absolute_url
    for path, page_url, title, listed in [("feed.xml", "", config.title, reports), *(
            (f"{t.url}feed.xml", t.url, f"{config.title}: {t.name}", t.reports) for t in topics)]:
        newest = [digests[r.slug] for r in listed[:config.feed_size]]
        files[path] = memory.value(path, [repr(config), title, *newest], lambda: feeds.atom_feed(
            config, listed, path, page_url, title, absolute))
    in_sitemap = [p for p in pages if p.template != "404.html"]

    def sitemap() -> bytes:
        modified = {r.url: r.updated or r.date for r in reports}
        return feeds.sitemap([(p.url, modified.get(p.url)) for p in in_sitemap], absolute)
    # Its inputs: the pages' URLs and the days the reports were last modified (all the sitemap shows).
    days = " ".join(f"{r.url}={(r.updated or r.date).toordinal()}" for r in reports)
    files["sitemap.xml"] = memory.value("sitemap.xml", [repr(config), "\n".join(p.url for p in in_sitemap), days],
                                        sitemap)
    files["robots.txt"] = feeds.robots(absolute)
    for static in renderer.static_files.values():
        files[static.url] = static.data
    return files
