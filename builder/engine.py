"""The stages of an update, each a function of the store's state and of what changed since it was made.

What a change reaches, stage by stage (each stops where its result comes out the same):

| stage         | made again for                                   | made from                               |
|---------------|--------------------------------------------------|-----------------------------------------|
| entries       | sources whose text, or the prepare salt, changed | the source's text and the salt          |
| records       | reports whose entry changed, whose scheduled date | the entry's head, settings, the clock,  |
|               | came, or whose links' answers changed             | the answers of its links               |
| Explore more  | when any report's terms, topics or date changed,  | every published report's slug, date,    |
|               | or reports came or went                          | topics and terms                        |
| search index  | the reports whose card or body changed           | cards, search terms and texts           |
| pages         | pages whose fingerprint changed                  | settings, theme, and the digests of the |
|               |                                                  | cards and reports they show             |

Nothing here is kept between updates but what the store keeps.
"""
from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Mapping

from . import codec, feeds
from .config import load_config, site_timezone
from .assets import published_asset
from .content import SiteLink, World, check_slugs, make_card, resolve_report
from .content import unknown_site_links as check_site_links
from .errors import Problem
from .languages import Language, load_language
from .listing import (Digests, PageSpec, collect_series, collect_topics, fingerprint, name_topics, page_of, plan_specs,
                      sort_reports)
from .load import RACY, ContentScan, read_source, scan_content
from .model import Card, Report, SiteConfig, Source, Topic
from .prepare import entry_key, prepare_entries, prepare_salt
from .redirects import REDIRECTS_FILE, alias_clashes, redirect_pages, redirects_file
from .related import RelatedIndex
from .render import StaticFile, collect_static, theme_dirs
from .search import SearchIndex, build_index, update_index
from .store import CACHE_DIR, Changes, EntryHead, Made, Record, Store, code_version, digest, notes_of
from .urls import output_path

RELATED = "related"
SEARCH = "search"


@dataclass(frozen=True)
class Settings:
    """What every page depends on: the site's settings, its theme and trendsite's code."""

    config: SiteConfig
    dirs: tuple[Path, ...]  # template folders, the site's own first
    static: dict[str, StaticFile]
    language: Language  # its catalogs are theme files, in the digest
    digest: str
    salt: str  # what entries depend on besides their text (prepare.prepare_salt)


def read_settings(root: Path, base_url: str | None) -> Settings:
    """The settings (with base_url replaced, for a deploy preview), the theme's files and their digest.

    --drafts and --future are not in it: they change which reports are published, which every page
    that shows one already counts (listing.fingerprint)."""
    config = load_config(root, base_url)
    dirs = theme_dirs(root)
    static = collect_static(dirs)
    parts: list[str | bytes] = [code_version(), repr(config)]
    for folder in dirs:
        for base, subdirs, names in os.walk(folder):
            subdirs.sort()
            for name in sorted(names):
                path = os.path.join(base, name)
                parts += [os.path.relpath(path, folder), Path(path).read_bytes()]
    parts += sorted(s.url for s in static.values())
    language = load_language(config.language, dirs)
    return Settings(config=config, dirs=dirs, static=static, language=language, digest=digest(*parts),
                    salt=prepare_salt(config, language.markup_titles()))


def scan(root: Path, settings: Settings, store: Store) -> ContentScan:
    """content/ now, reading only the files whose stamps changed since the state was made."""
    known = {path[len("content/"):]: value for path, value in store.inputs().items() if path.startswith("content/")}
    return scan_content(root, settings.config.max_file_bytes, known)


# -- nothing changed ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LastSite:
    """What the last update said of the site, kept to stand for it while nothing it was made from changes."""

    steady: str  # steady_key of its settings and options
    next_change: datetime | None
    warnings: tuple[Problem, ...]
    left_out: Mapping[str, int]


def steady_key(settings: Settings, drafts: bool, future: bool) -> str:
    """Everything but content/ and the clock that an update's output is made from."""
    return digest(settings.digest, str(drafts), str(future))


def encode_last_site(steady: str, next_change: datetime | None, warnings: list[Problem],
                     left_out: Mapping[str, int]) -> str:
    return json.dumps([steady, next_change and next_change.isoformat(), codec.encode_warnings(warnings),
                       dict(left_out)])


