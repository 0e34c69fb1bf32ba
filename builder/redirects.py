"""Old addresses that keep working: a report's `aliases` become redirect pages and lines of `_redirects`.

An alias is a URL path from the site's root ("/2019/03/old-title/", "/old.html"), as Hugo writes them.
Each is published as a small page that sends the reader on (meta refresh, canonical link, noindex),
and as a line `from to 301` of `_redirects`, the file Netlify and Cloudflare Pages read.
"""
from __future__ import annotations

import posixpath
from typing import Callable, Iterable, Mapping
from urllib.parse import quote, unquote, urlsplit

from .errors import Problem, warning
from .markup import NOT_TEXT_CHARS
from .listing import PageSpec
from .model import Card
from .store import Record
from .urls import is_safe_relative, output_path

REDIRECTS_FILE = "_redirects"
TEMPLATE = "redirect.html"
MAX_ALIASES = 50  # each is a page: a report's old addresses are a handful
_SEGMENT_BYTES = 255  # a segment names a folder or file, and file systems stop there


def alias_error(alias: str) -> str | None:
    """What is wrong with an alias as written in front matter, or None."""
    parts = urlsplit(alias) if "\\" not in alias else None
    if parts is None or parts.scheme or parts.netloc or not alias.startswith("/"):
        return f"the alias {alias!r} must be a path from the site's root, such as /2019/03/old-title/"
    if parts.query or parts.fragment or "?" in alias or "#" in alias:
        return f"the alias {alias!r} has a ? or #, which a redirect page cannot answer to"
    path = unquote(alias)
    if NOT_TEXT_CHARS.search(path) or any(c.isspace() for c in alias):
        return f"the alias {alias!r} has spaces or control characters: %-encode them"
    site = path.strip("/")
    if site and (not is_safe_relative(site) or any(s in ("", ".", "..") for s in site.split("/"))):
        return f"the alias {alias!r} must name one path, without '.', '..' or '//'"
    if any(len(segment.encode()) > _SEGMENT_BYTES for segment in site.split("/")):
        return f"the alias {alias!r} has a part longer than file names may be"
    return None


def alias_url(alias: str) -> str:
    """The site-relative URL of the redirect page of a valid alias: "/old/" and "/old" -> "old/", "/a.html" -> "a.html"."""
    site = unquote(alias).strip("/")
    if not site or alias.endswith("/") or "." not in posixpath.basename(site):
        return f"{site}/" if site else ""
    return site


def redirect_pages(cards: Iterable[Card]) -> list[PageSpec]:
    """A redirect page for each alias of each card, in URL order: it shows the card's title and address."""
    specs = [PageSpec(url=alias_url(alias), template=TEMPLATE, kind="redirect", cards=(("target", (card.slug,)),))
             for card in cards for alias in card.aliases]
    return sorted(specs, key=lambda spec: spec.url)


def redirects_file(cards: Iterable[Card], base_path: str) -> bytes:
    """The `_redirects` file: one line `from to 301` for each alias, in the order of its `from`."""
    lines = sorted(f"{base_path}{quote(alias_url(alias))} {base_path}{quote(card.url)} 301"
                   for card in cards for alias in card.aliases)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def alias_clashes(cards: Iterable[Card], taken: Mapping[str, str], text_of: Callable[[str], str]) -> list[Problem]:
    """A problem for each alias at the output path of a page or file of the site, or of another alias,
    naming both. `taken` gives each output path the site makes (but redirect pages) and what it is."""
    problems: list[Problem] = []
    claimed: dict[str, tuple[Card, str]] = {}  # output path -> the first card and alias to claim it
    folders = {parent for path in taken for parent in _parents(path)}  # a file cannot be where a folder is

    def clash(card: Card, alias: str, what: str, hint: str) -> None:
        problems.append(Problem(f"content/{card.source}", _alias_line(text_of(card.source), alias),
                                f"the alias {alias} {what}", hint))

    for card in cards:
        for alias in card.aliases:
            path = output_path(alias_url(alias))
            if path == output_path(card.url):
                clash(card, alias, "is this report's own address", "remove it")
            elif path in taken:
                clash(card, alias, f"is the address of {taken[path]}", "remove the alias, or rename what is there")
            elif path in claimed:
                other, first = claimed[path]
                for one, written, theirs in ((card, alias, other), (other, first, card)):
                    clash(one, written, f"is also an alias of content/{theirs.source}", "keep it in one report only")
            elif path in folders or any(parent in taken for parent in _parents(path)):
                clash(card, alias, "needs a file where the site has a folder, or a folder where it has a file",
                      "remove the alias, or rename what is there")
            else:
                claimed[path] = (card, alias)
    return problems


def vanished(before: Iterable[str], now: set[str], old: Mapping[str, Record], new: Mapping[str, Record]
             ) -> list[Problem]:
    """A warning for each report page the last build published (output paths `before`) that this one does
    not (`now`) since its report was renamed or removed, suggesting the alias that keeps its address.
    `old` and `new` are the records of the last build and this one, by content path."""
    gone = set(before) - now
    if not gone:
        return []
    problems = []
    for source, record in sorted(old.items()):
        card = record.card
        if output_path(card.url) not in gone:
            continue
        successor = new[source].card if source in new else next(
            (r.card for r in new.values() if r.card.title == card.title), None)
        if successor is not None and successor.slug == card.slug:
            continue  # the same report, now a draft or scheduled: it left on purpose
        alias = f"/{card.url}"
        if successor is None:
            problems.append(warning(f"content/{source}", None, f"was published at {alias} by the last build, "
                                    "and that address is gone", f"if another report replaces it, add `aliases: "
                                    f"[{alias}]` to its front matter, so that links to the old address still work"))
        else:
            problems.append(warning(f"content/{successor.source}", None, f"its report was published at {alias} by "
                                    f"the last build, and is now at /{successor.url}", f"add `aliases: [{alias}]` "
                                    "to its front matter, so that links to the old address still work"))
    return problems


def _parents(path: str) -> list[str]:
    """The folders a path is in: "a/b/c.html" -> ["a", "a/b"]."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _alias_line(text: str, alias: str) -> int | None:
    """The line an alias is written on: the first mention of it in the front matter, else `aliases:`."""
    lines = text.split("\n")
    return next((n for n, line in enumerate(lines, 1) if alias in line), None) or next(
        (n for n, line in enumerate(lines, 1) if line.startswith("aliases:")), None)
