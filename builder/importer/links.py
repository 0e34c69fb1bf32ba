"""Links of imported reports: to other reports, to files (copied into content/), to the old site's addresses.

A link names a file of the old site relative to its report, from the root of the old site's published files
("/images/a.png", Hugo's static/, Jekyll's root), by an old address of a report ("/2019/03/05/title.html"),
or with Pelican's {filename}, {static}, {attach}, {tag}, {category} and {index}. Each becomes a link
trendsite resolves: a relative link to the report's new file, or to the file copied beside the reports.
"""
from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..markup import PAGE_IDS
from ..urls import slugify, topic_slug

# A link's target: in <...>, one of Pelican's ({tag}Supply chains, which may hold spaces), or without spaces.
_TARGET = r"(<[^>\n]+>|(?:\{\w+\}|\|\w+\|)[^)>\n]*?|[^)\s>]+)"
_INLINE = re.compile(r"(\]\(\s*)" + _TARGET + r"((?:\s+[\"'(][^)\n]*)?\s*\))")
_REFERENCE = re.compile(r"^([ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*)(<[^>\n]+>|\S+)((?:[ \t].*)?)$", re.M)
_PELICAN = re.compile(r"^(?:\{(filename|static|attach|tag|category|index|author)\}|\|(filename|static|attach)\|)(.*)$")
_ATX = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t#]*$", re.M)
_SETEXT = re.compile(r"^([^\n]*\S[^\n]*)\n(?:=+|-+)[ \t]*$", re.M)
# Files the old site made pages of: a link to one that was not imported has nothing to name.
SOURCES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".rst", ".adoc", ".asciidoc", ".org", ".textile")
_MARKS = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Post:
    """A report of the old site as links see it: its file, new content path and old address."""

    source: Path  # absolute
    target: str  # content path, "posts/a.md"
    old_url: str | None  # "/2019/03/05/a/", from the old site's root
    draft: bool = False


@dataclass
class Linked:
    """What rewriting a body's links did."""

    body: str
    conversions: Counter[str] = field(default_factory=Counter)
    unresolved: list[tuple[int, str]] = field(default_factory=list)  # (line of the body, target)


