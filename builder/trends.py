"""Trends across reports: topics' reports per month, the topics rising now, and which reports are stale.

Pure functions of the published cards and the build's clock (`now`), run while pages are planned:
what they return goes into page specs' values, so a page changes exactly when what it shows does.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from .model import Card, RisingTopic, SiteConfig, Sparkline, Timeline, Topic

RISING_SHOWN = 5  # topics the home page lists
# A topic rises on two reports of the window or more: one new report is a report, not a trend, and a
# topic new to the site would otherwise top the list on it.
RISING_MIN_REPORTS = 2
FRESHER_SHOWN = 3  # newer reports a stale report's notice links to
RISING_TOTAL = ""  # the key counting every report of a window: no topic's slug is empty
# Sparklines show the last two years: enough to see a trend, few enough points for a line 120 pixels long.
SPARK_MONTHS = 24
SPARK_WIDTH, SPARK_HEIGHT, SPARK_MARGIN = 120, 28, 3  # the margin keeps the stroke and end dot inside


def month_of(moment: datetime) -> date:
    """The first day of the month a report is dated in, as it is written (the archive groups so too)."""
    return date(moment.year, moment.month, 1)


def site_months(cards: Iterable[Card]) -> tuple[date, ...]:
    """Every month from the oldest report's to the newest's: the common axis of every timeline."""
    months = [month_of(c.date) for c in cards]
    if not months:
        return ()
    first, last = min(months), max(months)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    return tuple(date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
                 for n in range(span))


def timeline(cards: Iterable[Card], months: Sequence[date]) -> Timeline:
    """How many of `cards` are dated in each of `months`."""
    counts = dict.fromkeys(months, 0)
    for card in cards:
        counts[month_of(card.date)] += 1
    return Timeline(months=tuple(months), counts=tuple(counts.values()))


def sparkline(timeline: Timeline, months: int = SPARK_MONTHS) -> Sparkline:
    """The last `months` months of a timeline as a line, scaled to its own peak (along the bottom when it
    has no report); coordinates rounded to tenths, so the same counts draw the same bytes."""
    counts = timeline.counts[-months:]
    peak = max(counts)
    spread = counts * 2 if len(counts) == 1 else counts  # a site of one month: a level line across
    step = (SPARK_WIDTH - 2 * SPARK_MARGIN) / (len(spread) - 1)
    inner = SPARK_HEIGHT - 2 * SPARK_MARGIN
    points = [(_tenths(SPARK_MARGIN + step * index), _tenths(SPARK_HEIGHT - SPARK_MARGIN - inner * count / (peak or 1)))
              for index, count in enumerate(spread)]
    return Sparkline(timeline.months[-months:][0], timeline.months[-1], peak, " ".join(map(",".join, points)),
                     points[-1], SPARK_WIDTH, SPARK_HEIGHT)


def _tenths(value: float) -> str:
    return f"{round(value, 1):g}"


def rising(cards: Sequence[Card], topics: Sequence[Topic], timelines: Mapping[str, Timeline], config: SiteConfig,
           now: datetime) -> tuple[RisingTopic, ...]:
    """The topics whose share of reports grew most (the README's rule): their share of the reports dated in
    the last rising_window_days against their share of those in the rising_baseline_days before; ties by
    more recent reports, then by name. `cards` are newest first."""
    start = now - timedelta(days=config.rising_window_days)
    baseline = start - timedelta(days=config.rising_baseline_days)
    recent: Counter[str] = Counter()
    before: Counter[str] = Counter()
    for card in cards:
        if card.date <= baseline:
            break  # newest first: every other report is older still
        if card.date <= now:
            (recent if card.date > start else before).update([RISING_TOTAL, *(t.slug for t in card.topics)])
    found = []
    for topic in topics:
        growth = (Fraction(recent[topic.slug], recent[RISING_TOTAL] or 1)
                  - Fraction(before[topic.slug], before[RISING_TOTAL] or 1))
        if recent[topic.slug] >= RISING_MIN_REPORTS and growth > 0:
            found.append((-growth, -recent[topic.slug], topic.name.lower(), topic.slug, RisingTopic(
                topic.ref, recent[topic.slug], recent[RISING_TOTAL], before[topic.slug], before[RISING_TOTAL],
                timelines[topic.slug])))
    return tuple(item[-1] for item in sorted(found, key=lambda item: item[:-1])[:RISING_SHOWN])


def is_stale(card: Card, config: SiteConfig, now: datetime) -> bool:
    """Whether the report was last revised stale_after_days ago or longer (never, when that is 0)."""
    return bool(config.stale_after_days) and (card.updated or card.date) + timedelta(
        days=config.stale_after_days) <= now


def fresher(card: Card, topics: Mapping[str, Topic]) -> tuple[str, ...]:
    """The slugs of the newest reports dated after `card` that share a topic with it, newest first."""
    newer: dict[str, Card] = {}
    for ref in card.topics:
        for other in topics[ref.slug].reports[:FRESHER_SHOWN]:  # newest first: the first few are enough
            if other.date > card.date:
                newer[other.slug] = other
    return tuple(c.slug for c in sorted(newer.values(), key=lambda c: (-c.date.timestamp(), c.slug))[:FRESHER_SHOWN])


def next_change(cards: Sequence[Card], config: SiteConfig, now: datetime) -> datetime | None:
    """The first moment after `now` at which the clock alone changes what trends show: a report leaving
    the rising window or its baseline, or turning stale."""
    window = timedelta(days=config.rising_window_days)
    found = [_first_after([c.date for c in cards], window, now),
             _first_after([c.date for c in cards], window + timedelta(days=config.rising_baseline_days), now)]
    if config.stale_after_days:
        found.append(_first_after([c.updated or c.date for c in cards], timedelta(days=config.stale_after_days), now))
    return min(filter(None, found), default=None)


def _first_after(moments: Sequence[datetime], span: timedelta, now: datetime) -> datetime | None:
    """The first moment + span after now, of all `moments`."""
    later = [moment for moment in moments if moment > now - span]
    return min(later) + span if later else None
