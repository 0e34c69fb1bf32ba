"""Explore-more ranking: for every report, the reports that share its rarest topics and most specific terms.

No all-pairs loop, yet the same picks as one (RelatedIndex.score over every pair) for reports with at
most 6 topics. Two inverted indexes, in recency order:
- term postings, over the specific terms only (document frequency <= MAX_TERM_DF): they give the
  exact term similarity to every report that has any, at a bounded cost per report;
- topic-subset postings: a report with no term in common scores exactly the weight of the topics it
  shares, so for each subset of the page's topics only its k most recent members can be picks.
  Subsets are walked heaviest first and the walk stops once k candidates beat the next weight.
"""
from __future__ import annotations

import gc
import math
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from contextlib import contextmanager
from itertools import chain, combinations
from operator import itemgetter
from typing import Iterator, Mapping, Sequence

from .model import RelatedCard, Report, TopicRef

Terms = tuple[tuple[str, float], ...]
Vector = tuple[tuple[str, float], ...]  # (term, weight), heaviest first, unit length
Ranking = list[tuple[float, int]]  # (-score, position) of a report's picks, best first

# Score(a, b) = sum of the weights of the topics a and b share + TERM_WEIGHT * cosine of their term
# vectors. A topic weighs 1 + ln(N / df) >= 1 (rarer topics weigh more) and the cosine is <= 1, so
# one more shared topic always outweighs term similarity: topics decide, terms order the reports
# within a topic level.
TERM_WEIGHT = 1.0
# A report's term vector: its VECTOR_TERMS heaviest tf-idf terms among those that can link it to a
# few specific reports, i.e. used by at least 2 and at most MAX_TERM_DF reports. Common terms say
# little that topics don't already say, and the cap keeps term postings short: the work per report
# is at most VECTOR_TERMS * MAX_TERM_DF whatever N is, which is what makes the ranking linear.
VECTOR_TERMS = 12
MAX_TERM_DF = 30
MAX_TERM_DF_SHARE = 0.25  # on a small site, a term in a quarter of the reports isn't specific either
# Every topic subset of a report gets a posting while that means at most MAX_SUBSETS postings, i.e.
# for up to 6 topics (trend reports have 2-4: at most 15). A report with more topics indexes its
# smaller subsets only, or the index would grow as 2^topics; a pick resting on a larger shared
# subset of such a report may then be missed. With at most 6 topics a report, picks are exact.
MAX_SUBSETS = 64


def term_idf(df: int, n: int, cap: int) -> float | None:
    """A term's idf, or None if it is too rare or too common to be in a vector (see MAX_TERM_DF)."""
    return math.log(n / df) if 2 <= df <= cap and df < n else None


def term_vector(items: Terms, idf: Mapping[str, float]) -> Vector:
    """A report's term vector: its VECTOR_TERMS heaviest tf-idf terms with an idf, normalised."""
    # (-weight, term) sorts heaviest first and breaks ties by term: no dict-order effects.
    top = sorted([(-w * idf[t], t) for t, w in items if t in idf])
    if len(set(map(itemgetter(1), top))) < len(top):  # a term listed twice: keep its heaviest entry
        top = sorted({t: (w, t) for w, t in reversed(top)}.values())
    del top[VECTOR_TERMS:]
    while top and top[-1][0] >= 0:  # only positive weights count (report_terms gives >= 1)
        top.pop()
    norm = math.hypot(*map(itemgetter(0), top))
    return tuple([(t, -w / norm) for w, t in top])


def _subset_size_limit(topics: int) -> int:
    """Largest topic subset to index for a report with `topics` topics."""
    size, total = 0, 0
    while size < topics:
        total += math.comb(topics, size + 1)
        if total > MAX_SUBSETS:
            break
        size += 1
    return max(size, 1)


class _TopicPart(dict):
    """Cache: topic bitmask -> summed topic weight, always summed in bit order so every path gets the same float."""

    def __init__(self, weights: Sequence[float]):
        super().__init__({0: 0.0})
        self._weights = weights

    def __missing__(self, mask: int) -> float:
        # The lower bits' sum plus the highest bit's weight: the same additions, in the same order,
        # as summing the weights in ascending bit order.
        high = mask.bit_length() - 1
        total = self[mask ^ (1 << high)] + self._weights[high]
        self[mask] = total
        return total


