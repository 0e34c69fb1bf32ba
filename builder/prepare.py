"""Per-report work: front matter, Markdown and terms, for the sources the store has no entry for.

An entry is keyed by the source's text and by everything else that shapes it (the prepare salt:
trendsite's code, the libraries, the settings Markdown reads), so an unchanged report is never parsed
again, whatever else changed. Misses are rendered across the cores when there are enough of them.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, tzinfo
from itertools import repeat
from pathlib import Path
from typing import Callable, Mapping, Sequence

from . import codec
from .content import make_card
from .errors import Problem, unexpected, warning
from .extensions import extensions_digest
from .frontmatter import key_lines, parse_document
from .images import card_picture, missing_alt
from .languages import site_stopwords
from .load import ReportFiles
from .markup import MarkdownRenderer, MarkupError
from .model import SiteConfig, Source
from .prose import template_tags
from .search import report_index_terms
from .store import Entry, EntryHead, Made, Store, code_version, digest
from .terms import report_terms, tokenize

# Starting a worker (a fresh interpreter importing Markdown and Pygments) costs about as much as
# rendering this many reports; below it, one process is faster.
PARALLEL_MIN = 150
CHUNK = 64  # reports per task: large enough to amortise the hand-over, small enough to balance the load
_ID = re.compile(r'\sid="([^"]+)"')

Progress = Callable[[int, int], None]


def prepare_salt(config: SiteConfig, titles: tuple[str, ...]) -> str:
    """What, beside a source's text, decides its entry: trendsite's code and libraries, the settings the
    Markdown stage reads (the site's own extensions among them), and what of the site's language it
    writes: the stopwords its terms are made without, and the titles of heading and footnote links
    (`titles`, see markup.TITLES)."""
    return digest(code_version(), f"unsafe_html={config.unsafe_html}", f"timezone={config.timezone}",
                  f"markdown_extensions={config.markdown_extensions!r}",
                  extensions_digest(tuple(name for name, _ in config.markdown_extensions)),
                  "stopwords=" + " ".join(sorted(site_stopwords(config))), *titles)


def entry_key(salt: str, source_digest: str) -> str:
    return digest(salt, source_digest)


def prepare_entries(sources: Mapping[str, tuple[str, Source]], config: SiteConfig, titles: tuple[str, ...],
                    tz: tzinfo, store: Store, workers: int = 1, progress: Progress | None = None
                    ) -> tuple[dict[str, str], list[Problem]]:
    """Prepare each source (content path -> (entry key, Source)) and store its entry by its key; return
    content path -> key of those that prepared without errors, and the problems found. `titles` are the
    link titles Markdown writes, in the site's language (markup.TITLES)."""
    keys = {rel: key for rel, (key, _) in sources.items()}
    problems: list[Problem] = []
    failed: set[str] = set()
    done = 0
    for chunk, results in _compute([source for _, source in sources.values()], config, titles, tz, workers,
                                   store.made):
        made = {}
        for source, (entry, found) in zip(chunk, results):
            problems += found
            if entry is None:
                failed.add(source.rel)
            else:
                made[keys[source.rel]] = entry
        store.put_entries(made)
        done += len(chunk)
        if progress:
            progress(done, len(sources))
    return {rel: key for rel, key in keys.items() if rel not in failed}, problems


def _compute(sources: list[Source], config: SiteConfig, titles: tuple[str, ...], tz: tzinfo, workers: int,
             made: Made):
    """Yield (chunk, results) per chunk of sources, from worker processes when there is enough work."""
    chunks = [sources[i:i + CHUNK] for i in range(0, len(sources), CHUNK)]
    workers = min(workers, len(chunks))
    if len(sources) < PARALLEL_MIN or workers < 2 or made.path is None:
        for chunk in chunks:
            yield chunk, prepare_chunk(chunk, config, titles, tz, made)
        return
    # "spawn": a worker starts from a clean interpreter instead of a copy of this process's memory.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from zip(chunks, pool.map(prepare_chunk, chunks, repeat(config), repeat(titles), repeat(tz),
                                        repeat(made.path)))


def prepare_chunk(sources: Sequence[Source], config: SiteConfig, titles: tuple[str, ...], tz: tzinfo,
                  made: Made | Path | None = None) -> list[tuple[Entry | None, list[Problem]]]:
    """For each source: its entry (None if it has errors) and its problems. `made` keeps what extensions
    make from other files (charts, say): the store's, the path of its database in a worker process, or
    None to keep nothing."""
    own = isinstance(made, Path)
    if own:
        made = Made.open(made)
    markdown = MarkdownRenderer(unsafe_html=config.unsafe_html, extensions=config.markdown_extensions,
                                titles=titles)
    stopwords = site_stopwords(config)
    out = []
    for source in sources:
        try:
            out.append(_prepare_one(source, markdown, config, tz, stopwords, made))
        except Exception as exc:  # the error boundary of one report: the others still build
            out.append((None, [unexpected(f"content/{source.rel}", exc)]))
    if own:
        made.mark_used()
    return out


def _prepare_one(source: Source, markdown: MarkdownRenderer, config: SiteConfig, tz: tzinfo,
                 stopwords: frozenset[str], made: Made | None) -> tuple[Entry | None, list[Problem]]:
    document, problems = parse_document(source, tz)
    if document is None:
        return None, problems
    files = ReportFiles(source.path.parents[source.rel.count("/")], source.rel)
    try:
        rendered = markdown.render(document.body, files, made)
    except MarkupError as error:
        return None, [Problem(f"content/{source.rel}", document.body_line + error.line - 1, error.message, error.hint)]
    except RecursionError:
        return None, [Problem(f"content/{source.rel}", document.body_line, "the Markdown is nested too deeply to render",
                              "reduce the levels of nested lists or quotes")]
    shown = f"content/{source.rel}"
    media = rendered.media
    thumbnail = card_picture(document.meta.image, media, files, made)
    warnings = tuple(p for p in problems if not p.is_error) + tuple(template_tags(source, document.body_line)) \
        + tuple(missing_alt(shown, document.body, document.body_line)) \
        + tuple(warning(shown, line and document.body_line + line - 1, message, hint)
                for line, message, hint in media.warnings)
    head = EntryHead(meta=document.meta, body_line=document.body_line, first_paragraph=rendered.first_paragraph,
                     word_count=rendered.word_count, headings=rendered.headings,
                     anchors=frozenset(h.id for h in rendered.headings) | frozenset(_ID.findall(rendered.html)),
                     notes=codec.encode_notes(warnings), terms_digest="", search_digest="",
                     reads=tuple(sorted(files.read.items())), made=tuple(sorted(media.made.items())),
                     thumbnail=thumbnail, key_lines=key_lines(source.text, document.body_line))
    # Terms come from the card's title and summary: a summary not written is the first paragraph's.
    card = make_card(source.rel, head, SiteConfig(), datetime.max.replace(tzinfo=tz))
    tokens = tokenize(rendered.text, stopwords)  # once, for both kinds of terms
    terms = report_terms(card.title, card.summary, rendered.text, text_tokens=tokens, stopwords=stopwords)
    index_terms = report_index_terms(card, rendered.text, tokens, stopwords)
    head = replace(head, terms_digest=_digest(codec.dump(terms)),
                   search_digest=_digest(codec.dump(index_terms), rendered.text.encode("utf-8", "surrogatepass")))
    return Entry(head=head, html=rendered.html, text=rendered.text, terms=terms, index_terms=index_terms), \
        [p for p in problems if p.is_error]


def _digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()
