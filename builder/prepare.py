"""Per-report work: front matter, Markdown and terms; from the build cache, else across the cores."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from datetime import datetime, tzinfo
from typing import Callable, Sequence

from .cache import Entry, ReportCache, Terms, decode_entry, encode_entry
from .content import make_report
from .errors import Problem, unexpected
from .frontmatter import parse_document
from .markup import MarkdownRenderer, MarkupError, Rendered
from .model import Document, FrontMatter, SiteConfig, Source
from .search import IndexTerms, report_index_terms
from .terms import report_terms, tokenize

# Starting a worker (a fresh interpreter importing Markdown and Pygments) costs about 0.3 s; below
# this many reports to render, one process is faster.
PARALLEL_MIN = 150
CHUNK = 64  # reports per task: large enough to amortise the hand-over, small enough to balance the load

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Prepared:
    """One report source, parsed and rendered; it keeps no reference to the source's text, which
    the build lets go of once reports are made (100 MB at 10,000 reports)."""

    rel: str
    meta: FrontMatter
    body_line: int
    rendered: Rendered
    terms: Terms
    index_terms: IndexTerms
    key: str  # its build-cache key

    def document(self, source: Source) -> Document:
        """The source (the one named by rel) as a Document; made on demand, as a copy of every body
        would cost memory."""
        text, start = source.text, 0
        for _ in range(self.body_line - 1):
            newline = text.find("\n", start)
            start = newline + 1 if newline >= 0 else len(text)
        return Document(source=source, meta=self.meta, body=text[start:], body_line=self.body_line)


def prepare_reports(sources: Sequence[Source], config: SiteConfig, tz: tzinfo, now: datetime,
                    cache: ReportCache, workers: int = 1, progress: Progress | None = None,
                    known: dict[int, tuple[Source, str, Prepared]] | None = None
                    ) -> tuple[list[Prepared], list[Problem]]:
    """Every source parsed, rendered and reduced to terms, in source order, with the problems found.

    With workers > 1, reports missing from the cache are rendered in that many processes when there
    are enough of them; the process that calls this must then be importable, as `spawn` requires
    (`python -m builder` is). `known` (kept by `serve`) maps the last build's sources, by identity,
    to (source, cache salt, its Prepared): the very same Source under the same salt is prepared
    already, without hashing or looking up its text again. It is updated to this build's.
    """
    last = known or {}
    keys: list[str] = []
    reused: list[str] = []
    found: list[Prepared | None] = []
    todo = []
    for index, source in enumerate(sources):
        remembered = last.get(id(source))
        if remembered is not None and remembered[0] is source and remembered[1] == cache.salt:
            keys.append(remembered[2].key)
            reused.append(remembered[2].key)
            found.append(remembered[2])
            continue
        key = cache.key(source.text)
        keys.append(key)
        entry = cache.get(key)
        found.append(_prepared(source, entry, key) if entry is not None else None)
        if entry is None:
            todo.append(index)
    cache.reuse(reused)
    problems: list[Problem] = []
    done = len(sources) - len(todo)
    for indices, results in _compute([sources[i] for i in todo], todo, config, tz, now, workers):
        for index, (result, found_problems) in zip(indices, results):
            problems += found_problems
            if isinstance(result, tuple):
                cache.put(keys[index], result)
                # Decoded here, just as a cache hit is, so a cold build and a warm one see equal values;
                # kept as a hit would be, so `serve`'s next rebuild need not read it back from disk.
                result = cache.memory[keys[index]] = decode_entry(result)
            if result is not None:
                found[index] = _prepared(sources[index], result, keys[index])
        done += len(indices)
        if progress:
            progress(done, len(sources))
    if known is not None:
        known.clear()
        known.update((id(s), (s, cache.salt, p)) for s, p in zip(sources, found) if p is not None)
    return [p for p in found if p is not None], problems


def _prepared(source: Source, entry: Entry, key: str) -> Prepared:
    return Prepared(rel=source.rel, meta=entry.meta, body_line=entry.body_line, rendered=entry.rendered,
                    terms=entry.terms, index_terms=entry.index_terms, key=key)


def _compute(sources: list[Source], indices: list[int], config: SiteConfig, tz: tzinfo, now: datetime,
             workers: int):
    """Yield (indices, results) per chunk, from worker processes when there is enough work."""
    chunks = [(indices[i:i + CHUNK], sources[i:i + CHUNK]) for i in range(0, len(sources), CHUNK)]
    workers = min(workers, len(chunks))
    if len(sources) < PARALLEL_MIN or workers < 2:
        for chunk_indices, chunk in chunks:
            yield chunk_indices, render_chunk(chunk, config, tz, now)
        return
    # "spawn": a worker starts from a clean interpreter instead of a copy of this process's memory.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = pool.map(render_chunk, [c for _, c in chunks], repeat(config), repeat(tz), repeat(now))
        for (chunk_indices, _), result in zip(chunks, results):
            yield chunk_indices, result


def _prepare_one(source: Source, markdown: MarkdownRenderer, config: SiteConfig, tz: tzinfo, now: datetime
                 ) -> tuple[tuple | Entry | None, list[Problem]]:
    document, problems = parse_document(source, tz)
    if document is None:
        return None, problems
    try:
        rendered = markdown.render(document.body)
    except MarkupError as error:
        return None, [Problem(f"content/{source.rel}", document.body_line + error.line - 1, error.message, error.hint)]
    except RecursionError:
        return None, [Problem(f"content/{source.rel}", document.body_line, "the Markdown is nested too deeply to render",
                              "reduce the levels of nested lists or quotes")]
    report = make_report(document, rendered, config, now)
    tokens = tokenize(report.text)  # once, for both kinds of terms
    entry = Entry(document.meta, document.body_line, rendered,
                  report_terms(report.title, report.summary, report.text, text_tokens=tokens),
                  report_index_terms(report, tokens))
    # An `extra` the cache cannot store (a date, say) comes back as it is and is not cached.
    return encode_entry(entry) or entry, problems


def render_chunk(sources: Sequence[Source], config: SiteConfig, tz: tzinfo, now: datetime
                 ) -> list[tuple[tuple | Entry | None, list[Problem]]]:
    """For each source: its entry, encoded for the cache where it can be (None if it has problems); its problems."""
    markdown = MarkdownRenderer(unsafe_html=config.unsafe_html)
    out = []
    for source in sources:
        try:
            out.append(_prepare_one(source, markdown, config, tz, now))
        except Exception as exc:  # the error boundary of one report: the others still build
            out.append((None, [unexpected(f"content/{source.rel}", exc)]))
    return out
