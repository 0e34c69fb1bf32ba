"""Page weight: a report's own HTML + CSS + JS stays under 60 KB before compression, and static files carry
content-hashed names so they can be cached forever."""
from __future__ import annotations

import hashlib
import re
import shutil
from html.parser import HTMLParser

import pytest

from builder.urls import output_path
from conftest import REPO, build_site

BUDGET = 60 * 1024  # bytes, before compression, images and charts' drawings aside
CHART_DRAWING = re.compile(rb'<svg class="chart-svg".*?</svg>', re.S)
FINGERPRINTED = re.compile(r"^static/(?P<stem>[\w/.-]+)\.(?P<digest>[0-9a-f]{10})\.(?P<ext>css|js)$")


class Assets(HTMLParser):
    """The stylesheets and scripts a page loads on its own, as site-relative paths."""

    def __init__(self, base_path: str) -> None:
        super().__init__()
        self.base_path = base_path
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet":
            self.found.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.found.append(a["src"])

    def paths(self) -> list[str]:
        assert all(u.startswith(self.base_path) for u in self.found), self.found
        return [u.removeprefix(self.base_path) for u in self.found]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return build_site(root).site, root / "output"


def assets(site, output, url: str) -> list[str]:
    parser = Assets(site.config.base_path)
    parser.feed((output / output_path(url)).read_text("utf-8"))
    return parser.paths()


def test_every_report_page_with_its_css_and_js_weighs_under_60_kb(sample):
    site, output = sample
    weights = {}
    for report in site.reports:
        page = (output / output_path(report.url)).read_bytes()
        weights[report.url] = len(CHART_DRAWING.sub(b"", page)) + sum(
            (output / f).stat().st_size for f in assets(site, output, report.url))
    heaviest = max(weights, key=weights.get)
    assert weights[heaviest] < BUDGET, f"{heaviest} weighs {weights[heaviest]} bytes"


def test_the_search_script_loads_only_on_the_search_page_or_on_first_use(sample):
    site, output = sample
    for page in site.pages:
        if page.template.endswith(".html"):
            scripts = [p for p in assets(site, output, page.url) if p.endswith(".js")]
            eager = any(p.startswith("static/search.") for p in scripts)
            assert eager == (page.url == "search/"), page.url


def test_static_files_are_named_by_a_hash_of_their_content(sample):
    site, output = sample
    referenced = {p for page in site.pages if page.template.endswith(".html") for p in assets(site, output, page.url)}
    assert any(p.endswith(".css") for p in referenced) and any(p.endswith(".js") for p in referenced)
    for path in referenced:
        match = FINGERPRINTED.match(path)
        assert match, f"{path} has no content hash in its name"
        assert hashlib.sha256((output / path).read_bytes()).hexdigest()[:10] == match["digest"], path