def last_site(store: Store, steady: str, found: ContentScan, now: datetime) -> LastSite | None:
    """The last update's site if it stands: same settings, theme, code and options, no content file changed,
    the clock short of its next change, and output/ holding every file as the state records it. Else None."""
    try:
        key, until, warnings, left_out = json.loads(store.meta()["last_site"])
        last = LastSite(key, until and datetime.fromisoformat(until), codec.decode_warnings(warnings),
                        {str(option): int(count) for option, count in left_out.items()})
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    if (last.steady != steady or store.notices or found.problems or (last.next_change and now >= last.next_change)
            or not store.outputs_intact or not _same_files(found, store)):
        return None
    return last


def _same_files(found: ContentScan, store: Store) -> bool:
    """Whether content/ holds the files the state records, as it records them. A file the last scan found
    just written (its stamp marked racy, load.stamp_of) was read again: its bytes, not its stamp, count."""
    known = store.inputs()
    files = (*found.sources.values(), *found.assets.values())
    return len(files) == len(known) and all(
        (was := known.get(f"content/{f.rel}")) is not None
        and (was[0] == f.stamp or was[0].endswith(RACY)) and was[1] == f.digest for f in files)


def input_changes(found: ContentScan, store: Store) -> dict[str, tuple[str, str] | None]:
    """The state's `inputs` rows this scan changes."""
    now = {f"content/{f.rel}": (f.stamp, f.digest) for f in (*found.sources.values(), *found.assets.values())}
    known = store.inputs()
    changed: dict[str, tuple[str, str] | None] = {p: None for p in known if p not in now}
    changed.update((p, v) for p, v in now.items() if known.get(p) != v)
    return changed


def prepare(root: Path, found: ContentScan, settings: Settings, store: Store, workers: int, progress,
            holds: Callable[[str], bool]) -> tuple[dict[str, str], list[Problem]]:
    """Content path -> entry key of every source that prepares without errors, preparing those the
    store has no entry for; and the problems found. `holds` tells whether output/ has a file."""
    keys = {rel: entry_key(settings.salt, f.digest) for rel, f in found.sources.items()}
    records = store.records()
    lost = _lost_media(records, store, holds)
    unknown = {rel: key for rel, key in keys.items()
               if rel not in records or records[rel].entry != key or not reads_hold(records[rel].reads, found)
               or rel in lost}
    # An entry is keyed by its source's text; one that read files beside it holds while their bytes do.
    heads = store.heads(set(unknown.values()))
    lost_heads = _lost_media(heads, store, holds)
    have = {key for key, head in heads.items() if reads_hold(head.reads, found) and key not in lost_heads}
    todo: dict[str, tuple[str, Source]] = {}
    problems: list[Problem] = []
    for rel, key in unknown.items():
        if key in have:
            continue
        source = found.read.get(rel) or read_source(root, rel, problems)
        if source is not None:
            todo[rel] = (key, source)
    made, found_problems = prepare_entries(todo, settings.config, settings.language.markup_titles(),
                                           site_timezone(settings.config), store, workers, progress)
    failed = {p.path[len("content/"):] for p in found_problems if p.is_error} | (todo.keys() - made.keys())
    failed |= {p.path[len("content/"):] for p in problems}
    return {rel: key for rel, key in keys.items() if rel not in failed}, problems + found_problems


def reads_hold(reads: tuple[tuple[str, str], ...], found: ContentScan) -> bool:
    """Whether every file beside a report that its entry read still has the bytes it read, and every
    one it looked for in vain is still missing."""
    return all(found.assets.get(path) is None if not made else
               (file := found.assets.get(path)) is not None and file.digest == made for path, made in reads)


def _lost_media(entries: Mapping[str, Record | EntryHead], store: Store, holds: Callable[[str], bool]) -> set[str]:
    """The names of those `entries` (records or entry heads) some file made for which neither output/ nor
    the store has any more (made values unused for long are pruned): preparing them again makes it."""
    wanted = {key for entry in entries.values() for path, key in entry.made if not holds(path)}
    missing = store.made.missing(wanted) if wanted else set()
    return {name for name, entry in entries.items() if any(key in missing for _, key in entry.made)}


@dataclass(frozen=True)
class Reports:
    """Every report that built, as the state will keep it, and what changed since the state was made."""

    records: dict[str, Record]  # content path -> record
    changed: set[str]  # content paths of records new or different from the state's
    problems: list[Problem]  # slugs that clash
    link_problems: list[Problem]  # broken links: later stages survive them, so every one is reported


