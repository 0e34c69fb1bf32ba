"""The fixture site and the bundled sample site, built end to end and read back."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as etree
from pathlib import Path

import feedparser
import pytest

from builder.markup import PAGE_IDS
from conftest import FIXTURE_SITE, REPO, build_site
from sitecheck import broken_links, html_pages, links_of, reachable_pages

BASE_PATH = "/trends/"


def test_one_page_per_published_report(fixture_output):
    pages = sorted(p.parent.name for p in (fixture_output / "reports").glob("*/index.html"))
    assert pages == ["alpha", "beta", "bundle", "delta"]  # no draft, nothing dated in the future


def test_every_internal_link_and_asset_resolves(fixture_output):
    assert broken_links(fixture_output, BASE_PATH) == []


def test_every_page_is_reachable_from_the_home_page(fixture_output):
    reachable = reachable_pages(fixture_output, BASE_PATH)
    unreachable = [p for p in html_pages(fixture_output) if p not in reachable and p.name != "404.html"]
    assert unreachable == []


def test_report_ends_with_explore_more_cards_to_other_reports(fixture_output):
    html = (fixture_output / "reports" / "alpha" / "index.html").read_text()
    explore = html[html.index("Explore more"):]
    targets = set(re.findall(r'href="/trends/reports/([^/"]+)/"', explore))
    assert targets and "alpha" not in targets
    assert targets <= {"beta", "bundle", "delta"}


def test_links_between_reports_become_their_urls(fixture_output):
    html = (fixture_output / "reports" / "alpha" / "index.html").read_text()
    assert 'href="/trends/reports/beta/#policy"' in html
    assert 'href="/trends/reports/bundle/"' in html


def test_files_beside_a_report_are_published_and_linked(fixture_output):
    html = (fixture_output / "reports" / "bundle" / "index.html").read_text()
    assert 'src="/trends/bundle/chart.svg"' in html
    assert (fixture_output / "bundle" / "chart.svg").is_file()


def test_summary_falls_back_to_first_paragraph_cut_on_a_word(fixture_output):
    home = (fixture_output / "page" / "2" / "index.html").read_text() + (fixture_output / "index.html").read_text()
    assert "Beta is about policy for networks" in home
    assert "somewhere after fifty words have been counted from the start" not in home


def test_home_is_paginated_with_next_and_previous(fixture_output):
    first = (fixture_output / "index.html").read_text()
    second = (fixture_output / "page" / "2" / "index.html").read_text()
    assert 'href="/trends/page/2/"' in first
    assert 'href="/trends/"' in second
    assert (fixture_output / "topics" / "europe" / "index.html").is_file()


def test_feeds_parse_as_atom_with_absolute_urls(fixture_output):
    feed = feedparser.parse((fixture_output / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries][0] == "Trend Analysis: Beta policy"
    assert all(e.link.startswith("https://example.org/trends/reports/") for e in feed.entries)
    content = feed.entries[-1].content[0].value + feed.entries[0].content[0].value
    assert 'href="/' not in content and 'src="/' not in content
    topic = feedparser.parse((fixture_output / "topics" / "europe" / "feed.xml").read_bytes())
    assert not topic.bozo and {e.title for e in topic.entries} == {
        "Trend Analysis: Alpha networks", "Trend Analysis: Beta policy"}


def test_sitemap_lists_every_page(fixture_output):
    tree = etree.parse(fixture_output / "sitemap.xml")
    locs = {e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    expected = set()
    for page in html_pages(fixture_output):
        if page.name == "404.html":
            continue
        rel = page.relative_to(fixture_output).as_posix()
        expected.add("https://example.org/trends/" + rel.removesuffix("index.html"))
    assert locs == expected
    assert "Sitemap: https://example.org/trends/sitemap.xml" in (fixture_output / "robots.txt").read_text()


def test_drafts_and_future_reports_appear_with_their_flags(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root)
    build_site(root, drafts=True, future=True)
    assert (root / "output" / "reports" / "draft" / "index.html").is_file()
    assert (root / "output" / "reports" / "scheduled" / "index.html").is_file()


def test_a_folder_with_only_content_builds_with_the_default_theme(make_site):
    root = make_site({"content/only.md": "---\ntitle: Only\ndate: 2026-01-01\n---\nJust text.\n"})
    result = build_site(root)
    assert result.summary.written > 0
    html = (root / "output" / "reports" / "only" / "index.html").read_text()
    assert "<title>" in html and "Only" in html
    assert list((root / "output" / "static").glob("style.*.css"))


def test_deleting_a_report_removes_its_pages(make_site):
    root = make_site({"content/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\nA.\n",
                      "content/b.md": "---\ntitle: B\ndate: 2026-01-02\n---\nB.\n"})
    build_site(root)
    (root / "content" / "b.md").unlink()
    build_site(root)
    assert not (root / "output" / "reports" / "b").exists()
    assert "reports/b/" not in (root / "output" / "index.html").read_text()


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("sample") / "output"
    completed = subprocess.run([sys.executable, "-m", "builder", "build", "--root", str(REPO), "--output", str(output)],
                               capture_output=True, text=True, cwd=REPO)
    assert completed.returncode == 0, completed.stderr
    return output


def test_sample_site_builds_every_report_with_explore_more(sample_output):
    sources = sorted(p.stem for p in (REPO / "content").glob("*.md"))
    assert len(sources) >= 12
    for slug in sources:
        html = (sample_output / "reports" / slug / "index.html").read_text()
        explore = html[html.index('id="explore-more"'):]
        cards = set(re.findall(r'href="/reports/([^/"]+)/"', explore))
        assert len(cards - {slug}) >= 5, slug


def test_a_report_page_gives_its_own_elements_only_ids_headings_are_kept_from(sample_output):
    page = (sample_output / "reports" / "ai-avatar-job-interviews" / "index.html").read_text(encoding="utf-8")
    outside_body = re.sub(r'<div class="prose">.*?</div>\s*</div>\s*</article>', "", page, flags=re.S)
    assert 'id="how-the-systems-work"' in page and 'id="how-the-systems-work"' not in outside_body
    assert set(re.findall(r' id="([^"]+)"', outside_body)) == PAGE_IDS


def test_sample_site_has_no_broken_links(sample_output):
    assert broken_links(sample_output, "/") == []


def test_sample_report_shows_the_article_highlights_switch(sample_output):
    html = (sample_output / "reports" / "eu-high-risk-vendors-critical-networks" / "index.html").read_text()
    assert 'role="switch"' in html and "Article Highlights" in html
    assert "<mark>" in html
    assert html.index("Article Highlights") < html.index('class="prose"')
    assert all(link for link in links_of(html))