class Links:
    """The links of every imported report, and the files they need copied (`assets`)."""

    def __init__(self, root: Path, content_root: Path, static_roots: list[Path], posts: list[Post],
                 bodies: dict[str, str], topics: set[str], base_path: str = "/"):
        self.root = root.resolve()  # the old site
        self.content_root = content_root.resolve()  # where a file's place in content/ is measured from
        self.static_roots = [r.resolve() for r in static_roots]
        self.by_source = {p.source.resolve(): p for p in posts}
        self.by_url = {_url_key(p.old_url): p for p in posts if p.old_url}
        self.bodies = bodies  # content path -> converted body, for the ids of its headings
        self.topics = topics  # topic slugs of the imported reports: the topic pages the site will have
        self.base_path = base_path  # the old site's, which its site-absolute links may start with
        self.assets: dict[str, Path] = {}  # content path -> the file of the old site copied there
        self.clashes: list[str] = []  # content paths two different files were meant for

    def rewrite(self, body: str, post: Post) -> Linked:
        """The body with every link it can resolve rewritten."""
        done = Linked(body)

        def one(match: re.Match) -> str:
            written = match.group(2)[1:-1] if match.group(2).startswith("<") else match.group(2)
            new = self.target(written, post, done.conversions)
            if new is None:
                done.unresolved.append((body.count("\n", 0, match.start(2)) + 1, written))
                return match.group(0)
            return match.group(1) + (f"<{new}>" if " " in new else new) + match.group(3)

        done.body = _REFERENCE.sub(one, _INLINE.sub(one, body))
        return done

    def target(self, written: str, post: Post, conversions: Counter[str]) -> str | None:
        """What a link written in `post` becomes; None when it names nothing the new site will have."""
        placeholder = _PELICAN.match(written)
        if placeholder:
            kind = placeholder.group(1) or placeholder.group(2)
            found = self._pelican(kind, placeholder.group(3), post)
            if found is not None:
                conversions[f"{{{kind}}}"] += 1
            return found
        parts = urlsplit(written)
        if parts.scheme or parts.netloc or not parts.path:
            return written  # another site's, or this page's #fragment
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if written.startswith("/"):
            return self._site_absolute(unquote(parts.path), fragment, post)
        return self._file(post.source.parent / unquote(parts.path), fragment, post)

    def image(self, written: str, post: Post) -> str | None:
        """The `image:` field: an http(s) URL, or a file copied into content/ (None if it names none)."""
        if urlsplit(written).scheme in ("http", "https"):
            return written
        found = self.target(written, post, Counter())
        if found is None or urlsplit(found).scheme or urlsplit(found).path.endswith(".md") or "#" in found:
            return None  # not a picture the new site has
        return found

    # -- what each kind of link names -------------------------------------------------------------

    def _pelican(self, kind: str, rest: str, post: Post) -> str | None:
        if kind == "index":
            return "/"
        if kind in ("tag", "category"):
            slug = topic_slug(unquote(rest))
            return f"/topics/{slug}/" if slug in self.topics else None
        if kind == "author":
            return None  # trendsite has no pages of authors
        path, _, fragment = rest.partition("#")
        base = self.content_root if path.startswith("/") else post.source.parent
        return self._file(base / unquote(path.lstrip("/")), f"#{fragment}" if fragment else "", post,
                          report=kind == "filename")

    def _site_absolute(self, path: str, fragment: str, post: Post) -> str | None:
        if self.base_path != "/" and path.startswith(self.base_path):
            path = path[len(self.base_path) - 1:]
        linked = self.by_url.get(_url_key(path))
        if linked is not None:
            return self._report(linked, fragment, post)
        found = self._static(path)
        if found is not None and found.suffix.lower() not in SOURCES:
            self._copy(found, post, Path(path.lstrip("/")).as_posix())
            return path + fragment
        return None

    def _file(self, path: Path, fragment: str, post: Post, report: bool = False) -> str | None:
        """A link to the report whose source is at `path`, or (unless `report`) to a copy of the file there.
        A source that was not imported (reStructuredText, a page) is no file to publish."""
        resolved = path.resolve()
        for candidate in (resolved, resolved / "index.md", resolved / "_index.md"):
            linked = self.by_source.get(candidate)
            if linked is not None:
                return self._report(linked, fragment, post)
        if (not report and resolved.is_file() and resolved.is_relative_to(self.root)
                and resolved.suffix.lower() not in SOURCES):
            return self._copy(resolved, post) + fragment
        return None

    def _report(self, linked: Post, fragment: str, post: Post) -> str | None:
        if fragment and fragment[1:] not in heading_ids(self.bodies.get(linked.target, "")):
            return None  # trendsite checks the heading: a person must find the right one
        if linked.draft and not post.draft:
            return None  # trendsite refuses a published report's link to a draft
        if linked is post:
            return fragment or "#"
        return _relative(linked.target, post.target) + fragment

    def _static(self, path: str) -> Path | None:
        """The file the old site published at `path` from its root, if any."""
        relative = path.lstrip("/")
        if not relative or ".." in relative.split("/"):
            return None
        return next((root / relative for root in self.static_roots if (root / relative).is_file()), None)

    def _copy(self, file: Path, post: Post, place: str | None = None) -> str:
        """Copy `file` into content/ (at `place`, else where it is under the old site's content) and return the
        link from `post` to it."""
        resolved = file.resolve()
        if place is None:
            base = self.content_root if resolved.is_relative_to(self.content_root) else self.root
            place = resolved.relative_to(base).as_posix()
        known = self.assets.setdefault(place, resolved)
        if known != resolved:
            self.clashes.append(place)
        return _relative(place, post.target)


def heading_ids(body: str) -> set[str]:
    """The ids trendsite gives the headings of a Markdown body (markup.py's, in most cases)."""
    titles = [m.group(1) for m in _ATX.finditer(body)] + [m.group(1) for m in _SETEXT.finditer(body)]
    ids = set()
    for title in titles:
        slug = slugify(_MARKS.sub(lambda m: m.group(1) or "", title)) or "section"
        ids.add(f"{slug}-section" if slug in PAGE_IDS else slug)
    return ids


def _relative(target: str, source: str) -> str:
    """The relative link from the content file `source` to the content path `target`."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def _url_key(url: str) -> str:
    """An address as the same page answers to it: "/a/", "/a" and "/a/index.html" alike."""
    path = unquote(url).split("#")[0].split("?")[0]
    path = re.sub(r"/index\.html?$", "/", path)
    return "/" + path.strip("/")

