"""Hostile content: front matter values are escaped wherever they land; Markdown cannot inject script."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
import yaml

from conftest import build_site, report, write_site

# Breaks out of every context a value can land in: element text, quoted attributes, <script>, JSON,
# comments and CDATA.
EVIL = """</script><script>alert(1)</script><x-evil>"onmouseover="alert(2)' onfocus='alert(3)"""
EVIL_XML = "]]><x-evil/><!-- & &amp; </title>"
ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data(?!:image/)):", re.I)

HOSTILE_BODY = """
Raw <script>alert(4)</script> and <img src=x onerror=alert(5)> stay text.

<div onclick="alert(6)">a raw block</div>

[plain](javascript:alert(7)) [case](JaVaScRiPt:alert(7)) [tab](java&#x09;script:alert(7))
[entity](&#106;avascript:alert(7)) [named](javascript&colon;alert(7)) [space]( javascript:alert(7))
[angle](<javascript:alert(7)>) [vb](vbscript:msgbox(7)) [data](data:text/html;base64,PHNjcmlwdD4=)
[ref][r] ![pic](javascript:alert(7)) <javascript:alert(7)> [quote](http://x"onmouseover="alert(7))

[r]: javascript:alert(7)

## Attributes {: onclick="alert(9)" }

A paragraph with attributes.
{: onmouseover="alert(9)" ONFOCUS="alert(9)" }

[attr](https://example.org){: onfocus="alert(9)" href="javascript:alert(9)" }

![chart](x%22%20onerror=%22alert(10)%22%20y=%22.png)
"""
# A file beside the report whose name, linked %-encoded above, would close the attribute.
HOSTILE_FILE = 'x" onerror="alert(10)" y=".png'


def hostile_report() -> str:
    meta = {"title": EVIL + EVIL_XML, "date": "2026-05-01", "summary": "Sum " + EVIL + EVIL_XML,
            "author": "Au " + EVIL + EVIL_XML, "tags": ["AI", EVIL, EVIL_XML], "highlights": [EVIL, EVIL_XML],
            "image": 'https://example.org/a.png?"onerror="alert(8)', "extra": {"note": EVIL}}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + HOSTILE_BODY


class Elements(HTMLParser):
    """Every element, script body and comment of a page, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "script":
            self.scripts.append((attributes, ""))

    def handle_data(self, data):
        if self.lasttag == "script" and self.scripts and self.scripts[-1][1] == "" and self.cdata_elem:
            self.scripts[-1] = (self.scripts[-1][0], data)
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def parse(page: Path) -> Elements:
    parser = Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The same site built with a benign report and with a hostile one, to tell our markup from injected."""
    base = tmp_path_factory.mktemp("hostile")
    config = '[tool.trendsite]\nbase_url = "https://example.org/"\n'
    benign = write_site(base / "benign", {"pyproject.toml": config, "content/a.md": report("Benign", tags=("AI",)),
                                          "content/b.md": report("Other", tags=("AI",))})
    hostile = write_site(base / "hostile", {"pyproject.toml": config, "content/a.md": hostile_report(),
                                            f"content/{HOSTILE_FILE}": b"png",
                                            "content/b.md": report("Other", tags=("AI",))})
    build_site(benign)
    build_site(hostile)
    return benign / "output", hostile / "output"


def pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def test_no_injected_script_element_or_handler_in_any_page(built):
    benign, hostile = built
    ours = {data for page in pages(benign) for attrs, data in parse(page).scripts if "src" not in attrs}
    assert pages(hostile)
    for page in pages(hostile):
        parsed = parse(page)
        for tag, attributes in parsed.elements:
            assert tag != "x-evil", page
            assert not [name for name in attributes if name.startswith("on")], (page, tag, attributes)
            for name in ("href", "src", "action", "formaction"):
                value = re.sub(r"[\x00-\x20]", "", attributes.get(name) or "")
                assert not SCRIPT_URL.match(value), (page, tag, attributes)
        for attributes, data in parsed.scripts:
            if "src" in attributes:
                assert attributes["src"].startswith("/static/"), page
            elif attributes.get("type") == "application/ld+json":
                json.loads(data)  # the JSON-LD ends where we meant it to, and is still JSON
            else:
                assert data in ours, (page, data)
        assert not [c for c in parsed.comments if "alert" in c or "&amp;" in c], page


def test_values_are_shown_as_the_text_the_writer_typed(built):
    _, hostile = built
    page = parse(hostile / "reports/a/index.html")
    text = "".join(page.text)
    for value in (EVIL + EVIL_XML, "Au " + EVIL + EVIL_XML, EVIL_XML):
        assert value in text
    assert "<script>alert(4)</script>" in text and "<img src=x onerror=alert(5)>" in text
    metas = {a.get("property") or a.get("name"): a.get("content") for t, a in page.elements if t == "meta"}
    assert metas["og:title"] == EVIL + EVIL_XML
    ld, = [json.loads(data) for attrs, data in page.scripts if attrs.get("type") == "application/ld+json"]
    assert ld["headline"] == EVIL + EVIL_XML and ld["author"]["name"] == "Au " + EVIL + EVIL_XML
    assert EVIL in ld["keywords"]


def test_script_urls_in_links_are_dropped_and_the_link_text_kept(built):
    _, hostile = built
    page = parse(hostile / "reports/a/index.html")
    prose = "".join(page.text)
    for word in ("plain", "case", "tab", "entity", "named", "space", "angle", "vb", "data", "ref", "quote"):
        assert word in prose
    hrefs = [a.get("href") or "" for t, a in page.elements if t == "a"]
    assert not [h for h in hrefs if "alert" in h and "onmouseover" not in h]


def test_feeds_and_sitemap_parse_and_keep_the_values_exact(built):
    _, hostile = built
    feeds = sorted(hostile.rglob("feed.xml"))
    assert len(feeds) >= 3  # the site's and one per topic, the hostile ones included
    for feed in feeds:
        assert feedparser.parse(feed.read_bytes()).bozo == 0, feed
        etree.fromstring(feed.read_bytes())
    root = etree.fromstring((hostile / "feed.xml").read_bytes())
    entry = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") != "Other")
    assert entry.findtext(f"{ATOM}title") == EVIL + EVIL_XML
    assert entry.findtext(f"{ATOM}summary") == "Sum " + EVIL + EVIL_XML
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Au " + EVIL + EVIL_XML
    assert {c.get("label") for c in entry.iter(f"{ATOM}category")} == {"AI", EVIL, EVIL_XML}
    content = Elements()  # what a feed reader renders: the body as HTML, with the same safety
    content.feed(entry.findtext(f"{ATOM}content"))
    assert content.scripts == [] and "<script>alert(4)</script>" in "".join(content.text)
    assert not [a for _, a in content.elements if any(n.startswith("on") for n in a)]
    assert not [a for _, a in content.elements if "javascript:" in (a.get("href") or "").lower()]
    sitemap = etree.fromstring((hostile / "sitemap.xml").read_bytes())
    assert all(loc.text.startswith("https://example.org/") for loc in sitemap.iter()
               if loc.tag.endswith("loc"))


def test_every_json_file_is_valid_json(built):
    _, hostile = built
    for path in hostile.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("image", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                   "vbscript:x"])
def test_an_image_with_a_script_address_is_refused(make_site, image):
    root = make_site({"content/a.md": report("A", image=json.dumps(image))})
    with pytest.raises(Exception, match="unsafe address"):
        build_site(root)


def test_unsafe_html_lets_a_trusted_site_use_raw_html(make_site):
    body = '<figure class="chart"><svg viewBox="0 0 1 1"></svg></figure>\n\nText <kbd>Ctrl</kbd>.'
    root = make_site({"pyproject.toml": "[tool.trendsite]\nunsafe_html = true\n",
                      "content/a.md": report("A", body=body)})
    build_site(root)
    page = parse(root / "output/reports/a/index.html")
    tags = [tag for tag, _ in page.elements]
    assert "figure" in tags and "kbd" in tags
