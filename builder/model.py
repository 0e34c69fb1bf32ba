"""Plain data that flows through the pipeline: each stage takes these values and returns new ones."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SiteConfig:
    """Settings from `[tool.trendsite]`; every field has a default so a bare content/ folder builds."""

    title: str = "Trend reports"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    author: str = ""
    per_page: int = 10
    related_count: int = 5
    feed_size: int = 20
    toc_min_headings: int = 3
    words_per_minute: int = 230
    unsafe_html: bool = False
    max_file_bytes: int = 10_000_000  # real publishers write 5-7 MB reports
    timezone: str = "UTC"
    broken_links: str = "error"  # "warn" publishes a site with broken links, naming each
    extra: Mapping[str, Any] = field(default_factory=dict)  # free-form values for the site's own templates
    # Python-Markdown extensions the site adds: (name, settings), as extensions.read_extensions reads them.
    markdown_extensions: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    stale_after_days: int = 0  # a report last revised longer ago shows a notice; 0: never
    rising_window_days: int = 90  # rising topics: their share of the reports of these last days...
    rising_baseline_days: int = 365  # ...against their share of the reports of these days before them
    social_cards: bool = True  # draw a social-preview picture for each report without an `image`

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


@dataclass(frozen=True)
class Source:
    """A Markdown file as read from disk."""

    path: Path  # absolute
    rel: str  # POSIX path relative to content/, e.g. "ai/open-models.md"
    text: str


@dataclass(frozen=True)
class FrontMatter:
    """The validated fields of a report's front matter; `extra` holds the free-form `extra:` mapping."""

    title: str
    date: datetime
    updated: datetime | None = None
    author: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    highlights: tuple[str, ...] = ()
    slug: str = ""
    draft: bool = False
    image: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()  # old addresses of the report, from the site's root: each redirects to it
    series: str = ""  # the name of the series of editions the report belongs to


@dataclass(frozen=True)
class Document:
    """A source split into validated front matter and its Markdown body."""

    source: Source
    meta: FrontMatter
    body: str
    body_line: int  # line number of the body's first line in the file, for messages


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class TopicRef:
    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"topics/{self.slug}/"


@dataclass(frozen=True)
class Thumbnail:
    """A picture beside a report in the sizes made of it (images.py): what cards show."""

    width: int  # of the picture as shown, for the aspect ratio
    height: int
    sources: tuple[tuple[str, int], ...]  # (site-relative path, width in pixels) of each size, smallest first


@dataclass(frozen=True, kw_only=True)
class Card:
    """What other pages show of a report: listings, Explore-more cards, neighbours, feeds' entries.

    URLs are site-relative ("reports/x/"); templates prefix them with url()."""

    source: str  # path relative to content/, for messages
    slug: str
    title: str
    date: datetime
    updated: datetime | None
    author: str
    summary: str
    topics: tuple[TopicRef, ...]
    highlights: tuple[str, ...]
    reading_minutes: int
    image: str | None = None
    draft: bool = False
    future: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()  # old addresses, each published as a redirect to this report (redirects.py)
    thumbnail: Thumbnail | None = None  # its `image`, else its first picture, for cards
    # Its generated social card when it has no `image` (cards.py): set once topics are named, never stored.
    social_image: str | None = None
    series: str = ""  # its series' name as this report spells it

    @property
    def url(self) -> str:
        return f"reports/{self.slug}/"

    @property
    def revised(self) -> bool:
        """Whether it was updated on a later day than it was published."""
        return self.updated is not None and self.updated.date() > self.date.date()


@dataclass(frozen=True, kw_only=True)
class Report(Card):
    """One published report: its card and its body, as its own page shows it."""

    html: str
    headings: tuple[Heading, ...]
    word_count: int
    text: str  # plain text of the body, for search and related reports


@dataclass(frozen=True)
class RelatedCard:
    """An Explore-more card: the related report and the topics it shares with the page's report."""

    report: Card
    shared_topics: tuple[TopicRef, ...]


class _NamedByRef:
    """A topic's or series' name, slug and URL, as its TopicRef or SeriesRef (`ref`) has them, for templates."""

    ref: TopicRef | SeriesRef

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def slug(self) -> str:
        return self.ref.slug

    @property
    def url(self) -> str:
        return self.ref.url


@dataclass(frozen=True)
class Topic(_NamedByRef):
    ref: TopicRef
    reports: tuple[Card, ...]  # newest first


@dataclass(frozen=True)
class TopicTile(_NamedByRef):
    """A topic as the topics page lists it: not its every report, so that page changes only when this does."""

    ref: TopicRef
    count: int
    latest: Card
    timeline: Timeline


@dataclass(frozen=True)
class SeriesRef:
    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"series/{self.slug}/"


@dataclass(frozen=True)
class Series(_NamedByRef):
    ref: SeriesRef
    editions: tuple[Card, ...]  # oldest first: edition 1 is the first published


@dataclass(frozen=True)
class Timeline:
    """Reports per month: `counts[i]` reports in the month starting on `months[i]`."""

    months: tuple[date, ...]
    counts: tuple[int, ...]

    @property
    def rows(self) -> tuple[tuple[date, int], ...]:
        """(month, reports) of each month, oldest first."""
        return tuple(zip(self.months, self.counts))


@dataclass(frozen=True)
class Sparkline:
    """The last months of a timeline as a line in a `width` x `height` box (trends.sparkline)."""

    first: date
    last: date
    peak: int  # the most reports of any month shown, drawn at the top
    points: str  # "x,y x,y ...": SVG's polyline points, oldest month first
    end: tuple[str, str]  # the last month's point, marked with a dot
    width: int
    height: int


@dataclass(frozen=True)
class RisingTopic(_NamedByRef):
    """A topic whose share of reports grew: `recent` of the window's `recent_total` reports, against
    `before` of the baseline's `before_total` (trends.rising)."""

    ref: TopicRef
    recent: int
    recent_total: int
    before: int
    before_total: int
    timeline: Timeline

    @property
    def recent_percent(self) -> int:
        return _percent(self.recent, self.recent_total)

    @property
    def before_percent(self) -> int:
        return _percent(self.before, self.before_total)


def _percent(part: int, whole: int) -> int:
    """part of whole in whole percent, halves rounded up as readers round them by hand."""
    return (200 * part + whole) // (2 * whole) if whole else 0


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class Page:
    """A file to write: site-relative URL, the template that renders it and the template's context."""

    url: str  # "reports/x/" or "feed.xml"
    template: str
    context: Mapping[str, Any]
    title: str = ""
    description: str = ""
