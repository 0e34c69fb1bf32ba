"""Fingerprints of build inputs: per page, to skip re-rendering it, and of the whole site, to skip the build.

A page's fingerprint covers everything its HTML can depend on: the theme (every template file,
the static files' URLs, the site settings, trendsite's code) and every value in the page's context,
with each report reduced to a digest of all its fields. Two builds that give a page the same
fingerprint render it to the same bytes, so the second may keep the file it already wrote.
"""
from __future__ import annotations

import dataclasses
import functools
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .cache import code_digest, stream_digest, text_digest
from .load import is_ignored, read_file
from .model import Page, Report, SiteConfig

_CODE = tuple(sorted(p.name for p in Path(__file__).parent.glob("*.py")))


class Unfingerprintable(TypeError):
    """A context value of a type the fingerprint does not know: the page is always rendered."""


def theme_digest(dirs: Sequence[Path], static_urls: Iterable[str], config: SiteConfig) -> str:
    """A hash of the templates, static file URLs, site settings and trendsite's code."""
    parts: list[str | bytes] = [code_digest(_CODE), repr(config)]
    for folder in dirs:
        parts += [f"{rel}\0".encode() + data for rel, data in _files(folder, skip_ignored=False)]
    parts += sorted(static_urls)
    return text_digest(*parts)


def report_digests(reports: Sequence[Report], keys: Mapping[str, str],
                   rendered: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """slug -> digest of every field of the report.

    `keys` maps a report's source to its cache key, which already covers its source text; `rendered`
    maps it to the (html, text) the Markdown stage made, so those long strings are hashed only when a
    later stage (link resolution) replaced them.
    """
    digests = {}
    for report in reports:
        html, text = rendered[report.source]
        parts = [keys[report.source]]
        for name in _field_names(Report):
            value = getattr(report, name)
            if name == "html" and value is html or name == "text" and value is text:
                parts.append("=")
            else:
                parts.append(_describe(value, {}, {}))
        digests[report.slug] = text_digest(*parts)
    return digests


def page_fingerprints(pages: Sequence[Page], theme: str, digests: Mapping[str, str],
                      known: dict[int, tuple[Page, str, str]] | None = None,
                      described: dict[int, tuple[object, str, bool]] | None = None) -> dict[str, str]:
    """URL -> fingerprint of each page whose context can be fingerprinted.

    `known` (kept by `serve`) maps the last build's pages, by identity, to (page, theme, fingerprint):
    pages are never changed once made, so the very same Page under the same theme has the same
    fingerprint (plan_pages hands back the same Page while its inputs are the same objects).
    `described` (kept by `serve` too) maps tuples of reports, by identity, to (tuple, description,
    True): such a tuple says no more than its reports' digests, the same while they are the same
    objects, so the archive page describes only the months that changed. Both are updated to this
    build's.
    """
    memo: dict[int, tuple[object, str, bool]] = dict(described or {})
    out = {}
    seen = {}
    last = known or {}
    for page in pages:
        remembered = last.get(id(page))
        if remembered is not None and remembered[0] is page and remembered[1] == theme:
            fingerprint = remembered[2]
        else:
            try:
                fingerprint = text_digest(theme, _describe(page, digests, memo))
            except Unfingerprintable:
                continue
        out[page.url] = fingerprint
        seen[id(page)] = (page, theme, fingerprint)
    if known is not None:
        known.clear()
        known.update(seen)
    if described is not None:
        described.clear()
        described.update((i, held) for i, held in memo.items() if held[2])
    return out


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names but those derived from the others; None for any other class."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if not f.metadata.get("derived"))


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _describe(value: Any, digests: Mapping[str, str], memo: dict[int, tuple[object, str, bool]]) -> str:
    kind = type(value)  # dispatch on the exact type first: this runs for every value of every page
    if kind in _PLAIN or isinstance(value, (str, int, float, bool)):
        return repr(value)
    if kind is Report and value.slug in digests:
        return "R" + digests[value.slug]
    known = memo.get(id(value))
    if known is not None:
        return known[1]
    names = _field_names(kind)
    if names is not None:
        described = kind.__name__ + "(" + ",".join(_describe(getattr(value, name), digests, memo)
                                                   for name in names) + ")"
    elif kind is tuple or kind is list or isinstance(value, (tuple, list)):
        described = "[" + ",".join(_describe(v, digests, memo) for v in value) + "]"
    elif isinstance(value, datetime):
        described = f"T{value.isoformat()}{value.tzname()}"
    elif isinstance(value, date):
        described = f"D{value.isoformat()}"
    elif isinstance(value, Mapping):
        described = "{" + ",".join(f"{k!r}:{_describe(value[k], digests, memo)}"
                                   for k in sorted(value, key=repr)) + "}"
    else:
        raise Unfingerprintable(type(value).__name__)
    if len(described) > 64:
        # Topics and long tuples recur on many pages: describe each once, by a short digest.
        described = "H" + text_digest(described)
        # (value, its description, whether it is a tuple of reports described by their digests)
        memo[id(value)] = (value, described, kind is tuple and all(
            type(r) is Report and r.slug in digests for r in value))
    return described


def inputs_digest(root: Path, dirs: Sequence[Path], options: Iterable[str]) -> str:
    """A hash of every input of a build: content/, settings, theme, trendsite's code and the options."""
    config = root / "pyproject.toml"
    return stream_digest(_inputs(root, dirs, options, config.read_bytes() if config.is_file() else b""))


def _inputs(root: Path, dirs: Sequence[Path], options: Iterable[str], config: bytes) -> Iterator[str | bytes]:
    yield code_digest(_CODE)
    yield from options
    yield config
    for folder in (root / "content", *dirs):
        yield str(folder)
        # Editor litter in content/ is not content; in a theme, "_macros.html" is a real template.
        for rel, data in _files(folder, skip_ignored=folder == root / "content"):
            yield f"{rel}\0".encode() + data


def _files(folder: Path, skip_ignored: bool) -> Iterator[tuple[str, bytes]]:
    for base, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not (skip_ignored and is_ignored(d)))
        for name in sorted(names):
            if skip_ignored and is_ignored(name):
                continue
            path = os.path.join(base, name)
            try:
                yield os.path.relpath(path, folder), read_file(path)  # never waits on a FIFO
            except OSError:
                yield os.path.relpath(path, folder), b"\0unreadable"
