"""Explore-more ranking on small hand-made sites."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from builder.model import Report, TopicRef
from builder.related import RelatedIndex, related_reports
from builder.terms import report_terms

DAY0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def topic(name: str) -> TopicRef:
    return TopicRef(name, name.lower().replace(" ", "-"))


def report(slug: str, days_ago: int, topics: tuple[str, ...] = (), text: str = "", title: str = "") -> Report:
    """A Report with dummy values for everything the ranking doesn't read."""
    return Report(
        source=f"{slug}.md", slug=slug, title=title or slug, date=DAY0 - timedelta(days=days_ago),
        updated=None, author="Test", summary="", topics=tuple(topic(t) for t in topics), highlights=(),
        html=f"<p>{text}</p>", headings=(), word_count=len(text.split()), reading_minutes=1, text=text,
    )


def terms_of(reports):
    return {r.slug: report_terms("", r.summary, r.text) for r in reports}


def related(reports, count, terms=None):
    return related_reports(reports, terms_of(reports) if terms is None else terms, count)


def slugs(cards):
    return [c.report.slug for c in cards]


SITE = [  # newest first
    report("a", 0, ("AI", "Policy")),
    report("b", 1, ("AI",)),
    report("c", 2, ("Policy", "Europe")),
    report("d", 3, ("Telecoms",)),
    report("e", 4, ("AI", "Policy", "Europe")),
    report("f", 5, ("Space",)),
]


def test_never_self_never_twice_and_exactly_count():
    out = related(SITE, 3)
    assert list(out) == [r.slug for r in SITE]
    for slug, cards in out.items():
        assert len(cards) == 3
        assert slug not in slugs(cards)
        assert len(set(slugs(cards))) == 3


def test_count_larger_than_the_site_gives_every_other_report():
    out = related(SITE[:3], 10)
    assert {slug: sorted(slugs(cards)) for slug, cards in out.items()} == {
        "a": ["b", "c"], "b": ["a", "c"], "c": ["a", "b"]
    }


def test_degenerate_sizes():
    assert related([], 5) == {}
    assert related(SITE[:1], 5) == {"a": ()}
    assert related(SITE, 0) == {r.slug: () for r in SITE}


def test_top_up_with_most_recent_when_nothing_relates():
    site = [report("x", 0, ("Gaming",)), report("y", 1, ("Crypto",)), report("z", 2, ("Health",)),
            report("w", 3, ("Space",))]
    out = related(site, 2)
    assert slugs(out["w"]) == ["x", "y"]
    assert slugs(out["x"]) == ["y", "z"]
    assert all(c.shared_topics == () for cards in out.values() for c in cards)


def test_related_first_then_top_up_by_recency():
    out = related(SITE, 4)
    # f shares nothing with anyone: d and f only ever appear as top-up.
    assert slugs(out["d"]) == ["a", "b", "c", "e"]
    assert slugs(out["b"])[:2] == ["a", "e"]  # the two other AI reports, most recent first
    assert [c.shared_topics for c in out["b"][2:]] == [(), ()]


def test_shared_topics_in_the_page_reports_order():
    site = [report("p", 0, ("Security", "AI", "Europe")), report("q", 1, ("Europe", "Space", "Security"))]
    (card,) = related(site, 1)["p"]
    assert card.report.slug == "q"
    assert card.shared_topics == (topic("Security"), topic("Europe"))
    (back,) = related(site, 1)["q"]
    assert back.shared_topics == (topic("Europe"), topic("Security"))


def test_rare_topic_outweighs_common_topic():
    site = [
        report("page", 0, ("AI", "Quantum")),
        report("common", 1, ("AI",)),  # more recent, shares the common topic
        report("rare", 2, ("Quantum",)),  # shares the rare one
    ] + [report(f"ai-{i}", 3 + i, ("AI",)) for i in range(5)]
    assert slugs(related(site, 2)["page"]) == ["rare", "common"]


def test_more_shared_topics_beat_term_similarity():
    words = "spectrum auction coverage obligation towers handsets rural"
    site = [
        report("page", 0, ("Telecoms", "Policy"), words),
        report("twin", 1, ("Telecoms",), words),  # same words, one topic
        report("both", 2, ("Telecoms", "Policy"), "nothing alike here at all"),
        report("other", 3, ("Space",), "rockets"),
        report("other2", 4, ("Space",), "rockets"),
    ]
    assert slugs(related(site, 2)["page"]) == ["both", "twin"]


