"""Explore more updated after edits: always exactly what related_reports gives from scratch."""
from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from builder.related import MAX_TERM_DF, RelatedIndex, related_reports
from builder.related_update import rank_related
from builder.terms import report_terms

from .test_related import report, topic

WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta", "zeta", "lambda"]


def terms_of(reports):
    return {r.slug: report_terms(r.title, r.summary, r.text) for r in reports}


def edited(r, title: str | None = None, text: str | None = None):
    """r with a new title and/or body: a new Report object, as the build makes after a save."""
    return replace(r, title=r.title if title is None else title, text=r.text if text is None else text)


def assert_same_as_fresh(state, reports, terms, count):
    fresh = related_reports(reports, terms, count)
    index = RelatedIndex(reports, terms)
    # Scores bit for bit, and the index an update leaves behind, as well as the cards.
    assert state.rankings == index.rank_all(count)
    assert (state.index.vectors, state.index.postings, state.index.idf) == (index.vectors, index.postings, index.idf)
    assert list(state.related) == list(fresh)
    assert state.related == fresh
    current = {r.slug: r for r in reports}
    for cards in state.related.values():
        for card in cards:
            assert card.report is current[card.report.slug]  # the current report, not an equal old one


def apply(state, reports, terms, count, edits):
    """Apply edits {position in `reports`: (title, text)}; check the update path was taken and exact."""
    reports = list(reports)
    terms = dict(terms)
    for i, (title, text) in edits.items():
        reports[i] = edited(reports[i], title, text)
        terms[reports[i].slug] = report_terms(reports[i].title, reports[i].summary, reports[i].text)
    new = rank_related(reports, terms, count, state)
    assert new is state  # updated, not made afresh
    assert_same_as_fresh(new, reports, terms, count)
    return new, reports, terms


