"""Topics as publishers write them: one page for each topic, named as most reports spell it."""
from __future__ import annotations

import xml.etree.ElementTree as etree

import pytest

from builder.build import BuildOptions
from builder.check import check_site
from builder.urls import topic_slug
from conftest import NOW, build_site, report

SETTINGS = '[tool.trendsite]\nbase_url = "https://x.org/"\n'


def topic_title(root, slug: str) -> str:
    page = (root / "output" / "topics" / slug / "index.html").read_text()
    return page.split('<h1 class="page-title">', 1)[1].split("</h1>", 1)[0]


def test_topics_that_differ_in_case_are_one_topic_shown_as_most_reports_spell_it(make_site):
    root = make_site({"pyproject.toml": SETTINGS, "content/a.md": report("Alpha", tags=("AI",)),
                      "content/b.md": report("Beta", tags=("AI",)), "content/c.md": report("Gamma", tags=("ai",))})
    build_site(root)
    assert sorted(p.name for p in (root / "output" / "topics").iterdir() if p.is_dir()) == ["ai"]
    assert topic_title(root, "ai") == "AI"
    gamma = (root / "output" / "reports" / "c" / "index.html").read_text()
    assert '<a href="/topics/ai/">AI</a>' in gamma and ">ai<" not in gamma
    feed = etree.fromstring((root / "output" / "feed.xml").read_bytes())
    assert {c.get("label") for c in feed.iter("{http://www.w3.org/2005/Atom}category")} == {"AI"}


def test_check_names_the_spellings_of_a_topic_where_a_report_spells_it_otherwise(make_site):
    root = make_site({"pyproject.toml": SETTINGS, "content/a.md": report("Alpha", tags=("AI",)),
                      "content/b.md": report("Beta", tags=("AI",)), "content/c.md": report("Gamma", tags=("ai",))})
    found = check_site(BuildOptions(root=root, output=root / "output", now=NOW))
    (variant,) = [f for f in found if "spell" in f.message]
    assert (variant.path, variant.line, variant.severity) == ("content/c.md", 4, "warning")
    assert variant.message == ("the topic 'ai' is shown as 'AI', as most reports spell it "
                               "(spellings: 'AI' (2), 'ai' (1))")


def test_topics_whose_names_differ_only_in_symbols_get_distinct_pages(make_site):
    topics = ("C", "C++", "C#", "R&D", "R")
    root = make_site({"pyproject.toml": SETTINGS, **{f"content/{n}.md": report(f"Report {n}", tags=(topic,))
                                                     for n, topic in enumerate(topics)}})
    build_site(root)
    for n, (topic, slug) in enumerate(zip(topics, ("c", "c-plus-plus", "c-sharp", "r-and-d", "r"))):
        assert topic_title(root, slug) == topic.replace("&", "&amp;")
        page = (root / "output" / "topics" / slug / "index.html").read_text()
        assert [f"Report {m}" for m in range(len(topics)) if f"Report {m}<" in page] == [f"Report {n}"]


@pytest.mark.parametrize("name, slug", [
    ("C", "c"), ("C++", "c-plus-plus"), ("C#", "c-sharp"), ("F#", "f-sharp"), ("#AI", "ai"), ("R&D", "r-and-d"),
    ("Mergers & Acquisitions", "mergers-and-acquisitions"), ("Google+", "google-plus"), ("Café", "cafe"),
])
def test_a_topic_slug_spells_out_the_symbols_that_make_another_topic(name, slug):
    assert topic_slug(name) == slug