def make_records(root: Path, found: ContentScan, keys: Mapping[str, str], failed: set[str], settings: Settings,
                 store: Store, now: datetime, shown: tuple[bool, bool]) -> Reports:
    """A record for every report that prepared, made again where its inputs changed (see the table above)."""
    config = settings.config
    same_settings = store.meta().get("settings") == settings.digest
    old = store.records()
    cards: dict[str, Card] = {}  # content path -> card, before its image is resolved, of every report
    kept: dict[str, Record] = {}
    for rel, key in keys.items():
        record = old.get(rel)
        if (same_settings and record is not None and record.entry == key and reads_hold(record.reads, found)
                and record.card.future == (record.card.date > now)):
            kept[rel] = record
            cards[rel] = record.card
    heads = store.heads({keys[rel] for rel in keys if rel not in kept})
    for rel, key in keys.items():
        if rel not in kept:
            cards[rel] = make_card(rel, heads[key], config, now)
    problems = check_slugs(cards.values())
    link_problems: list[Problem] = []

    # Links: a kept report's are resolved again only if a path they ask about changed.
    known_assets = {p[len("content/"):] for p in store.inputs() if p.startswith("content/")} - old.keys()
    touched = ({rel for rel in keys if rel not in kept} | (old.keys() - kept.keys())
               | (found.assets.keys() ^ known_assets) | failed)
    world = World(cards, anchors=lambda rel: store.heads([keys[rel]])[keys[rel]].anchors,
                  published=found.assets.keys(), failed=failed, shown=shown,
                  static={name: f.url for name, f in settings.static.items()})
    again = [rel for rel, record in kept.items()
             if any(question[1] in touched for question, _ in record.links) and not world.holds(record.links)]
    to_resolve = [rel for rel in keys if rel not in kept] + again
    bodies = store.bodies({keys[rel] for rel in to_resolve})
    heads = store.heads({keys[rel] for rel in to_resolve})
    records = dict(kept)
    for rel in to_resolve:
        key = keys[rel]
        html, head = bodies[key][0], heads[key]
        card = cards[rel]
        resolved = resolve_report(card, html, world, config.base_path, _source_text(root, rel), config.broken_links)
        link_problems += [p for p in resolved.problems if p.is_error]
        card = replace(card, image=resolved.image) if resolved.image != card.image else card
        card_digest = digest(codec.dump(codec.encode_card(card)))
        records[rel] = Record(
            source=rel, entry=key, card=card, card_digest=card_digest,
            # The key stands for the source's text; the files the entry read count besides it.
            page_digest=digest(key, codec.dump(head.reads), card_digest, codec.dump(resolved.answers)),
            terms_digest=head.terms_digest, search_digest=head.search_digest, reads=head.reads,
            links=resolved.answers,
            site_links=tuple(tuple(link) for link in resolved.site_links),
            html=resolved.html if resolved.html != html else None,
            notes=head.notes + codec.encode_notes(tuple(p for p in resolved.problems if not p.is_error)),
            made=head.made, summary_written=bool(head.meta.summary), key_lines=head.key_lines)
    changed = {rel for rel, record in records.items() if old.get(rel) != record}
    return Reports(records=records, changed=changed, problems=problems, link_problems=link_problems)


def _source_text(root: Path, rel: str) -> Callable[[], str]:
    """A report's Markdown, read once when a problem needs the line it is on."""
    read: list[str] = []

    def text() -> str:
        if not read:
            read.append((root / "content" / rel).read_text("utf-8-sig", "replace").replace("\r\n", "\n"))
        return read[0]
    return text


def unknown_site_links(root: Path, records: Mapping[str, Record], exists: set[str], broken_links: str
                       ) -> list[Problem]:
    """A problem for each site-absolute link of a report to a path the site has no file at."""
    links = [SiteLink(*link) for record in records.values() for link in record.site_links]
    return check_site_links(links, exists.__contains__, lambda rel: _source_text(root, rel)(), broken_links)


def asset_clashes(found: ContentScan, made: set[str]) -> list[Problem]:
    """A problem for each file beside the reports at the path of a page or file the site generates."""
    return [Problem(f"content/{rel}", None, "has the same path as a generated page", "rename or move the file")
            for rel in found.assets if rel in made]


