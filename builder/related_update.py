"""Explore more after an edit: the last build's ranking, updated where a change of terms reaches.

related_reports costs ~370 ms at 10,000 reports, too much for every save in `serve`. Most saves
change one report's words and nothing the topic part of a score is made from (the set of reports,
their dates, their topics). Then only term vectors change: the edited report's, and those of the
few reports listing a term whose document frequency moved in or through the range that gives it
an idf (at most MAX_TERM_DF reports a term). With V the reports whose vector changed, a score
changes only if one end is in V, so for every other report b:
- if b's picks hold a member of V, b is ranked again from scratch;
- else its picks stay the best among the reports outside V, and the only members of V that can
  join them are those sharing a vector term with b: one sharing none scores its topic part alone,
  no more than before, when it did not make the cut. So b's picks are merged with those.
Scores come from RelatedIndex.score, summed in the order ranked() sums them, so ties compare as they
do there: the result is exactly what related_reports gives, which the tests check.
"""
from __future__ import annotations

from bisect import insort
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from .model import RelatedCard, Report
from .related import Ranking, RelatedIndex, Terms, automatic_gc_paused, term_idf


@dataclass
class RelatedState:
    """A ranking and what it was made from, kept between builds to be updated in place."""

    index: RelatedIndex
    count: int
    rankings: list[Ranking]  # per position
    related: dict[str, tuple[RelatedCard, ...]]  # the cards, as related_reports gives them
    # Made on the first update, for updates only: term -> positions of the reports listing it (a
    # position once per listing, as document frequency counts them), and position -> positions of
    # the reports whose picks hold it.
    listing: dict[str, list[int]] | None = None
    shown_by: list[set[int]] | None = None


def rank_related(reports: Sequence[Report], terms: Mapping[str, Terms], count: int,
                 last: RelatedState | None = None) -> RelatedState:
    """State whose `related` is related_reports(reports, terms, count): `last` updated in place when
    only terms changed since it was made (the caller must not keep using it), else made afresh."""
    with automatic_gc_paused():
        if last is not None and _update(last, reports, terms, count):
            return last
        index = RelatedIndex(reports, terms)
        rankings = index.rank_all(count)
        return RelatedState(index, count, rankings, index.all_cards(rankings))


def _update(state: RelatedState, reports: Sequence[Report], terms: Mapping[str, Terms], count: int) -> bool:
    """Update `state` for these inputs and return True, or return False, leaving it meaning what it
    did, when more than terms changed (reports, dates, topics or count)."""
    index = state.index
    n = len(index.reports)
    if count != state.count or len(reports) != n or not index.exact:
        return False
    placed: list[Report | None] = [None] * n
    replaced, retermed = [], []
    for r in reports:
        p = index.position.get(r.slug)
        if p is None or placed[p] is not None:
            return False
        placed[p] = r
        old = index.reports[p]
        if old is not r:
            if r.date != old.date or r.topics != old.topics:
                return False
            replaced.append(p)
        items = terms.get(r.slug, ())
        if items is not index.terms[p]:
            if items == index.terms[p]:
                index.terms[p] = items  # the same terms: next time the identity check is enough
            else:
                retermed.append((p, items))
    if not replaced and not retermed:
        return True
    if state.listing is None:
        _index_for_updates(state)
    if replaced:
        index.reports = tuple(placed)  # type: ignore[arg-type]  # every position was placed
    changed = _retune(state, retermed)
    _rerank(state, changed, replaced)
    return True


def _index_for_updates(state: RelatedState) -> None:
    """Fill in state.listing and state.shown_by (~0.1 s at 10,000 reports, once per state)."""
    listing: dict[str, list[int]] = defaultdict(list)
    for i, items in enumerate(state.index.terms):
        for t, _ in items:
            listing[t].append(i)
    state.listing = dict(listing)
    shown_by: list[set[int]] = [set() for _ in state.rankings]
    for b, ranking in enumerate(state.rankings):
        for _, p in ranking:
            shown_by[p].add(b)
    state.shown_by = shown_by


def _retune(state: RelatedState, retermed: list[tuple[int, Terms]]) -> list[int]:
    """Give these reports their new terms; return the positions whose vector changed, in order."""
    index, listing = state.index, state.listing
    assert listing is not None
    moved: set[str] = set()  # terms whose document frequency changed
    for p, items in retermed:
        before = Counter(t for t, _ in index.terms[p])
        after = Counter(t for t, _ in items)
        for t in sorted(before.keys() | after.keys()):
            delta = after[t] - before[t]
            if delta:
                entries = listing.setdefault(t, [])
                for _ in range(-delta):
                    entries.remove(p)
                for _ in range(delta):
                    insort(entries, p)
                if not entries:
                    del listing[t]
                moved.add(t)
        index.terms[p] = items
    n = len(index.reports)
    stale = {p for p, _ in retermed}
    for t in sorted(moved):
        idf = term_idf(len(listing.get(t, ())), n, index.cap)
        if index.idf.get(t) != idf:
            if idf is None:
                del index.idf[t]
            else:
                index.idf[t] = idf
            stale.update(listing.get(t, ()))
    return [p for p in sorted(stale) if index.revector(p)]


def _rerank(state: RelatedState, changed: list[int], replaced: list[int]) -> None:
    """Update rankings and cards after the vectors of `changed` (positions) changed and the reports
    at `replaced` were replaced by new Report objects."""
    index, rankings, shown_by = state.index, state.rankings, state.shown_by
    assert shown_by is not None
    k = len(rankings[0]) if rankings else 0
    fresh: dict[int, Ranking] = {}
    if k:
        again = set(changed)
        for v in changed:
            again.update(shown_by[v])
        for b in sorted(again):
            fresh[b] = index.ranked(b, k)
        # Members of V that may now join the picks of another report: those sharing a vector term.
        joining: dict[int, list[int]] = defaultdict(list)
        for v in changed:
            for b in sorted({b for t, _ in index.vectors[v] for b, _ in index.postings[t]} - again):
                joining[b].append(v)
        for b, vs in joining.items():
            merged = sorted(rankings[b] + [(-index.score(b, v), v) for v in vs])[:k]
            if merged != rankings[b]:
                fresh[b] = merged
    redo: set[int] = set()
    for b, ranking in fresh.items():
        if ranking != rankings[b]:
            for _, p in rankings[b]:
                shown_by[p].discard(b)
            for _, p in ranking:
                shown_by[p].add(b)
            rankings[b] = ranking
            redo.add(b)
    for p in replaced:  # a card shows its report's title, date, summary...
        redo.update(shown_by[p])
    if redo:
        related = dict(state.related)  # the last one was handed out: never change it
        for b in sorted(redo):
            related[index.reports[b].slug] = index.cards(b, [p for _, p in rankings[b]])
        state.related = related
