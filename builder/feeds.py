"""Atom feeds, the sitemap and robots.txt: machine-read files built with a real XML serializer."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from datetime import datetime, timezone
from typing import Callable, Sequence

from .markup import HEADING_LINK
from .media import MEDIA_DIR
from .model import Report, SiteConfig

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Root-relative links in report bodies; feed readers need them absolute.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src))="/(?!/)')
# Feed readers drop inline SVG and rarely know <picture>: a chart becomes its SVG file as an image
# (charts.py), and a picture its own file.
_CHART = re.compile(r'<figure class="chart" data-chart="(\w+)">(.*?)<div class="chart-graphic"><svg [^>]*?aria-label="'
                    r'([^"]*)"[^>]*>.*?</svg></div>')
_SOURCES = re.compile(r"<source [^>]*>|</?picture>|\s(?:loading|decoding)=\"[^\"]*\"")


def atom_feed(config: SiteConfig, reports: Sequence[Report], feed_url: str, page_url: str, title: str,
              absolute_url: Callable[[str], str]) -> bytes:
    """An Atom feed of the newest reports with full content and absolute links."""
    etree.register_namespace("", ATOM)
    feed = etree.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": config.language})
    _text(feed, "title", title)
    if config.description:
        _text(feed, "subtitle", config.description)
    _text(feed, "id", absolute_url(feed_url))
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=absolute_url(feed_url))
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=absolute_url(page_url))
    newest = reports[: config.feed_size]
    stamps = [r.updated or r.date for r in newest]
    _text(feed, "updated", _stamp(max(stamps) if stamps else datetime(1970, 1, 1, tzinfo=timezone.utc)))
    # Atom requires an author for every entry; the feed's covers reports without one, so a site without
    # `author` names its publisher by its title.
    _text(etree.SubElement(feed, f"{{{ATOM}}}author"), "name", config.author or config.title)
    _text(feed, "generator", "trendsite")
    origin = absolute_url("").split("/", 3)
    site_origin = "/".join(origin[:3])
    for report in newest:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        link = absolute_url(report.url)
        _text(entry, "title", report.title)
        _text(entry, "id", link)
        etree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link)
        _text(entry, "published", _stamp(report.date))
        _text(entry, "updated", _stamp(report.updated or report.date))
        author = report.author or config.author
        if author:
            _text(etree.SubElement(entry, f"{{{ATOM}}}author"), "name", author)
        for ref in report.topics:
            etree.SubElement(entry, f"{{{ATOM}}}category", term=ref.slug, label=ref.name)
        if report.summary:
            _text(entry, "summary", report.summary)
        body = HEADING_LINK.sub("", report.html)  # feed readers, without the theme, show every "#"
        body = _SOURCES.sub("", _CHART.sub(
            rf'<figure class="chart">\2<img src="{config.base_path}{MEDIA_DIR}/\1.svg" alt="\3">', body))
        content = _text(entry, "content", _ROOT_RELATIVE.sub(rf'\1="{site_origin}/', body))
        content.set("type", "html")
        content.set("{http://www.w3.org/XML/1998/namespace}base", link)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(feed, encoding="utf-8", xml_declaration=False) + b"\n"


def sitemap(urls: Sequence[tuple[str, datetime | None]], absolute_url: Callable[[str], str]) -> bytes:
    """sitemap.xml listing every page, with a last-modified date where one is known."""
    etree.register_namespace("", SITEMAP)
    root = etree.Element(f"{{{SITEMAP}}}urlset")
    for url, modified in urls:
        entry = etree.SubElement(root, f"{{{SITEMAP}}}url")
        _text(entry, "loc", absolute_url(url), SITEMAP)
        if modified is not None:
            _text(entry, "lastmod", modified.date().isoformat(), SITEMAP)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def robots(absolute_url: Callable[[str], str]) -> bytes:
    """robots.txt that allows everything and points at the sitemap."""
    return f"User-agent: *\nAllow: /\nSitemap: {absolute_url('sitemap.xml')}\n".encode()


def _text(parent: etree.Element, tag: str, value: str, namespace: str = ATOM) -> etree.Element:
    child = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    child.text = _xml_safe(value)
    return child


def _xml_safe(value: str) -> str:
    # XML 1.0 forbids most control characters even when escaped; drop them rather than emit a broken feed.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", value)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