def test_terms_order_reports_within_a_topic():
    site = [
        report("page", 0, ("Telecoms",), "spectrum auction coverage obligation"),
        report("newer", 1, ("Telecoms",), "satellite launch orbit"),
        report("older", 2, ("Telecoms",), "spectrum auction pricing"),
        report("else", 3, ("Space",), "satellite launch orbit rockets"),
        report("else2", 4, ("Space",), "rockets"),
    ]
    assert slugs(related(site, 2)["page"]) == ["older", "newer"]


def test_ties_go_to_the_more_recent_then_the_slug():
    site = [
        report("page", 0, ("AI",)),
        report("m-same-day", 1, ("AI",)),
        report("b-same-day", 1, ("AI",)),
        report("old", 5, ("AI",)),
        report("newest-unrelated", 0, ("Space",)),
    ]
    assert slugs(related(site, 3)["page"]) == ["b-same-day", "m-same-day", "old"]


def test_deterministic_and_independent_of_input_order():
    site = [report(f"r{i:02d}", i // 3, tuple(random.Random(i).sample(["A", "B", "C", "D", "E"], 2)),
                   " ".join(random.Random(-i).choices(["alpha", "beta", "gamma", "delta", "eps"], k=6)))
            for i in range(30)]
    terms = terms_of(site)
    first = related(site, 4, terms)
    shuffled = site[:]
    random.Random(1).shuffle(shuffled)
    assert repr(related(shuffled, 4, terms)) == repr(first)
    assert repr(related(site, 4, terms)) == repr(first)
    assert list(related(shuffled, 4, terms)) == [r.slug for r in site]  # keyed newest first


def test_missing_terms_and_repeated_topics_are_tolerated():
    site = [report("a", 0, ("AI", "AI")), report("b", 1, ("AI",))]
    out = related(site, 1, terms={})
    assert slugs(out["a"]) == ["b"]
    assert out["a"][0].shared_topics == (topic("AI"),)


def test_duplicate_slugs_are_an_error():
    with pytest.raises(ValueError):
        related([report("a", 0), report("a", 1)], 1)


def exact(index: RelatedIndex, a: int, k: int) -> list[int]:
    """All-pairs ranking by the same score: the definition the fast path must reproduce."""
    others = [b for b in range(len(index.reports)) if b != a]
    return sorted(others, key=lambda b: (-index.score(a, b), b))[:k]


sites = st.lists(
    st.tuples(
        st.integers(0, 6),  # days ago: plenty of same-day ties
        st.lists(st.sampled_from(["A", "B", "C", "D", "E", "F"]), max_size=5),
        st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa"]), max_size=8),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(sites, st.integers(0, 8))
def test_same_picks_as_exact_all_pairs_ranking(rows, count):
    site = [report(f"r{i:02d}", d, tuple(ts), " ".join(ws)) for i, (d, ts, ws) in enumerate(rows)]
    terms = terms_of(site)
    index = RelatedIndex(site, terms)
    out = related_reports(site, terms, count)
    k = max(0, min(count, len(site) - 1))
    for a, r in enumerate(index.reports):
        assert [index.position[s] for s in slugs(out[r.slug])] == exact(index, a, k)
        for card in out[r.slug]:
            shared = {t.slug for t in card.report.topics} & {t.slug for t in r.topics}
            assert {t.slug for t in card.shared_topics} == shared


def test_garbage_collector_state_is_left_as_it_was():
    import gc

    assert gc.isenabled()
    related(SITE, 2)
    assert gc.isenabled()
    gc.disable()
    try:
        related(SITE, 2)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_term_listed_twice_counts_once():
    site = [report("a", 0, ("AI",)), report("b", 1, ("AI",)), report("c", 2, ("AI",))]
    site += [report(f"other-{i}", 3 + i, ("Space",)) for i in range(9)]
    terms = {"a": (("chips", 1.0), ("chips", 3.0)), "b": (("chips", 1.0),)}
    index = RelatedIndex(site, terms)
    assert index.vectors[0] == (("chips", 1.0),)
    assert slugs(related_reports(site, terms, 2)["a"]) == ["b", "c"]
    assert index.score(0, 1) == index.score(0, 2) + 1.0  # same topic; cosine 1 with b, 0 with c
