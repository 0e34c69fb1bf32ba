"""The pipeline, stage by stage: the only module that knows their order.

`build`, `check` and `serve` all run update(): it reads what changed since the store's state was made,
remakes only what that reaches (engine.py's table), and writes through the journal, committing the
store with the output. A first build is an update in which everything changed.
"""
from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping, Protocol

from . import engine, pages, trends
from .cards import social_cards
from .errors import Problem, raise_errors, warning
from .lock import output_lock
from .listing import PageSpec
from .model import Card, Report, SiteConfig
from .redirects import vanished
from .render import Renderer
from .store import CACHE_DIR, Changes, Store
from .write import Slot, Writer, WriteSummary, check_output_folder, recover

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
    workers: int = 1  # processes for rendering Markdown when many reports changed; > 1 needs an importable __main__
    progress: Progress | None = field(default=None, compare=False)
    # Told, once, that the build waits for another trendsite process writing the same output folder.
    waiting: Callable[[str], None] | None = field(default=None, compare=False)



@dataclass(frozen=True)
class Site:
    """What an update made of the site."""

    config: SiteConfig
    reports: tuple[Card, ...]  # published, newest first (not listed when steady)
    pages: tuple[PageSpec, ...]  # every HTML page of the site (not listed when steady)
    warnings: tuple[Problem, ...] = ()
    rendered: tuple[str, ...] = ()  # output paths of the pages, feeds and other files made again
    reports_from_cache: int = 0  # reports whose entry the store already had
    next_change: datetime | None = None  # when a report comes due or the clock changes trends: the site changes
    left_out: Mapping[str, int] = field(default_factory=dict)  # option that would show them -> reports not published
    steady: bool = False  # nothing it is made from changed since the last update, which stands


@dataclass(frozen=True)
class BuildResult:
    site: Site
    summary: WriteSummary
    seconds: float


class Output(Protocol):
    """Where update() puts the site: write.Writer, or check's reading of it."""

    def put(self, path: str, data: bytes) -> bool:
        """Make `path` hold `data`; True if that is a change."""

    def slot(self, path: str) -> Slot:
        """Where a page's bytes go if they changed, for the render stage, which writes them itself."""

    def adopt(self, made: pages.Made) -> None:
        """What the render stage made of one page (see slot)."""

    def copy(self, path: str, source: Path, digest: str) -> bool:
        """Make `path` a copy of the file `source`, whose bytes have `digest`."""

    def keep(self, path: str) -> None:
        """`path` was not made again: its inputs did not change."""

    def holds(self, path: str) -> bool:
        """Whether output/ has `path` as the state records it."""


def build(options: BuildOptions, store: Store | None = None, stand: bool = True) -> BuildResult:
    """Bring options.output up to date with the site; raises BuildError listing every problem, writing nothing.

    `store` is the open store `serve` keeps between rebuilds; a build of its own opens and closes one.
    `stand`: see update(); `serve` lists every report of each site it builds, to tell what a change moved.
    One build at a time writes an output folder: a second one waits for the first (see lock.py).
    """
    started = time.perf_counter()
    check_output_folder(options.output, options.root)
    with output_lock(options.output, "build", options.waiting), \
            nullcontext(store) if store is not None else Store.open(options.root, options.output) as opened:
        lost = recover(options.output, opened)                 # finish a write a killed build committed
        if lost is not None:
            opened.notices.append(f"{lost} (the last build's write was abandoned; every file is compared now)")
        writer = Writer(options.output, opened)
        try:
            site, changes = update(options, opened, writer, stand)
            summary = writer.finish(changes)                   # commit store and journal, then apply
        except BaseException:
            writer.abandon()
            raise
        opened.prune()
    return BuildResult(site=site, summary=summary, seconds=time.perf_counter() - started)