def publish_assets(root: Path, found: ContentScan, settings: Settings, store: Store, output) -> list[Problem]:
    """Put every file beside the reports into `output` as it is published (an SVG without scripts, say),
    looking only at those whose bytes or settings changed; the problems of those that cannot be."""
    same_settings = store.meta().get("settings") == settings.digest
    known = store.inputs()
    problems = []
    for rel, file in found.assets.items():
        if same_settings and known.get(f"content/{rel}") == (file.stamp, file.digest) and output.holds(rel):
            output.keep(rel)
            continue
        published = published_asset(f"content/{rel}", root / "content" / rel, settings.config.unsafe_html)
        if isinstance(published, Problem):
            problems.append(published)
        elif published is None:
            output.copy(rel, root / "content" / rel, file.digest)
        else:
            output.put(rel, published)
    return problems


def media_files(records: Mapping[str, Record]) -> dict[str, str]:
    """Output path -> Made key of every file made for the reports (a chart's SVG, a picture's sizes)."""
    return {path: key for record in records.values() for path, key in record.made}


def publish_media(files: Mapping[str, str], store: Store, output) -> list[Problem]:
    """Put every made file into `output`: one output/ has is kept, as its path names its bytes."""
    problems = []
    for path, key in sorted(files.items()):
        if output.holds(path):
            output.keep(path)
            continue
        data = store.made.get(key)
        if data is None:  # prepare() remakes what is lost: only a store changed behind its back gets here
            problems.append(Problem(f"{CACHE_DIR}/values.sqlite", None, f"has lost the bytes of {path}",
                                    f"build again; if that does not help, delete {CACHE_DIR}/"))
        else:
            output.put(path, data)
    return problems


def notes(reports: Reports) -> list[Problem]:
    """The warnings of every report: its entry's and its links'."""
    return [p for rel, r in sorted(reports.records.items()) if r.notes for p in notes_of(f"content/{rel}", r.notes)]


def published(records: Mapping[str, Record], drafts: bool, future: bool) -> tuple[Card, ...]:
    """The cards of the reports the site shows, newest first."""
    return sort_reports([r.card for r in records.values()
                         if (drafts or not r.card.draft) and (future or not r.card.future)])


# -- Explore more ---------------------------------------------------------------------------------

def related_picks(cards: tuple[Card, ...], records_by_slug: Mapping[str, Record], count: int, store: Store,
                  changes: Changes) -> dict[str, tuple[str, ...]]:
    """Each published report's Explore-more picks, best first, by slug: the stored ranking while what
    it was made from (slugs, dates, topics, terms, count) is the same, else ranked again."""
    made_from = digest(str(count), *(f"{c.slug}\0{c.date.isoformat()}\0{' '.join(t.slug for t in c.topics)}\0"
                                     f"{records_by_slug[c.slug].terms_digest}" for c in cards))
    stored = store.blob(RELATED, _decode_picks)
    if stored is not None and stored[0] == made_from:
        return stored[1]
    terms = store.terms({records_by_slug[c.slug].entry for c in cards})
    index = RelatedIndex(cards, {c.slug: terms[records_by_slug[c.slug].entry] for c in cards})
    picks = {index.reports[a].slug: tuple(index.reports[b].slug for _, b in ranking)
             for a, ranking in enumerate(index.rank_all(count))}
    changes.blobs[RELATED] = (made_from, codec.dump(picks), picks)
    return picks


def _decode_picks(plain) -> dict[str, tuple[str, ...]]:
    if type(plain) is not dict or not all(type(k) is str and type(v) is tuple for k, v in plain.items()):
        raise ValueError("Explore-more picks of the wrong shape")
    return plain


# -- search -----------------------------------------------------------------------------------------

def search_files(cards: tuple[Card, ...], records_by_slug: Mapping[str, Record], store: Store, changes: Changes,
                 holds: Callable[[str], bool], language: Language) -> tuple[dict[str, bytes], set[str]]:
    """(the search index's files that changed, every path of the index): the stored index updated where
    only reports' cards or words changed, else made afresh (also when output/ lost one of its files)."""
    made = {c.slug: digest(records_by_slug[c.slug].card_digest, records_by_slug[c.slug].search_digest,
                           *(t.name for t in c.topics)) for c in cards}
    stored = store.blob(SEARCH, SearchIndex.from_plain)
    index = stored[1] if stored is not None and all(map(holds, stored[1].paths())) else None

    def words(slugs) -> dict[str, tuple]:
        keys = {slug: records_by_slug[slug].entry for slug in slugs}
        terms, bodies = store.index_terms(set(keys.values())), store.bodies(set(keys.values()))
        return {slug: (terms[key], bodies[key][1]) for slug, key in keys.items()}

    if index is None or not update_index(index, cards, made, words, language):
        found = words([c.slug for c in cards])
        index = build_index(cards, made, {s: t for s, (t, _) in found.items()}, {s: x for s, (_, x) in found.items()},
                            language)
    if index.files:
        data = codec.dump(index.plain())
        changes.blobs[SEARCH] = (digest(data), data, index)
    return index.files, index.paths()


