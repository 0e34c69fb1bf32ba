from dataclasses import replace
from datetime import datetime, timezone

import feedparser

from builder.feeds import atom_feed, robots, sitemap
from builder.model import Report, SiteConfig, TopicRef

CONFIG = SiteConfig(title="T & Co", base_url="https://example.org/sub/", feed_size=2)


def absolute(path: str) -> str:
    return "https://example.org/sub/" + path


def make(slug, day, title=None):
    return Report(source=f"{slug}.md", slug=slug, title=title or slug, summary="s <b>",
                  date=datetime(2026, 1, day, tzinfo=timezone.utc), updated=None, author="A",
                  topics=(TopicRef("AI", "ai"),), highlights=(), headings=(), word_count=1, reading_minutes=1,
                  text="", html='<h2 id="h">Head<a class="headerlink" href="#h" title="Link to this section">#</a></h2>'
                  '<p><a href="/sub/reports/x/">x</a> <img src="/sub/p.png"> <a href="#f">f</a></p>')


def test_feed_keeps_the_newest_and_makes_links_absolute():
    data = atom_feed(CONFIG, [make("c", 3, "Title <with> & \x01 control"), make("b", 2), make("a", 1)],
                     "feed.xml", "", CONFIG.title, absolute)
    feed = feedparser.parse(data)
    assert not feed.bozo
    assert feed.feed.title == "T & Co"
    assert [e.title for e in feed.entries] == ["Title <with> &  control", "b"]
    content = feed.entries[0].content[0].value
    assert 'href="https://example.org/sub/reports/x/"' in content
    assert 'src="https://example.org/sub/p.png"' in content
    assert feed.entries[0].tags[0].term == "ai"
    assert "<h2 id=\"h\">Head</h2>" in content  # without the site's "#" link, shown bare by feed readers


def test_a_site_without_author_still_gives_every_entry_one_as_atom_requires():
    anonymous = replace(make("a", 1), author="")
    feed = feedparser.parse(atom_feed(CONFIG, [anonymous], "feed.xml", "", CONFIG.title, absolute))
    assert "author" not in feed.entries[0] and feed.feed.author == "T & Co"  # the feed's author covers it


def test_sitemap_and_robots():
    data = sitemap([("", None), ("reports/a/", datetime(2026, 1, 2, tzinfo=timezone.utc))], absolute)
    assert b"<loc>https://example.org/sub/</loc>" in data
    assert b"<lastmod>2026-01-02</lastmod>" in data
    assert robots(absolute).endswith(b"Sitemap: https://example.org/sub/sitemap.xml\n")