def update(options: BuildOptions, store: Store, output: Output, stand: bool = True) -> tuple[Site, Changes]:
    """Every stage up to, not including, committing: what the site now is goes to `output`, and the
    changes to the store's state come back with it. `stand`: when nothing changed, the last update's
    site stands, unlisted (check lists every report and page, so it does not)."""
    now = options.now or datetime.now(timezone.utc)
    root = options.root
    changes = Changes()
    settings = engine.read_settings(root, options.base_url)             # settings and theme
    config = settings.config
    found = engine.scan(root, settings, store)                         # content/: what changed
    steady = engine.steady_key(settings, options.drafts, options.future)
    last = engine.last_site(store, steady, found, now) if stand else None  # nothing changed: the last site stands
    if last is not None:
        # Stamps of files read again to be sure (written just before the last scan) are trusted now.
        return _stands(last, settings.config, len(found.sources), store, output), Changes(
            inputs=engine.input_changes(found, store))
    problems = list(found.problems) + list(settings.language.problems)  # and catalogs that could not be read
    progress = options.progress
    keys, found_problems = engine.prepare(root, found, settings, store, options.workers,  # front matter, Markdown
                                          progress and (lambda done, total: progress("reports", done, total)),
                                          output.holds)
    problems += found_problems
    failed = {p.path[len("content/"):] for p in problems if p.is_error}
    reports = engine.make_records(root, found, keys, failed, settings, store, now,  # cards, links between files
                                  (options.drafts, options.future))
    problems += reports.problems
    if any(p.is_error for p in problems):  # later stages need sound reports; broken links they survive
        raise_errors(problems + reports.link_problems)
    problems += reports.link_problems
    problems += engine.notes(reports)
    problems += [warning(CACHE_DIR, None, notice) for notice in store.notices]
    records = reports.records
    by_slug = {r.slug: r for r in records.values()}
    cards = engine.name_topics(engine.published(records, options.drafts, options.future))  # drafts, scheduling
    cards, social = social_cards(cards, config.title, settings.dirs, store.made, output.holds,  # og:image cards
                                 options.workers) if config.social_cards else (cards, {})
    topics = engine.collect_topics(cards)
    related = engine.related_picks(cards, by_slug, config.related_count, store, changes)  # Explore more
    search, search_paths = engine.search_files(cards, by_slug, store, changes, output.holds,  # search index
                                               settings.language)
    renderer = Renderer(config, settings.dirs, settings.static, settings.language)
    full = lambda chosen: pages.full_reports(chosen, [(by_slug[c.slug].entry, by_slug[c.slug].html)  # noqa: E731
                                                      for c in chosen], store.entries)
    planned = engine.plan(settings, cards, topics, related, by_slug, full, renderer.absolute_url,  # every page
                          now, store.made)
    media = engine.media_files(records) | social                        # charts, pictures' sizes, social cards
    files = search_paths | {s.url for s in settings.static.values()} | media.keys()
    made = {p.path for p in planned} | files
    problems += engine.asset_clashes(found, made)                       # files beside reports
    problems += engine.aliases_clashing(root, cards, planned, files, found)  # old addresses
    problems += engine.unknown_site_links(root, records, made | found.assets.keys(), config.broken_links)
    raise_errors(problems)
    known = store.pages()
    renamed = vanished(known, {p.path for p in planned}, store.records(), records)  # addresses a rename lost
    problems += renamed
    stale = [item for item in planned if known.get(item.path) != item.fingerprint or not output.holds(item.path)]
    jobs = [pages.job_of(item.spec, output.slot(item.path), by_slug) for item in stale if item.spec is not None]
    theme = pages.Theme(config, settings.dirs, settings.static, store.compiled_templates())
    links: dict[str, tuple[str, ...]] = {}  # the state keeps them, for a check that does not render the page
    for made in pages.render_pages(jobs, theme, settings.language, {c.slug: c for c in cards},  # HTML pages
                                   store.entries, store.values_path, options.workers):
        output.adopt(made)
        links[made.path] = made.links
    for item in stale:                                                  # feeds, the sitemap
        if item.spec is None:
            output.put(item.path, item.make())
    rendered = [item.path for item in stale]
    stale_paths = set(rendered)
    for item in planned:
        if item.path not in stale_paths:
            output.keep(item.path)
    for path in search_paths:                                           # search index files
        output.put(path, search[path]) if path in search else output.keep(path)
    for static in settings.static.values():                             # theme static files
        output.put(static.url, static.data)
    problems += engine.publish_assets(root, found, settings, store, output)
    problems += engine.publish_media(media, store, output)
    raise_errors(problems)

    changes.meta["settings"] = settings.digest
    changes.inputs = engine.input_changes(found, store)
    changes.records = {**{rel: None for rel in store.records().keys() - records.keys()},
                       **{rel: records[rel] for rel in reports.changed}}
    changes.pages = {**{path: None for path in known.keys() - {p.path for p in planned}},
                     **{p.path: (p.fingerprint, links.get(p.path, ())) for p in planned
                        if known.get(p.path) != p.fingerprint}}
    scheduled = [r.card.date for r in records.values() if r.card.future] if not options.future else []
    scheduled += filter(None, [trends.next_change(cards, config, now)])  # stale notices, rising topics
    hidden_drafts = 0 if options.drafts else sum(r.card.draft for r in records.values())
    site = Site(config=config, reports=cards, pages=tuple(p.spec for p in planned if p.spec is not None),
                warnings=tuple(problems), rendered=tuple(rendered),
                reports_from_cache=len(records) - len(reports.changed), next_change=min(scheduled, default=None),
                left_out={"--drafts": hidden_drafts, "--future": len(records) - len(cards) - hidden_drafts})
    # What the next update needs to find that nothing changed, and to say what this one said. A renamed
    # report's warning is said once: the next update knows the address is gone.
    changes.meta["last_site"] = engine.encode_last_site(
        steady, site.next_change, [p for p in problems if p not in renamed], site.left_out)
    return site, changes


def _stands(last: engine.LastSite, config: SiteConfig, reports: int, store: Store, output: Output) -> Site:
    """The site as the last update made it, which nothing since has changed: every output file kept, each
    of its `reports` taken as it is."""
    for path in store.outputs():
        output.keep(path)
    return Site(config=config, reports=(), pages=(), warnings=last.warnings, reports_from_cache=reports,
                next_change=last.next_change, left_out=last.left_out, steady=True)
