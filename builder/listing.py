"""Plan every page of the site (home index, reports, topics, archive) as page specs; ordering and pagination.

A PageSpec is small and plain: a page's template, its own values, and the reports it shows, by slug.
Its context for the template (context_of) is made from the spec and those reports' cards alone, and
its fingerprint (fingerprint) from the spec and their digests: a report shown as a card counts by its
card digest, the report a page shows whole by its page digest (store.Record). Two builds that give a
page the same fingerprint render it to the same bytes, so the second need not render it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import charts, trends
from .languages import Language
from .model import (Card, Page, Pagination, RelatedCard, Report, Series, SeriesRef, SiteConfig, Topic, TopicRef,
                    TopicTile)
from .store import Made, digest
from .urls import paginate_url, topic_slug


@dataclass(frozen=True)
class PageSpec:
    """One HTML page: see the module's docstring."""

    url: str
    template: str
    kind: str  # "home", "report", "topics", "topic", "series-index", "series", "archive", "search" or "404"
    title: str = ""  # a report's page takes its report's title and summary instead
    description: str = ""
    values: tuple[tuple[str, Any], ...] = ()  # plain context values by name: pagination, topic, counts
    cards: tuple[tuple[str, tuple[str, ...]], ...] = ()  # context name -> the slugs of the reports it shows
    own: str = ""  # a report's page: the slug of the report it shows whole

    def shows(self) -> set[str]:
        """The slugs of every report the page shows."""
        return {slug for _, slugs in self.cards for slug in slugs} | ({self.own} if self.own else set())


@dataclass(frozen=True)
class Digests:
    """What the fingerprints of pages are made from, besides the pages' own values."""

    settings: str  # the site's settings, theme, topic names and trendsite's code: every page depends on them
    cards: Mapping[str, str]  # slug -> card digest
    pages: Mapping[str, str]  # slug -> page digest


def sort_reports(cards: Sequence[Card]) -> tuple[Card, ...]:
    """Newest first; reports from the same moment in slug order, so output is deterministic."""
    by_slug = sorted(cards, key=lambda r: r.slug)
    return tuple(sorted(by_slug, key=lambda r: r.date, reverse=True))


def name_topics(reports: Sequence[Card]) -> tuple[Card, ...]:
    """The reports with every topic named as most of them spell it ("AI" where 3 write "AI", 1 "ai"),
    so that a topic has one name on every page; a report already using those names is kept as it is."""
    names = {slug: most_used(spellings) for slug, spellings in topic_spellings(r.topics for r in reports).items()}
    return tuple(report if all(names[t.slug] == t.name for t in report.topics)
                 else replace(report, topics=tuple(TopicRef(names[t.slug], t.slug) for t in report.topics))
                 for report in reports)


