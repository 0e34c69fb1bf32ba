"""Slugs and URL rules: the one place that knows where a page lives."""
from __future__ import annotations

import re
from typing import Callable
import unicodedata
from posixpath import normpath

SLUG_PATTERN = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")


def slugify(text: str) -> str:
    """A URL-safe slug: accents folded for Latin text, other scripts kept, everything else a hyphen."""
    folded = unicodedata.normalize("NFKD", text)
    # Fold accents off Latin letters (é -> e) only: in Indic and other scripts the combining marks
    # are vowels, and dropping them would mangle the word.
    folded = "".join(ch for i, ch in enumerate(folded)
                     if not (unicodedata.combining(ch) and i and folded[i - 1].isascii()))
    normal = unicodedata.normalize("NFKC", folded).lower()
    # Marks that remain (vowel signs) belong to their letter, so they count as part of the word.
    kept = "".join(ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " " for ch in normal)
    slug = "-".join(kept.split())
    slug = slug.replace("_", "-").strip("-")[:80].strip("-")
    if not slug and text:
        # A title of only emoji or symbols still deserves a readable slug: "🚀" -> "rocket".
        names = " ".join(unicodedata.name(ch, "") for ch in text if unicodedata.category(ch).startswith("S"))
        slug = slugify(names) if names.strip() else ""
    return slug


# Symbols that make a topic another topic ("C", "C++", "C#"; "R&D"): spelled out where slugify
# would drop them. A '#' before a word is a hashtag's ("#AI" is "AI").
_SPELLED = re.compile(r"\+|(?<=\w)#|&")
_SPELLINGS = {"+": " plus ", "#": " sharp ", "&": " and "}


def topic_slug(name: str) -> str:
    """A topic's slug: its name slugified with + # & spelled out ("c-plus-plus", "c-sharp"); topics
    whose slugs are the same are one topic."""
    return slugify(_SPELLED.sub(lambda match: _SPELLINGS[match.group(0)], name))


def is_valid_slug(slug: str) -> bool:
    """Whether a slug is one path segment of letters, digits and inner hyphens."""
    return bool(SLUG_PATTERN.match(slug)) and "--" not in slug and slug == slug.lower()


def output_path(url: str) -> str:
    """The file a site-relative URL is written to: "a/b/" -> "a/b/index.html"."""
    if url == "" or url.endswith("/"):
        return url + "index.html"
    return url


def is_safe_relative(path: str) -> bool:
    """Whether a site-relative path stays inside the output folder."""
    if not path or path.startswith(("/", "\\")) or "\\" in path or "\x00" in path:
        return False
    normal = normpath(path)
    return normal != ".." and not normal.startswith("../")


def paginate_url(base: str, number: int) -> str:
    """URL of page `number` of a listing whose first page is `base` ("" or "topics/ai/")."""
    return base if number == 1 else f"{base}page/{number}/"


# A tag, and in it an address: text that merely reads like one (a code sample showing <a href="...">,
# whose brackets are escaped) is no link.
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_ADDRESS = re.compile(r'(\s(?:href|src))="([^"]*)"')


def links_in(html: str) -> list[str]:
    """The href and src values of the tags of an HTML text, as written (entities not decoded)."""
    return [value for tag in _TAG.findall(html) for _, value in _ADDRESS.findall(tag)]


def rewrite_links(html: str, rewrite: Callable[[re.Match], str]) -> str:
    """The HTML with each href or src of its tags replaced by rewrite(match of (attribute, value))."""
    return _TAG.sub(lambda tag: _ADDRESS.sub(rewrite, tag.group(0)), html)
