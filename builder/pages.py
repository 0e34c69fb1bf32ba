"""The render stage: pages made from their specs, in this process or across the cores.

A page's bytes go straight to where the output wants them (write.Slot: a staged file, or nowhere for
`check`), and only its digest, its file's identity and the links its template put in it come back:
the process that plans the site never holds the rendered site. Enough pages to render (a first build,
a theme change) are spread over worker processes, each with its own Jinja2 environment and its own
connection to the store's values, which hold the reports' bodies.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from .errors import BuildError, Problem
from .languages import Language, load_language
from .listing import PageSpec, page_of
from .model import Card, Report, SiteConfig
from .render import Renderer, StaticFile, on_pages
from .store import Entries, Record
from .urls import links_in
from .write import Slot, digest, identity

# Below this many pages, starting workers (fresh interpreters importing Jinja2 and Babel) costs more
# than it saves.
PARALLEL_MIN = 400
CHUNK = 64  # pages per task: large enough to amortise the hand-over, small enough to balance the load
_CARD_FIELDS = tuple(Card.__dataclass_fields__)


@dataclass(frozen=True)
class Theme:
    """What a worker needs to make the renderer the planning process has: plain values it can be sent."""

    config: SiteConfig
    dirs: tuple[Path, ...]
    static: dict[str, StaticFile]
    compiled: Path | None = None  # where compiled templates are kept (Renderer)

    def renderer(self, language: Language | None = None) -> Renderer:
        return Renderer(self.config, self.dirs, self.static,
                        language or load_language(self.config.language, self.dirs), self.compiled)


@dataclass(frozen=True)
class Job:
    """One page to render, and where its bytes go if they changed."""

    spec: PageSpec
    slot: Slot
    record: tuple[str, str | None] | None  # a report's page: its entry key and its body with links resolved


@dataclass(frozen=True)
class Made:
    """What became of one page."""

    path: str  # in output/
    digest: str
    identity: str | None  # of the file written, None when nothing was (its bytes had not changed)
    links: tuple[str, ...]  # the site links its template put in it (a report's own body left out)


def full_reports(cards: Sequence[Card], records: Sequence[tuple[str, str | None]], entries: Entries
                 ) -> list[Report]:
    """The whole Report of each card, from its record's (entry key, resolved body): its body read from the store."""
    keys = {key for key, _ in records}
    heads, bodies = entries.heads(keys), entries.bodies(keys)
    return [Report(**{f: getattr(card, f) for f in _CARD_FIELDS}, html=html or bodies[key][0],
                   headings=heads[key].headings, word_count=heads[key].word_count, text=bodies[key][1])
            for card, (key, html) in zip(cards, records)]


def job_of(spec: PageSpec, slot: Slot, records: Mapping[str, Record]) -> Job:
    record = records[spec.own] if spec.own else None
    return Job(spec, slot, (record.entry, record.html) if record else None)


def render_pages(jobs: Sequence[Job], theme: Theme, language: Language, cards: Mapping[str, Card],
                 entries: Entries, values: Path | None, workers: int) -> Iterator[Made]:
    """What became of each page, rendering them across `workers` processes when there are enough (and
    the store's values are in a file they can open). Every page is rendered, past failures: then a
    BuildError names each failure once, with the pages it stopped."""
    failed: dict[Problem, list[str]] = {}
    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    if len(jobs) < PARALLEL_MIN or workers < 2 or values is None:
        here = _Worker(theme.renderer(language), cards, entries)
        results = (here.render(chunk) for chunk in chunks)
        yield from _gather(results, failed)
    else:
        context = multiprocessing.get_context("spawn")  # a clean interpreter, not a copy of this one
        # Each worker is sent only the cards its pages show.
        payloads = [(chunk, {slug: cards[slug] for job in chunk for slug in job.spec.shows()}) for chunk in chunks]
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context,
                                 initializer=_start_worker, initargs=(theme, values)) as pool:
            yield from _gather(pool.map(_render_in_worker, payloads), failed)
    if failed:
        raise BuildError([on_pages(problem, sorted(urls)) for problem, urls in failed.items()])


def _gather(results, failed: dict[Problem, list[str]]) -> Iterator[Made]:
    for made, problems in results:
        yield from made
        for problem, url in problems:
            failed.setdefault(problem, []).append(url)


class _Worker:
    """Renders chunks of jobs with one renderer; in a worker process, or in this one."""

    def __init__(self, renderer: Renderer, cards: Mapping[str, Card], entries: Entries):
        self.renderer = renderer
        self.cards = cards
        self.entries = entries

    def render(self, jobs: Sequence[Job]) -> tuple[list[Made], list[tuple[Problem, str]]]:
        renderer, cards = self.renderer, self.cards
        reports = iter(full_reports([cards[j.spec.own] for j in jobs if j.record],
                                    [j.record for j in jobs if j.record], self.entries))
        made, failed = [], []
        for job in jobs:
            report = next(reports) if job.record else None
            page = page_of(job.spec, cards, report, renderer.config.toc_min_headings, renderer.language)
            try:
                html = renderer.html(page)
            except Exception as exc:  # rendered past: every failing page is named at once
                failed.append((renderer.failure(exc, page.template), renderer.url(page.url)))
                continue
            data = html.encode("utf-8")
            made.append(_place(job.slot, data, _links(html, report)))
        return made, failed


def _place(slot: Slot, data: bytes, links: tuple[str, ...]) -> Made:
    """Put a page's bytes where its slot says, if they changed."""
    made = digest(data)
    if slot.target is None or made == slot.previous:
        return Made(slot.path, made, None, links)
    target = Path(slot.target)
    try:
        target.write_bytes(data)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return Made(slot.path, made, identity(os.lstat(target)), links)


def _links(html: str, report: Report | None) -> tuple[str, ...]:
    """The site links of a page that its template put there: those of a report's body are checked while
    its links are resolved, naming their lines. Links within the page (#id) never break: the state
    keeps these links of every page, so they are left out."""
    found = {link for link in links_in(html) if not link.startswith("#")}
    if report is not None:
        found -= set(links_in(report.html))
    return tuple(sorted(found))


_worker: _Worker | None = None  # a worker process's own, made once by _start_worker


def _start_worker(theme: Theme, values: Path) -> None:
    global _worker
    _worker = _Worker(theme.renderer(), {}, Entries.open(values))


def _render_in_worker(payload: tuple[Sequence[Job], dict[str, Card]]) -> tuple[list[Made], list]:
    jobs, cards = payload
    assert _worker is not None
    _worker.cards = cards
    return _worker.render(jobs)