def topic_spellings(topics: Iterable[Iterable[TopicRef]]) -> dict[str, Counter[str]]:
    """Topic slug -> how many reports spell it each way, from each report's topics."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for refs in topics:
        for ref in refs:
            spellings[ref.slug][ref.name] += 1
    return spellings


def most_used(spellings: Counter[str]) -> str:
    """The spelling most reports use; of spellings used as often, the first in code point order."""
    return min(spellings, key=lambda name: (-spellings[name], name))



def collect_topics(cards: Sequence[Card]) -> tuple[Topic, ...]:
    """Every topic with its reports (newest first, as `cards` are), sorted by name."""
    grouped: dict[str, list[Card]] = defaultdict(list)
    refs: dict[str, TopicRef] = {}
    for card in cards:
        for ref in card.topics:
            grouped[ref.slug].append(card)
            refs.setdefault(ref.slug, ref)
    return tuple(Topic(ref=refs[slug], reports=tuple(grouped[slug]))
                 for slug in sorted(refs, key=lambda s: (refs[s].name.lower(), s)))


def series_slug(name: str) -> str:
    """A series' slug, made as a topic's: names whose slugs are the same are one series."""
    return topic_slug(name) or "series"


def collect_series(cards: Sequence[Card]) -> tuple[Series, ...]:
    """Every series with its editions oldest first (ties by slug), sorted by name; each named as most of its
    editions spell it."""
    editions: dict[str, list[Card]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for card in cards:
        if card.series:
            slug = series_slug(card.series)
            editions[slug].append(card)
            spellings[slug][card.series] += 1
    refs = {slug: SeriesRef(most_used(names), slug) for slug, names in spellings.items()}
    return tuple(Series(refs[slug], tuple(sorted(sorted(editions[slug], key=lambda c: c.slug), key=lambda c: c.date)))
                 for slug in sorted(refs, key=lambda s: (refs[s].name.lower(), s)))


def plan_specs(config: SiteConfig, language: Language, cards: Sequence[Card], topics: Sequence[Topic],
               related: Mapping[str, tuple[str, ...]], now: datetime, made: Made | None = None) -> list[PageSpec]:
    """Every HTML page, in a stable order, titled in the site's language; `cards` must already be newest
    first, `related` maps a report's slug to its Explore-more picks, best first, and `now` is the build's
    clock, which rising topics and stale notices are reckoned from. Topics' timelines are drawn here, kept
    in `made` (none kept when it is None): their SVG is in the pages' values, so a page is made again
    exactly when its drawing changes, and the processes that render pages need no store to write to."""
    _, site = language.gettext, config.title
    months = trends.site_months(cards)
    timelines = {t.slug: trends.timeline(t.reports, months) for t in topics}
    specs = _paginated("", "home.html", [c.slug for c in cards], config.per_page, config.title,
                       config.description, (), language,
                       (("rising", trends.rising(cards, topics, timelines, config, now)),))
    all_series = collect_series(cards)
    in_series = {card.slug: series for series in all_series for card in series.editions}
    by_slug = {t.slug: t for t in topics}
    slugs = [c.slug for c in cards]
    for index, card in enumerate(cards):
        # Only a report in a series, or stale, has these (page_of gives the others their defaults): a site
        # of ten thousand reports plans and fingerprints its report pages as fast as without them.
        values: tuple = ()
        more: tuple = ()
        series = in_series.get(card.slug)
        if series:
            values = (("series", series.ref), ("edition", series.editions.index(card) + 1))
            more = (("editions", tuple(c.slug for c in series.editions)),)
        if trends.is_stale(card, config, now):
            values += (("stale", True),)
            more += (("fresher", trends.fresher(card, by_slug)),)
        specs.append(PageSpec(url=card.url, template="report.html", kind="report", own=card.slug, values=values,
                              cards=(("related", related.get(card.slug, ())),
                                     ("newer", tuple(slugs[index - 1:index]) if index else ()),
                                     ("older", tuple(slugs[index + 1:index + 2])), *more)))
    specs.append(PageSpec(url="topics/", template="topics.html", kind="topics", title=_("Topics"),
                          description=_("All topics covered by %(site)s.", site=site),
                          values=(("topics", tuple((t.ref, len(t.reports), timelines[t.slug]) for t in topics)),),
                          cards=(("latest", tuple(t.reports[0].slug for t in topics)),)))
    time_locale = language.time_locale()
    for topic in topics:
        caption = _("Reports on %(topic)s per month", topic=topic.name)
        chart = charts.timeline_chart(timelines[topic.slug], caption, made, time_locale)
        specs += _paginated(topic.url, "topic.html", [c.slug for c in topic.reports], config.per_page, topic.name,
                            _("%(site)s trend reports on %(topic)s, newest first.", site=site, topic=topic.name),
                            (("topic", topic.ref), ("topic_count", len(topic.reports))), language,
                            (("timeline", timelines[topic.slug]), ("timeline_caption", caption),
                             ("timeline_chart", chart)))
    if all_series:  # a site without series has no page of them, and no page links to one
        specs.append(PageSpec(url="series/", template="series-index.html", kind="series-index", title=_("Series"),
                              description=_("Every series of reports of %(site)s, with its editions.", site=site),
                              values=(("series", tuple((s.ref, len(s.editions)) for s in all_series)),),
                              cards=(("latest", tuple(s.editions[-1].slug for s in all_series)),)))
    for series in all_series:
        specs.append(PageSpec(url=series.url, template="series.html", kind="series", title=series.name,
                              description=_("Every edition of %(series)s, newest first.", series=series.name),
                              values=(("series", series.ref),),
                              cards=(("editions", tuple(c.slug for c in series.editions)),)))
    specs.append(PageSpec(url="archive/", template="archive.html", kind="archive", title=_("Archive"),
                          description=_("Every report of %(site)s by month.", site=site),
                          cards=(("years", tuple(slugs)),)))
    specs.append(PageSpec(url="search/", template="search.html", kind="search", title=_("Search"),
                          description=_("Search every report of %(site)s.", site=site)))
    specs.append(PageSpec(url="404.html", template="404.html", kind="404", title=_("Page not found")))
    return specs


def page_of(spec: PageSpec, cards: Mapping[str, Card], report: Report | None, toc_min_headings: int,
            language: Language) -> Page:
    """The page a template renders: the spec's context made from the cards of the reports it shows, and
    `report`, the whole report of a report's page."""
    shown = {name: tuple(cards[slug] for slug in slugs) for name, slugs in spec.cards}
    context: dict[str, Any] = {"kind": spec.kind, **dict(spec.values)}
    if spec.kind == "report":
        assert report is not None and report.slug == spec.own
        context = {"series": None, "edition": 0, "stale": False, **context}
        context.update(report=report, related=tuple(RelatedCard(c, _shared(report, c)) for c in shown["related"]),
                       newer=next(iter(shown["newer"]), None), older=next(iter(shown["older"]), None),
                       show_toc=len(report.headings) >= toc_min_headings, editions=shown.get("editions", ()),
                       fresher=shown.get("fresher", ()))
        return Page(url=spec.url, template=spec.template, context=context, title=report.title,
                    description=report.summary)
    if spec.kind == "redirect":  # an old address of a report: the page that sends readers on to it
        target = shown["target"][0]
        return Page(url=spec.url, template=spec.template, context={**context, "target": target.url},
                    title=target.title)
    if spec.kind == "topics":
        context["topics"] = tuple(TopicTile(ref, count, latest, timeline)
                                  for (ref, count, timeline), latest in zip(context["topics"], shown["latest"]))
    elif spec.kind == "series-index":
        context["series"] = tuple((ref, count, latest) for (ref, count), latest in zip(context["series"],
                                                                                       shown["latest"]))
    elif spec.kind == "series":
        context["editions"] = shown["editions"]
    elif spec.kind == "archive":
        context["years"] = archive(shown["years"], language)
    elif "reports" in shown:
        context["reports"] = shown["reports"]
    return Page(url=spec.url, template=spec.template, context=context, title=spec.title,
                description=spec.description)


