"""Plan every page of the site: home index, reports, topics, archive; ordering and pagination."""
from __future__ import annotations

import operator
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any, Iterable, Mapping, Sequence

from .model import Page, Pagination, RelatedCard, Report, SiteConfig, Topic, TopicRef, TopicTile
from .urls import paginate_url

_MONTHS = ("archive",)  # the key under which plan_pages' `known` holds the last archive


def sort_reports(reports: Sequence[Report]) -> tuple[Report, ...]:
    """Newest first; reports from the same moment in slug order, so output is deterministic."""
    by_slug = sorted(reports, key=lambda r: r.slug)
    return tuple(sorted(by_slug, key=lambda r: r.date, reverse=True))


def name_topics(reports: Sequence[Report]) -> tuple[Report, ...]:
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


def collect_topics(reports: Sequence[Report]) -> tuple[Topic, ...]:
    """Every topic with its reports (newest first), sorted by name."""
    grouped: dict[str, list[Report]] = defaultdict(list)
    refs: dict[str, TopicRef] = {}
    for report in reports:
        for ref in report.topics:
            grouped[ref.slug].append(report)
            refs.setdefault(ref.slug, ref)
    return tuple(Topic(ref=refs[slug], reports=tuple(grouped[slug]))
                 for slug in sorted(refs, key=lambda s: (refs[s].name.lower(), s)))


def plan_pages(config: SiteConfig, reports: Sequence[Report], topics: Sequence[Topic],
               related: Mapping[str, tuple[RelatedCard, ...]], known: dict[tuple, Any] | None = None
               ) -> list[Page]:
    """Every HTML page, in a stable order; `reports` must already be newest first.

    `known` (kept by `serve`) maps what each report or listing page was made from, by identity, to
    the Page made of it: an unchanged page is the very same object as in the last build, which lets
    later stages skip it at the cost of a look-up. It also holds the last archive (see archive).
    It is updated to this build's pages.
    """
    made: dict[tuple, Any] = {}
    last = {} if known is None else known
    pages = _paginated("", "home.html", reports, config.per_page, config.title, config.description, {}, last, made)
    toc_min = config.toc_min_headings
    for index, report in enumerate(reports):
        newer = reports[index - 1] if index > 0 else None
        older = reports[index + 1] if index + 1 < len(reports) else None
        cards = related.get(report.slug, ())
        key = (id(report), id(cards), id(newer), id(older), toc_min)  # the Page holds each, so no id is reused
        page = last.get(key)
        if page is None:
            page = Page(
                url=report.url, template="report.html", title=report.title, description=report.summary,
                context={"kind": "report", "report": report, "related": cards, "newer": newer, "older": older,
                         "show_toc": len(report.headings) >= toc_min},
                shows=(report.slug, *(c.report.slug for c in cards),
                       *(r.slug for r in (newer, older) if r is not None)))
        made[key] = page
        pages.append(page)
    pages.append(Page(url="topics/", template="topics.html", title="Topics",
                      description=f"All topics covered by {config.title}.",
                      context={"kind": "topics",
                               "topics": tuple(TopicTile(t.ref, len(t.reports), t.reports[0]) for t in topics)},
                      shows=tuple(t.reports[0].slug for t in topics)))
    for topic in topics:
        pages += _paginated(topic.url, "topic.html", topic.reports, config.per_page, topic.name,
                            f"{config.title} trend reports on {topic.name}, newest first.",
                            # The ref and the count, not the Topic: a page that holds every report
                            # of its topic would count as changed whenever any of them changes.
                            {"topic": topic.ref, "topic_count": len(topic.reports)}, last, made)
    years = made[_MONTHS] = archive(reports, last.get(_MONTHS, []))
    pages.append(Page(url="archive/", template="archive.html", title="Archive",
                      description=f"Every report of {config.title} by month.",
                      context={"kind": "archive", "years": years},
                      shows=tuple(r.slug for r in reports)))
    if known is not None:
        known.clear()
        known.update(made)
    pages.append(Page(url="search/", template="search.html", title="Search",
                      description=f"Search every report of {config.title}.", context={"kind": "search"}))
    pages.append(Page(url="404.html", template="404.html", title="Page not found",
                      description="", context={"kind": "404"}))
    return pages


Archive = list[tuple[int, list[tuple[str, tuple[Report, ...]]]]]


def archive(reports: Sequence[Report], last: Archive = ()) -> Archive:
    """Reports grouped by year, then month, newest first.

    A month holding the very same reports as in `last` (the last build's archive) is the very same
    tuple, so the fingerprint of the archive page describes only the months that changed."""
    years: dict[int, dict[int, list[Report]]] = defaultdict(lambda: defaultdict(list))
    for report in reports:
        years[report.date.year][report.date.month].append(report)
    before = {(year, chunk[0].date.month): chunk for year, months in last for _, chunk in months}
    return [(year, [(months[m][0].date.strftime("%B %Y"), _same(months[m], before.get((year, m))))
                    for m in sorted(months, reverse=True)])
            for year, months in sorted(years.items(), reverse=True)]


def _same(reports: list[Report], last: tuple[Report, ...] | None) -> tuple[Report, ...]:
    if last is not None and len(last) == len(reports) and all(map(operator.is_, last, reports)):
        return last
    return tuple(reports)


def _paginated(base: str, template: str, reports: Sequence[Report], per_page: int, title: str,
               description: str, extra: dict, last: dict[tuple, Page], made: dict[tuple, Page]) -> list[Page]:
    total = max(1, -(-len(reports) // per_page))
    kind = "home" if base == "" else "topic"
    extra_key = tuple(extra.items())  # plain values and a TopicRef: compared by value
    pages = []
    for number in range(1, total + 1):
        chunk = tuple(reports[(number - 1) * per_page: number * per_page])
        key = (base, template, number, total, title, description, extra_key, *map(id, chunk))
        page = last.get(key)
        if page is None:
            pagination = Pagination(
                number=number, total=total,
                prev_url=paginate_url(base, number - 1) if number > 1 else None,
                next_url=paginate_url(base, number + 1) if number < total else None,
            )
            suffix = f" (page {number})" if number > 1 else ""
            page = Page(url=paginate_url(base, number), template=template, title=title + suffix,
                        description=description,
                        context={"kind": kind, "reports": chunk, "pagination": pagination, **extra},
                        shows=tuple(r.slug for r in chunk))
        made[key] = page
        pages.append(page)
    return pages
