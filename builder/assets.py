"""Files beside reports, as they are published: data, never code that runs as the site's own."""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Collection, MutableMapping, Sequence

from py_svg_hush import filter_svg

from .errors import Problem, unexpected
from .load import read_file

# What a browser opens as a page of the site and runs the scripts of: HTML, and XML, in which
# elements of the XHTML namespace (a <script> too) are live.
PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".xml", ".xsl", ".xslt")
# Pictures an SVG may carry inside itself as data: URLs; any other data: URL (another SVG, HTML) is dropped.
_EMBEDDED_IMAGES = {"image": ["png", "jpeg", "gif", "webp", "avif"]}
_UNSAFE_HINT = "remove it, or set unsafe_html = true in [tool.trendsite] if you trust everyone who writes reports"


def publish_assets(assets: Sequence[tuple[str, Path]], files: MutableMapping[str, bytes], taken: Collection[str],
                   unsafe_html: bool) -> list[Problem]:
    """Put each file beside a report into `files` as it is to be published; the problems of those that cannot be.

    `taken` are output paths of generated pages that were not re-rendered, which `files` does not hold.
    """
    problems = []
    for rel, path in assets:
        shown = f"content/{rel}"
        if rel in files or rel in taken:
            problems.append(Problem(shown, None, "has the same path as a generated page", "rename or move the file"))
            continue
        try:  # the error boundary of one file: every other file is still read and checked
            published = _published(shown, path, unsafe_html)
        except OSError as exc:
            published = Problem(shown, None, f"cannot be read: {exc.strerror or exc}",
                                "let trendsite read it (check its permissions), or move it out of content/")
        except Exception as exc:
            published = unexpected(shown, exc, doing="could not be published")
        if isinstance(published, Problem):
            problems.append(published)
        else:
            files[rel] = published
    return problems


def _published(shown: str, path: Path, unsafe_html: bool) -> bytes | Problem:
    """The bytes to publish of one file, or the problem that keeps it out."""
    suffix = posixpath.splitext(shown)[1].lower()
    if suffix in PAGE_SUFFIXES and not unsafe_html:
        return Problem(shown, None, "is a web page: published, its scripts would run as the site's own", _UNSAFE_HINT)
    if suffix == ".svgz":
        return Problem(shown, None, "is a compressed SVG, which cannot be checked for scripts",
                       "publish it uncompressed, as .svg")
    data = read_file(path)
    if suffix != ".svg":
        return data
    try:
        # Scripts, event handlers, <foreignObject> and links or references off the file are removed.
        return filter_svg(data, _EMBEDDED_IMAGES)
    except ValueError as exc:
        return Problem(shown, None, f"is not an SVG file that can be read ({exc}), so its scripts cannot be removed",
                       "save it again from a drawing program as plain SVG, or as PNG")