class RelatedIndex:
    """The inverted indexes behind related_reports, with the exact pairwise score they rank by."""

    def __init__(self, reports: Sequence[Report], terms: Mapping[str, Terms]):
        # Recency order (newest first, ties by slug) is also the tie-break order, so a report's
        # position in it is all the ranking needs: lower position wins a tie.
        order = sorted(reports, key=lambda r: r.slug)
        order.sort(key=lambda r: r.date, reverse=True)  # stable: equal dates keep slug order
        self.reports: tuple[Report, ...] = tuple(order)
        n = len(order)
        slugs = [r.slug for r in order]
        self.position = {s: i for i, s in enumerate(slugs)}
        if len(self.position) != n:
            raise ValueError("related_reports: duplicate report slugs")

        # Topics become bits, numbered in order of first use along the recency order: that depends
        # only on the set of reports, never on the order they were passed in. One plain loop: this
        # runs over every topic of every report.
        bit_of: dict[str, int] = {}
        topic_df: list[int] = []
        self.masks: list[int] = []
        self._refs: list[tuple[tuple[int, TopicRef], ...]] = []
        self._refs_key: list[int] = []  # reports listing the same topics share shared_topics tuples
        keys: dict[tuple[str, ...], int] = {}
        for r in order:
            mask, refs, key = 0, [], []
            for ref in r.topics:
                i = bit_of.get(ref.slug)
                if i is None:
                    i = bit_of[ref.slug] = len(topic_df)
                    topic_df.append(0)
                if not mask >> i & 1:  # a repeated topic counts once
                    mask |= 1 << i
                    topic_df[i] += 1
                    refs.append((1 << i, ref))
                    key += (ref.slug, ref.name)
            self.masks.append(mask)
            self._refs.append(tuple(refs))
            self._refs_key.append(keys.setdefault(tuple(key), len(keys)))
        self._shared: list[dict[int, tuple[TopicRef, ...]]] = [{} for _ in keys]
        self._topic_part = _TopicPart([1.0 + math.log(n / df) for df in topic_df])

        # Postings of topic subsets in recency order: the k most recent members of a subset are the
        # candidates when term similarity can't tell reports apart.
        self._levels: dict[int, list[tuple[float, int]]] = {}
        subsets: dict[int, list[int]] = defaultdict(list)
        for i, mask in enumerate(self.masks):
            levels = self._levels.get(mask)
            if levels is None:
                levels = self._levels[mask] = self._levels_of(mask)
            for _, s in levels:
                subsets[s].append(i)
        self._subsets = dict(subsets)

        # Without a larger subset's posting, a pick resting on it may be missed (see MAX_SUBSETS).
        self.exact = all(_subset_size_limit(len(refs)) >= len(refs) for refs in self._refs)

        # Term vectors (see VECTOR_TERMS) and their postings, in recency order.
        self.terms: list[Terms] = [terms.get(s, ()) for s in slugs]
        df = Counter(map(itemgetter(0), chain.from_iterable(self.terms)))  # the loop runs in C
        self.cap = min(MAX_TERM_DF, max(2, int(MAX_TERM_DF_SHARE * n)))
        self.idf = {t: w for t, c in df.items() if (w := term_idf(c, n, self.cap)) is not None}
        self.vectors: list[Vector] = []
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, items in enumerate(self.terms):
            vec = term_vector(items, self.idf)
            for t, w in vec:
                postings[t].append((i, w))
            self.vectors.append(vec)
        self.postings = dict(postings)
        self._vector_dicts: list[dict[str, float]] | None = None

    def revector(self, i: int) -> bool:
        """Make report i's vector again from self.terms[i] and self.idf, after either changed; True if it did change."""
        vec = term_vector(self.terms[i], self.idf)
        old = self.vectors[i]
        if vec == old:
            return False
        postings = self.postings
        for t, _ in old:
            entries = postings[t]
            del entries[bisect_left(entries, (i,))]  # (i,) sorts just before (i, weight)
            if not entries:
                del postings[t]
        for t, w in vec:
            insort(postings.setdefault(t, []), (i, w))  # positions are unique: weights are never compared
        self.vectors[i] = vec
        if self._vector_dicts is not None:
            self._vector_dicts[i] = dict(vec)
        return True

    def _levels_of(self, mask: int) -> list[tuple[float, int]]:
        """Indexed topic subsets of `mask` as (-weight, subset), heaviest first."""
        tp = self._topic_part
        bits = [1 << i for i in range(mask.bit_length()) if mask >> i & 1]
        subs = []
        for size in range(1, _subset_size_limit(len(bits)) + 1):
            for combo in combinations(bits, size):
                s = sum(combo)
                subs.append((-tp[s], s))
        subs.sort()
        return subs

    def score(self, a: int, b: int) -> float:
        """Score of report b (a position) as related to report a: shared topic weights + TERM_WEIGHT * cosine."""
        if self._vector_dicts is None:
            self._vector_dicts = [dict(v) for v in self.vectors]
        vb = self._vector_dicts[b]
        # Summed over a's vector in order, exactly as ranked() accumulates it: identical floats.
        cos = 0.0
        for t, wa in self.vectors[a]:
            wb = vb.get(t)
            if wb is not None:
                cos += wa * wb
        return self._topic_part[self.masks[a] & self.masks[b]] + TERM_WEIGHT * cos

    def ranked(self, a: int, k: int) -> Ranking:
        """(-score, position) of the k reports ranked highest for report a: score desc, then recency,
        topped up by recency (those score 0)."""
        masks, tp, postings, subsets = self.masks, self._topic_part, self.postings, self._subsets
        ma = masks[a]
        # Term similarity to every report sharing a vector term: postings are short by construction.
        acc: dict[int, float] = {}
        get = acc.get
        for t, wa in self.vectors[a]:
            for b, wb in postings[t]:
                acc[b] = get(b, 0.0) + wa * wb
        acc.pop(a, None)

        # A report with no shared term scores exactly the weight of the topics it shares, so among
        # those sharing a topic subset the most recent win: the first k members of each subset's
        # posting (recency order) hold every such pick. Subsets go heaviest first and stop once k
        # candidates already beat the subset's weight: usually after one or two short postings.
        scores: dict[int, float] = {}
        floor = -math.inf  # the k-th best score so far
        for neg_w, s in self._levels[ma]:
            if -neg_w < floor:
                break
            got = 0
            for b in subsets[s]:
                if b != a:
                    if b not in scores:
                        scores[b] = tp[ma & masks[b]] + TERM_WEIGHT * get(b, 0.0)
                    got += 1
                    if got == k:
                        break
            if len(scores) >= k:
                floor = sorted(scores.values(), reverse=True)[k - 1]
        # The term-similar reports: exact scores, kept only if they can still make the cut. Sharing
        # every topic of a's is the most a report can share, so that bound skips most of them cheaply.
        # (A report already scored by the walk gets the very same float again: no need to check.)
        most = tp[ma]
        for b, c in acc.items():
            c = TERM_WEIGHT * c
            if most + c >= floor:
                sc = tp[ma & masks[b]] + c
                if sc >= floor:
                    scores[b] = sc

        picks = sorted([(-sc, b) for b, sc in scores.items()])[:k]
        if len(picks) < k:
            # Nothing else relates: top up with the most recent other reports. When fewer than k
            # were scored, every report sharing a topic or a term was, so the rest all score 0.
            taken = set(scores)
            taken.add(a)
            for b in range(len(self.reports)):
                if b not in taken:
                    picks.append((-0.0, b))
                    if len(picks) == k:
                        break
        return picks

    def rank_all(self, count: int) -> list[Ranking]:
        """ranked() for every report, with k = min(count, N-1) picks each."""
        k = max(0, min(count, len(self.reports) - 1))
        return [self.ranked(a, k) if k else [] for a in range(len(self.reports))]

    def all_cards(self, rankings: Sequence[Ranking]) -> dict[str, tuple[RelatedCard, ...]]:
        """Cards for every report's ranking (one per position), keyed by slug, newest first."""
        return {r.slug: self.cards(a, [b for _, b in rankings[a]]) for a, r in enumerate(self.reports)}

    def cards(self, a: int, picks: Sequence[int]) -> tuple[RelatedCard, ...]:
        """Cards for the picked reports on report a's page, shared topics in a's topic order."""
        ma, masks, refs_a = self.masks[a], self.masks, self._refs[a]
        shared_cache = self._shared[self._refs_key[a]]  # many pages share a topic list: reuse the tuples
        out = []
        for b in picks:
            common = ma & masks[b]
            shared = shared_cache.get(common)
            if shared is None:
                shared = shared_cache[common] = tuple(ref for bit, ref in refs_a if common & bit)
            out.append(RelatedCard(report=self.reports[b], shared_topics=shared))
        return tuple(out)


def related_reports(
    reports: Sequence[Report], terms: Mapping[str, Terms], count: int
) -> dict[str, tuple[RelatedCard, ...]]:
    """Explore-more cards for every report, keyed by slug: min(count, N-1) cards, best first."""
    with automatic_gc_paused():
        index = RelatedIndex(reports, terms)
        return index.all_cards(index.rank_all(count))


@contextmanager
def automatic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector's automatic runs for the duration (it is left as it was)."""
    # The ranking keeps ~100k new objects (cards, indexes) and makes no reference cycles, so the
    # collections they trigger would find nothing, yet each full one walks every object of the site
    # (reports, term tuples): about a tenth of the time at 10,000 reports. Our garbage is freed by reference
    # counting as usual; the next automatic collection after we return sees everything else.
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