sites = st.lists(
    st.tuples(
        st.integers(0, 4),  # days ago: plenty of same-day ties
        st.lists(st.sampled_from(["A", "B", "C", "D", "E"]), max_size=4),
        st.lists(st.sampled_from(WORDS), max_size=8),
    ),
    min_size=2, max_size=24,
)
edit_lists = st.lists(  # rounds of edits: (which report, new title words or None, new body words or None)
    st.lists(st.tuples(st.integers(0, 10 ** 6), st.none() | st.lists(st.sampled_from(WORDS), max_size=3),
                       st.none() | st.lists(st.sampled_from(WORDS), max_size=8)), min_size=1, max_size=3),
    min_size=1, max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(sites, st.integers(1, 6), edit_lists)
def test_updates_after_title_and_body_edits_equal_a_fresh_ranking(rows, count, rounds):
    reports = [report(f"r{i:02d}", d, tuple(ts), " ".join(ws)) for i, (d, ts, ws) in enumerate(rows)]
    terms = terms_of(reports)
    state = rank_related(reports, terms, count)
    assert_same_as_fresh(state, reports, terms, count)
    for edits in rounds:
        changes = {i % len(reports): (None if title is None else " ".join(title) or "untitled",
                                      None if body is None else " ".join(body)) for i, title, body in edits}
        state, reports, terms = apply(state, reports, terms, count, changes)


def test_updates_exact_while_terms_cross_the_document_frequency_cap():
    # Enough reports that the cap is MAX_TERM_DF itself; words used by about that many reports, so
    # edits move them in and out of the vectors, and identical bodies give tied scores.
    rng = random.Random(4)
    n = 4 * MAX_TERM_DF + 40
    vocabulary = [f"w{i}" for i in range(60)]
    pools = ["A", "B", "C", "D", "E", "F"]

    def body():
        return " ".join(w for w in vocabulary if rng.random() < MAX_TERM_DF / n) or "plain"

    reports = [report(f"r{i:03d}", i // 7, tuple(rng.sample(pools, rng.randint(0, 3))), body())
               for i in range(n)]
    terms = terms_of(reports)
    state = rank_related(reports, terms, 5)
    crossed = 0
    for _ in range(40):
        edits = {rng.randrange(n): (rng.choice([None, " ".join(rng.sample(vocabulary, 2))]), body())
                 for _ in range(rng.randint(1, 3))}
        df_before = {t: sum(t in dict(terms[r.slug]) for r in reports) for t in vocabulary}
        state, reports, terms = apply(state, reports, terms, 5, edits)
        df_after = {t: sum(t in dict(terms[r.slug]) for r in reports) for t in vocabulary}
        crossed += any((df_before[t] <= MAX_TERM_DF) != (df_after[t] <= MAX_TERM_DF) for t in vocabulary)
    assert crossed >= 3  # the test did exercise the cap


def test_an_edit_that_changes_no_term_still_renews_the_cards_showing_the_report():
    site = [report("a", 0, ("AI",), "chips fabs"), report("b", 1, ("AI",), "chips fabs"),
            report("c", 2, ("Space",), "rockets")]
    terms = terms_of(site)
    state = rank_related(site, terms, 2)
    site[1] = replace(site[1], summary="A new summary")  # terms given unchanged, as if by chance
    new = rank_related(site, terms, 2, state)
    assert new is state
    assert state.related["a"][0].report is site[1]
    assert_same_as_fresh(state, site, terms, 2)


def test_nothing_changed_keeps_the_very_same_cards():
    site = [report(f"r{i}", i, ("AI",), "chips fabs") for i in range(5)]
    terms = terms_of(site)
    state = rank_related(site, terms, 2)
    before = state.related
    assert rank_related(list(reversed(site)), dict(terms), 2, state).related is before


BASE = [report("a", 0, ("AI", "Policy"), "chips fabs export"), report("b", 1, ("AI",), "chips fabs"),
        report("c", 2, ("Policy",), "export rules"), report("d", 3, ("Space",), "rockets")]


def fallback_cases():
    return {
        "a report added": (BASE + [report("e", 4, ("AI",), "chips")], 2),
        "a report removed": (BASE[:3], 2),
        "a report renamed": ([replace(BASE[0], slug="z")] + BASE[1:], 2),
        "a date changed": ([replace(BASE[0], date=BASE[3].date)] + BASE[1:], 2),
        "a topic changed": ([BASE[0], replace(BASE[1], topics=(topic("Space"),))] + BASE[2:], 2),
        "a topic renamed": ([BASE[0], replace(BASE[1], topics=(replace(topic("AI"), name="A.I."),))] + BASE[2:], 2),
        "the count changed": (BASE, 3),
    }


def test_anything_but_terms_changing_ranks_afresh():
    for name, (site, count) in fallback_cases().items():
        state = rank_related(BASE, terms_of(BASE), 2)
        new = rank_related(site, terms_of(site), count, state)
        assert new is not state, name
        assert_same_as_fresh(new, site, terms_of(site), count)


def test_a_slug_twice_is_an_error_not_an_update():
    state = rank_related(BASE, terms_of(BASE), 2)
    site = BASE[:3] + [replace(BASE[3], slug="a")]
    with pytest.raises(ValueError):
        rank_related(site, terms_of(site), 2, state)


def test_a_report_with_more_than_6_topics_ranks_afresh():
    # Its picks may be inexact (see MAX_SUBSETS): only a full ranking gives the same ones.
    site = [replace(BASE[0], topics=tuple(topic(f"T{i}") for i in range(7)))] + BASE[1:]
    state = rank_related(site, terms_of(site), 2)
    site[2] = edited(site[2], text="chips fabs")
    new = rank_related(site, terms_of(site), 2, state)
    assert new is not state
    assert_same_as_fresh(new, site, terms_of(site), 2)


def test_merged_scores_are_summed_as_ranked_sums_them():
    # Many shared terms of unequal weights: the cosine of two reports, summed over one's vector or
    # the other's, can differ in the last bit, and a merged pick must carry ranked()'s float.
    for seed in range(10):
        rng = random.Random(seed)
        vocabulary = [f"w{i}" for i in range(40)]

        def body():
            return " ".join(w for w in rng.sample(vocabulary, 12) for _ in range(rng.randint(1, 9)))

        reports = [report(f"r{i:03d}", i // 5, ("A",), body()) for i in range(60)]
        terms = terms_of(reports)
        state = rank_related(reports, terms, 5)
        for _ in range(30):
            state, reports, terms = apply(state, reports, terms, 5, {rng.randrange(60): (None, body())})
