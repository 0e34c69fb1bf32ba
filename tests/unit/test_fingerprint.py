"""fingerprint.py: a page's fingerprint changes with what it shows, and memos across builds never change it."""
from __future__ import annotations

from builder.cache import text_digest
from builder.fingerprint import page_fingerprints
from builder.listing import collect_topics, plan_pages, sort_reports
from builder.model import SiteConfig
from conftest import report_object as make


def _plan(reports, known):
    return plan_pages(SiteConfig(per_page=2), reports, collect_topics(reports), {}, known)


def test_fingerprints_with_memos_from_an_earlier_build_equal_fresh_ones_and_follow_an_edit():
    reports = sort_reports([make(f"r{i}", i * 9) for i in range(12)])
    digests = {r.slug: text_digest(r.slug) for r in reports}
    pages_memo, fingerprints_memo, described = {}, {}, {}
    first = page_fingerprints(_plan(reports, pages_memo), "theme", digests, fingerprints_memo, described)
    assert first == page_fingerprints(_plan(reports, {}), "theme", digests)
    assert described  # the archive's months and the listings' reports, kept for the next build
    edited = sort_reports([make("r3", 27), *(r for r in reports if r.slug != "r3")])
    digests["r3"] = text_digest("r3 edited")
    warm = page_fingerprints(_plan(edited, pages_memo), "theme", digests, fingerprints_memo, described)
    assert warm == page_fingerprints(_plan(edited, {}), "theme", digests)
    changed = {url for url in first if first[url] != warm[url]}
    assert {"reports/r3/", "archive/", "topics/ai/page/5/"} <= changed
    assert "reports/r9/" not in changed and "topics/ai/" not in changed
