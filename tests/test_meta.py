"""Each kind of page says what it is to search engines, social cards and assistive technology: title,
description, canonical URL under the site's base_url (sub-path included), Open Graph, Twitter card,
JSON-LD Article on reports, lang and a skip link."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from builder.urls import output_path
from conftest import REPO, build_site

KINDS = {"home", "report", "topic", "topics", "archive", "search", "404"}


@dataclass
class Head:
    """What a page tells machines about itself."""

    lang: str | None = None
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # name or property -> content
    links: dict[str, str] = field(default_factory=dict)  # rel -> href
    json_ld: list[str] = field(default_factory=list)
    first_link: str | None = None  # href of the first <a> in <body>
    ids: set[str] = field(default_factory=set)


class HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.head = Head()
        self.capture: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.head.ids.add(a["id"])
        if tag == "html":
            self.head.lang = a.get("lang")
        elif tag == "title":
            self.capture = "title"
        elif tag == "meta" and ("name" in a or "property" in a):
            key = a.get("name") or a["property"]
            assert key not in self.head.meta or key.startswith("article:"), f"<meta> {key} twice"
            self.head.meta[key] = a.get("content", "")
        elif tag == "link" and "rel" in a:
            self.head.links.setdefault(a["rel"], a.get("href", ""))
        elif tag == "script" and a.get("type") == "application/ld+json":
            self.capture = "json"
            self.head.json_ld.append("")
        elif tag == "a" and self.head.first_link is None:
            self.head.first_link = a.get("href")

    def handle_endtag(self, tag):
        self.capture = None

    def handle_data(self, data):
        if self.capture == "title":
            self.head.title += data
        elif self.capture == "json":
            self.head.json_ld[-1] += data


def read_head(html: str) -> Head:
    parser = HeadParser()
    parser.feed(html)
    return parser.head


@pytest.fixture(scope="module", params=["sample", "fixture"])
def built(request, tmp_path_factory):
    """(site, {page URL: (kind, Head)}) for the sample site (base_url at a domain root) and the fixture
    site (base_url under /trends/)."""
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "sample":
        shutil.copytree(REPO / "content", root / "content")
        shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    else:
        shutil.copytree(REPO / "tests" / "fixtures" / "site", root, dirs_exist_ok=True)
    site = build_site(root).site
    heads = {p.url: (p.kind, read_head((root / "output" / output_path(p.url)).read_text("utf-8")))
             for p in site.pages if p.template.endswith(".html")}
    assert KINDS <= {kind for kind, _ in heads.values()}
    return site, heads


def test_every_page_has_lang_a_title_a_description_and_a_skip_link(built):
    site, heads = built
    for url, (kind, head) in heads.items():
        assert head.lang == site.config.language, url
        assert head.title.strip() and site.config.title in head.title, url
        assert len(head.meta.get("description", "").strip()) >= 20, url
        assert head.first_link == "#main" and "main" in head.ids, f"{url}: the skip link comes first"
    # Titles tell pages apart: the later pages of a listing add "Page n".
    titles = Counter(head.title for _, head in heads.values())
    assert [t for t, n in titles.items() if n > 1] == []


def test_canonical_and_og_url_are_absolute_under_the_base_url(built):
    site, heads = built
    base = site.config.base_url
    for url, (kind, head) in heads.items():
        if kind == "404":  # served at any address, so it names none and stays out of search engines
            assert "canonical" not in head.links and head.meta.get("robots") == "noindex"
            continue
        assert head.links["canonical"] == base + url, url
        assert head.meta["og:url"] == head.links["canonical"], url


def test_every_page_has_open_graph_and_twitter_card_tags(built):
    site, heads = built
    for url, (kind, head) in heads.items():
        for key in ("og:title", "og:description", "og:type", "og:site_name", "twitter:card"):
            assert head.meta.get(key, "").strip(), f"{url}: no {key}"
        assert head.meta["og:type"] == ("article" if kind == "report" else "website"), url
        assert head.meta["twitter:card"] in ("summary", "summary_large_image"), url


def test_reports_carry_json_ld_article_data(built):
    site, heads = built
    reports = {r.url: r for r in site.reports}
    assert reports
    for url, (kind, head) in heads.items():
        if kind != "report":
            assert head.json_ld == [], url
            continue
        report = reports[url]
        (data,) = [json.loads(text) for text in head.json_ld]
        assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
        assert data["headline"] == report.title
        assert data["datePublished"].startswith(report.date.date().isoformat())
        assert data["author"]["name"] == (report.author or site.config.author)
        assert data["url"] == site.config.base_url + url
        assert head.meta["og:title"] == report.title
        assert head.meta["article:published_time"] == data["datePublished"]