def _shared(card: Card, other: Card) -> tuple[TopicRef, ...]:
    """The topics of `card` that `other` has too, in card's order: why an Explore-more card is there."""
    theirs = {t.slug for t in other.topics}
    return tuple(t for t in card.topics if t.slug in theirs)


Archive = list[tuple[int, list[tuple[str, tuple[Card, ...]]]]]


def archive(cards: Sequence[Card], language: Language) -> Archive:
    """Reports grouped by year, then month, newest first; months named in the site's language."""
    years: dict[int, dict[int, list[Card]]] = defaultdict(lambda: defaultdict(list))
    for card in cards:
        years[card.date.year][card.date.month].append(card)
    return [(year, [(language.month(months[m][0].date), tuple(months[m])) for m in sorted(months, reverse=True)])
            for year, months in sorted(years.items(), reverse=True)]


def _paginated(base: str, template: str, slugs: Sequence[str], per_page: int, title: str, description: str,
               values: tuple, language: Language, first: tuple = ()) -> list[PageSpec]:
    """The pages of a listing; `first`: values its first page alone shows (a timeline, rising topics), so
    that what changes them does not make the later pages again."""
    total = max(1, -(-len(slugs) // per_page))
    kind = "home" if base == "" else "topic"
    specs = []
    for number in range(1, total + 1):
        pagination = Pagination(number=number, total=total,
                                prev_url=paginate_url(base, number - 1) if number > 1 else None,
                                next_url=paginate_url(base, number + 1) if number < total else None)
        numbered = language.gettext("%(title)s (page %(num)s)", title=title, num=language.number(number))
        specs.append(PageSpec(url=paginate_url(base, number), template=template, kind=kind,
                              title=numbered if number > 1 else title,
                              description=description,
                              values=(("pagination", pagination), *values, *(first if number == 1 else ())),
                              cards=(("reports", tuple(slugs[(number - 1) * per_page: number * per_page])),)))
    return specs


def fingerprint(spec: PageSpec, digests: Digests) -> str:
    """A digest of everything the page shows (see the module's docstring)."""
    cards = digests.cards
    parts = [digests.settings, spec.url, spec.template, spec.kind, spec.title, spec.description, repr(spec.values)]
    if spec.own:
        parts.append(digests.pages[spec.own])
    for name, slugs in spec.cards:
        parts.append(name)
        parts.append(" ".join([cards[slug] for slug in slugs]))
    return digest(*parts)
