"""Plan every page of the site: home index, reports, topics, archive; ordering and pagination.

Each page comes with its fingerprint: a digest of everything it shows, where a report shown as a card
counts by its card digest and the page's own report by its page digest (store.Record). Two builds that
give a page the same fingerprint render it to the same bytes, so the second need not render it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Sequence

from .languages import Language
from .model import Card, Page, Pagination, RelatedCard, SiteConfig, Topic, TopicRef, TopicTile
from .store import digest
from .urls import paginate_url


@dataclass(frozen=True)
class Digests:
    """What the fingerprints of pages are made from, besides the pages' own values."""

    settings: str  # the site's settings, theme and trendsite's code: every page depends on them
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


def plan_pages(config: SiteConfig, language: Language, cards: Sequence[Card], topics: Sequence[Topic],
               related: Mapping[str, tuple[RelatedCard, ...]]) -> list[Page]:
    """Every HTML page, in a stable order, with titles and descriptions in the site's language; `cards` must
    already be newest first.

    A report page's context holds the report's Card: the render stage puts the whole Report in its place.
    """
    _, site = language.gettext, config.title
    pages = _paginated("", "home.html", cards, config.per_page, config.title, config.description, {}, language)
    toc_min = config.toc_min_headings
    for index, card in enumerate(cards):
        pages.append(Page(
            url=card.url, template="report.html", title=card.title, description=card.summary,
            context={"kind": "report", "report": card, "related": related.get(card.slug, ()),
                     "newer": cards[index - 1] if index > 0 else None,
                     "older": cards[index + 1] if index + 1 < len(cards) else None,
                     "toc_min_headings": toc_min}))
    pages.append(Page(url="topics/", template="topics.html", title=_("Topics"),
                      description=_("All topics covered by %(site)s.", site=site),
                      context={"kind": "topics",
                               "topics": tuple(TopicTile(t.ref, len(t.reports), t.reports[0]) for t in topics)}))
    for topic in topics:
        pages += _paginated(topic.url, "topic.html", topic.reports, config.per_page, topic.name,
                            _("%(site)s trend reports on %(topic)s, newest first.", site=site, topic=topic.name),
                            {"topic": topic.ref, "topic_count": len(topic.reports)}, language)
    pages.append(Page(url="archive/", template="archive.html", title=_("Archive"),
                      description=_("Every report of %(site)s by month.", site=site),
                      context={"kind": "archive", "years": archive(cards, language)}))
    pages.append(Page(url="search/", template="search.html", title=_("Search"),
                      description=_("Search every report of %(site)s.", site=site), context={"kind": "search"}))
    pages.append(Page(url="404.html", template="404.html", title=_("Page not found"),
                      description="", context={"kind": "404"}))
    return pages


Archive = list[tuple[int, list[tuple[str, tuple[Card, ...]]]]]


def archive(cards: Sequence[Card], language: Language) -> Archive:
    """Reports grouped by year, then month, newest first; months named in the site's language."""
    years: dict[int, dict[int, list[Card]]] = defaultdict(lambda: defaultdict(list))
    for card in cards:
        years[card.date.year][card.date.month].append(card)
    return [(year, [(language.month(months[m][0].date), tuple(months[m])) for m in sorted(months, reverse=True)])
            for year, months in sorted(years.items(), reverse=True)]


def _paginated(base: str, template: str, cards: Sequence[Card], per_page: int, title: str,
               description: str, extra: dict, language: Language) -> list[Page]:
    total = max(1, -(-len(cards) // per_page))
    kind = "home" if base == "" else "topic"
    pages = []
    for number in range(1, total + 1):
        pagination = Pagination(number=number, total=total,
                                prev_url=paginate_url(base, number - 1) if number > 1 else None,
                                next_url=paginate_url(base, number + 1) if number < total else None)
        numbered = language.gettext("%(title)s (page %(num)s)", title=title, num=language.number(number))
        pages.append(Page(url=paginate_url(base, number), template=template, title=numbered if number > 1 else title,
                          description=description,
                          context={"kind": kind, "reports": tuple(cards[(number - 1) * per_page: number * per_page]),
                                   "pagination": pagination, **extra}))
    return pages


def fingerprint(page: Page, digests: Digests) -> str:
    """A digest of everything the page shows (see the module's docstring)."""
    own = page.context.get("report") if page.context.get("kind") == "report" else None
    parts = [digests.settings, page.url, page.template, page.title, page.description]
    if own is not None:
        parts.append("P" + digests.pages[own.slug])
    parts += (f"{name}={_describe(value, digests, own)}" for name, value in sorted(page.context.items()))
    return digest(*parts)


def _describe(value: Any, digests: Digests, own: Card | None) -> str:
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return repr(value)
    if kind is Card:
        # The page's own report is counted by its page digest, above; as a card, by its card digest.
        return "self" if value is own else "C" + digests.cards[value.slug]
    if kind is TopicRef:
        return f"T{value.slug}={value.name!r}"
    if kind is RelatedCard:
        return f"R{_describe(value.report, digests, own)}{_describe(value.shared_topics, digests, own)}"
    if kind is Pagination:
        return f"N{value.number}/{value.total}"
    if kind is TopicTile:
        return f"{_describe(value.ref, digests, own)}:{value.count}:{_describe(value.latest, digests, own)}"
    if kind in (tuple, list):
        return "[" + ",".join(_describe(v, digests, own) for v in value) + "]"
    if isinstance(value, datetime):
        return f"{value.isoformat()}{value.tzname()}"
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"a page context holds a {kind.__name__}, which its fingerprint cannot describe")