# -- pages ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Planned:
    """A file of the site made from the model (a page, a feed, the sitemap), with its fingerprint."""

    path: str  # in output/
    fingerprint: str
    spec: PageSpec | None  # None for feeds, the sitemap and robots.txt
    make: Callable[[], bytes] | None = None  # for those: their bytes


def plan(settings: Settings, cards: tuple[Card, ...], topics: tuple[Topic, ...],
         related: Mapping[str, tuple[str, ...]], records_by_slug: Mapping[str, Record],
         full: Callable[[list[Card]], list[Report]], absolute_url: Callable[[str], str], now: datetime,
         made: Made) -> list[Planned]:
    """Every page, feed and the sitemap, each with its fingerprint (listing.fingerprint); `now` is the
    build's clock, which rising topics and stale notices are reckoned from; `made` keeps topics' timelines."""
    config = settings.config
    # Pages show topics by the names most reports spell them with (listing.name_topics), which no
    # single report's digest covers: they count for every page.
    names = digest(*sorted({f"{t.slug}={t.name}" for c in cards for t in c.topics}))
    digests = Digests(settings=digest(settings.digest, names),
                      cards={s: r.card_digest for s, r in records_by_slug.items()},
                      pages={s: r.page_digest for s, r in records_by_slug.items()})
    specs = plan_specs(config, settings.language, cards, topics, related, now, made)
    planned = [Planned(output_path(spec.url), fingerprint(spec, digests), spec) for spec in specs]
    for path, page_url, title, listed in [("feed.xml", "", config.title, cards), *(
            (f"{t.url}feed.xml", t.url, f"{config.title}: {t.name}", t.reports) for t in topics), *(
            (f"{s.url}feed.xml", s.url, f"{config.title}: {s.name}", s.editions[::-1]) for s in collect_series(cards))]:
        newest = list(listed[:config.feed_size])
        planned.append(Planned(path, digest(digests.settings, path, title, *(digests.pages[c.slug] for c in newest)),
                               None, lambda path=path, page_url=page_url, title=title, newest=newest:
                               feeds.atom_feed(config, full(newest), path, page_url, title, absolute_url)))
    modified = {c.url: c.updated or c.date for c in cards}
    entries = [(spec.url, modified.get(spec.url)) for spec in specs if spec.kind != "404"]
    planned.append(Planned("sitemap.xml", digest(settings.digest, *(f"{u} {m and m.date()}" for u, m in entries)),
                           None, lambda: feeds.sitemap(entries, absolute_url)))
    planned.append(Planned("robots.txt", settings.digest, None, lambda: feeds.robots(absolute_url)))
    planned += [Planned(output_path(spec.url), fingerprint(spec, digests), spec) for spec in redirect_pages(cards)]
    if any(c.aliases for c in cards):
        redirects = redirects_file(cards, config.base_path)
        planned.append(Planned(REDIRECTS_FILE, digest(redirects), None, lambda: redirects))
    return planned


def aliases_clashing(root: Path, cards: tuple[Card, ...], planned: list[Planned], files: Iterable[str],
                     found: ContentScan) -> list[Problem]:
    """A problem for each alias at the path of a page or file of the site (`files`: the search index's and
    the theme's), or of another alias."""
    if not any(card.aliases for card in cards):
        return []
    taken = {path: f"the file /{path}" for path in files}
    taken |= {rel: f"content/{rel}" for rel in found.assets}
    sources = {card.slug: card.source for card in cards}
    for item in planned:
        spec = item.spec
        if spec is None:
            taken[item.path] = f"the file /{item.path}"
        elif spec.kind != "redirect":
            taken[item.path] = f"content/{sources[spec.own]}" if spec.own else f"the page /{spec.url}"
    return alias_clashes(cards, taken, lambda rel: _source_text(root, rel)())
