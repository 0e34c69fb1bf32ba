"""The persistent build cache in <site>/.trendsite-cache/: per-report results and per-output page state.

Per report, keyed by a hash of its source text and of everything that shapes the result (trendsite's
code, the Python running it, the Markdown stack's versions, unsafe_html, the timezone): the front
matter, the rendered body and its terms. Each entry is its own small file, so a one-report edit
writes one file and a damaged file costs one re-render. Entries are marshal'd plain data (strings, numbers, tuples), never pickle:
loading runs no code, and every entry's header and shape are checked before it is used.
"""
from __future__ import annotations

import collections.abc
import functools
import hashlib
import importlib.metadata
import marshal
import os
import sys
import types
import typing
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from sys import intern
from typing import Any, Collection, Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .markup import Rendered
from .model import FrontMatter, Heading
from .search import IndexTerms

CACHE_DIR = ".trendsite-cache"
_MAGIC = b"trendsite-cache-1\n"
_PACKAGE = Path(__file__).parent
# The modules whose code decides what an entry holds: a change to any of them invalidates the cache.
_PRODUCERS = ("frontmatter.py", "markup.py", "terms.py", "search.py", "content.py", "urls.py", "model.py",
              "cache.py", "prepare.py")
_LIBRARIES = ("trendsite", "markdown", "pymdown-extensions", "pygments", "pyyaml", "jinja2")

Terms = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Entry:
    """What the cache keeps for one report source."""

    meta: FrontMatter
    body_line: int
    rendered: Rendered
    terms: Terms  # for Explore more
    index_terms: IndexTerms  # for the search index


@functools.cache  # the code a process runs does not change under it; reading versions costs milliseconds
def code_digest(names: tuple[str, ...] = _PRODUCERS) -> str:
    """A hash of trendsite's own modules, the Python running them and the versions of the libraries that
    shape the output."""
    h = hashlib.blake2b(digest_size=16)
    # Python's version decides unicodedata (so heading ids) and the marshal format of entries.
    h.update(f"{sys.implementation.cache_tag} {sys.version}\0".encode())
    for name in names:
        h.update(name.encode() + b"\0" + (_PACKAGE / name).read_bytes())
    for library in _LIBRARIES:
        try:
            h.update(f"{library}={importlib.metadata.version(library)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{library}=none\0".encode())
    return h.hexdigest()


def text_digest(*parts: str | bytes) -> str:
    """A short hash of strings or bytes, each part delimited so ("ab", "c") differs from ("a", "bc")."""
    return stream_digest(parts)


def stream_digest(parts: Iterable[str | bytes]) -> str:
    """text_digest of parts that come one at a time, so they need not all be in memory at once."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def cache_salt(unsafe_html: bool, timezone_name: str) -> str:
    """What, beside a report's text, decides its entry: trendsite's code, library versions, settings."""
    return text_digest(code_digest(), f"unsafe_html={unsafe_html}", f"timezone={timezone_name}")


class ReportCache:
    """Entries by key in folder/reports/; unreadable, foreign or malformed entries count as misses."""

    def __init__(self, folder: Path, salt: str, memory: dict[str, Entry] | None = None):
        self.folder = folder / "reports"
        self.salt = salt
        self.memory = {} if memory is None else memory  # decoded entries kept between builds by `serve`
        # Any earlier build of this process used (so kept) every entry the folder holds that prune()
        # must look at: serve's rebuilds need not list 10,000 files to find the few they dropped.
        self._warm = bool(self.memory)
        self.used: set[str] = set()
        self.hits = 0

    def key(self, text: str) -> str:
        """The entry key of a report source: its text and the cache's salt."""
        return text_digest(self.salt, text)

    def reuse(self, keys: Collection[str]) -> None:
        """Count entries an earlier build of this process got as got again: used (prune() keeps them), and hits."""
        self.used.update(keys)
        self.hits += len(keys)

    def get(self, key: str) -> Entry | None:
        """The stored entry, or None when there is none or it cannot be trusted."""
        self.used.add(key)
        entry = self.memory.get(key)
        if entry is not None:
            self.hits += 1
            return entry
        try:
            data = (self.folder / key[:2] / key).read_bytes()
        except OSError:
            return None
        if not data.startswith(_MAGIC):
            return None
        try:
            entry = decode_entry(marshal.loads(data[len(_MAGIC):]))
        except (ValueError, TypeError, EOFError, IndexError, KeyError, OverflowError, ZoneInfoNotFoundError):
            return None
        self.hits += 1
        self.memory[key] = entry
        return entry

    def put(self, key: str, plain: tuple) -> None:
        """Store an encoded entry (see encode_entry); a cache that cannot be written is just slower."""
        self.used.add(key)
        target = self.folder / key[:2] / key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{key}.tmp-{os.getpid()}")
            temp.write_bytes(_MAGIC + marshal.dumps(plain))
            os.replace(temp, target)
        except OSError:
            pass

    def prune(self) -> None:
        """Delete entries this build did not use: old versions of edited reports, deleted reports."""
        dropped = self.memory.keys() - self.used
        for key in dropped:
            del self.memory[key]
        if self._warm:
            for key in dropped:
                _unlink(self.folder / key[:2] / key)
            return
        if not self.folder.is_dir():
            return
        for shard in os.scandir(self.folder):
            if not shard.is_dir():
                continue
            for item in os.scandir(shard.path):
                if item.name not in self.used:
                    _unlink(item.path)


def _unlink(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def encode_entry(entry: Entry) -> tuple | None:
    """An entry as marshal-able plain data; None when the front matter's `extra` holds non-plain values."""
    meta, rendered = entry.meta, entry.rendered
    if not _is_plain(meta.extra):
        return None
    encoded_meta = tuple(_encode_value(getattr(meta, f.name)) for f in fields(FrontMatter))
    headings = tuple((h.level, h.id, h.title) for h in rendered.headings)
    return (encoded_meta, entry.body_line,
            (rendered.html, headings, rendered.first_paragraph, rendered.text, rendered.word_count),
            tuple((str(t), float(w)) for t, w in entry.terms), tuple(entry.index_terms))


def decode_entry(plain: Any) -> Entry:
    """The Entry from encode_entry's data; raises ValueError (or TypeError) on anything malformed."""
    encoded_meta, body_line, rendered, terms, index_terms = plain
    names = [f.name for f in fields(FrontMatter)]
    if not isinstance(encoded_meta, tuple) or len(encoded_meta) != len(names):
        raise ValueError("front matter of the wrong shape")
    values = dict(zip(names, (_decode_value(v) for v in encoded_meta)))
    # Well-formed marshal data can still hold a number where a summary belongs: it would fail far from here.
    if not all(_fits(value, _FRONT_MATTER_TYPES[name]) for name, value in values.items()):
        raise ValueError("front matter of the wrong types")
    meta = FrontMatter(**values)
    html, headings, first, text, words = rendered
    if not (isinstance(html, str) and isinstance(first, str) and isinstance(text, str)
            and type(words) is int and type(body_line) is int):
        raise ValueError("rendered body of the wrong types")
    heads = tuple(Heading(level=level, id=ident, title=title) for level, ident, title in headings)
    if not all(type(h.level) is int and isinstance(h.id, str) and isinstance(h.title, str) for h in heads):
        raise ValueError("headings of the wrong types")
    # Interned: the same few thousand words recur in every report, and one copy of each saves
    # about 150 MB at 10,000 reports.
    decoded_terms = tuple((intern(term), weight) for term, weight in terms)
    if not all(type(w) is float for _, w in decoded_terms):
        raise ValueError("terms of the wrong types")
    if type(index_terms) is not tuple:
        raise ValueError("search terms of the wrong shape")
    index_terms = tuple((code, tuple(map(intern, terms))) for code, terms in index_terms)
    if not all(type(code) is int for code, _ in index_terms):
        raise ValueError("search terms of the wrong types")
    return Entry(meta=meta, body_line=body_line,
                 rendered=Rendered(html=html, headings=heads, first_paragraph=first, text=text, word_count=words),
                 terms=decoded_terms, index_terms=index_terms)


_FRONT_MATTER_TYPES = typing.get_type_hints(FrontMatter)


def _fits(value: Any, hint: Any) -> bool:
    """Whether a decoded value is of the type a FrontMatter field declares (`extra` plain data only)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in args)
    if origin is tuple:
        return type(value) is tuple and all(_fits(item, args[0]) for item in value)
    if origin is collections.abc.Mapping:
        return type(value) is dict and _is_plain(value)
    return type(value) is hint


def _is_plain(value: Any) -> bool:
    if value is None or type(value) in (str, int, float, bool):
        return True
    if type(value) is list:
        return all(_is_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_plain(v) for k, v in value.items())
    return False


# Each front-matter field is stored as (kind, value): 0 plain, 1 datetime, 2 tuple of strings.
def _encode_value(value: Any) -> tuple:
    if isinstance(value, datetime):
        return (1, value.replace(tzinfo=None).isoformat(), _encode_tz(value))
    if isinstance(value, tuple):
        return (2, tuple(str(v) for v in value))
    return (0, value)


def _decode_value(encoded: tuple) -> Any:
    kind = encoded[0]
    if kind == 0:
        return encoded[1]
    if kind == 1:
        return datetime.fromisoformat(encoded[1]).replace(tzinfo=_decode_tz(encoded[2]))
    if kind == 2 and isinstance(encoded[1], tuple):
        return encoded[1]
    raise ValueError(f"unknown field kind {kind!r}")


def _encode_tz(moment: datetime) -> tuple:
    # The tzinfo object itself matters, not just the offset: tzname() and DST rules differ.
    tz = moment.tzinfo
    if tz is None:
        return ("none",)
    if isinstance(tz, ZoneInfo):
        return ("zone", tz.key)
    offset = tz.utcoffset(moment)
    if tz is timezone.utc:
        return ("utc",)
    return ("offset", offset.total_seconds() if offset is not None else 0.0, tz.tzname(moment) or "")


def _decode_tz(encoded: tuple):
    kind = encoded[0]
    if kind == "none":
        return None
    if kind == "utc":
        return timezone.utc
    if kind == "zone":
        return ZoneInfo(encoded[1])
    if kind == "offset":
        delta = timedelta(seconds=encoded[1])
        return timezone(delta, encoded[2]) if encoded[2] != timezone(delta).tzname(None) else timezone(delta)
    raise ValueError(f"unknown timezone kind {kind!r}")


@dataclass(frozen=True)
class OutputState:
    """What the last successful build into an output folder was made from."""

    inputs: str = ""  # digest of every input, when the build computed it ("" otherwise)
    until: float | None = None  # POSIX time at which a scheduled report gets published
    pages: Mapping[str, str] = field(default_factory=dict)  # URL -> fingerprint of the page's inputs
    # Digest of the manifest output/ held after that build: a state that could not be saved since (the
    # cache folder unwritable) is left behind, and must not be taken to describe a later output/.
    manifest: str = ""


class OutputStateFile:
    """The OutputState of one output folder, kept in the cache folder."""

    def __init__(self, folder: Path, output: Path):
        self.path = folder / f"output-{text_digest(str(output.resolve()))}"

    def load(self) -> OutputState:
        """The state of the last successful build; an empty one when missing or unusable."""
        try:
            data = self.path.read_bytes()
            if not data.startswith(_MAGIC):
                return OutputState()
            inputs, until, pages, manifest = marshal.loads(data[len(_MAGIC):])
        except (OSError, ValueError, TypeError, EOFError):
            return OutputState()
        if (type(inputs) is not str or not (until is None or type(until) is float) or type(pages) is not dict
                or not all(type(k) is str and type(v) is str for k, v in pages.items()) or type(manifest) is not str):
            return OutputState()
        return OutputState(inputs=inputs, until=until, pages=pages, manifest=manifest)

    def save(self, state: OutputState) -> None:
        """Remember the state after the output folder was written."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
            temp.write_bytes(_MAGIC + marshal.dumps((state.inputs, state.until, dict(state.pages), state.manifest)))
            os.replace(temp, self.path)
        except OSError:
            pass

    def forget(self) -> None:
        """Drop the state, so a build whose writing failed halfway re-renders every page next time."""
        try:
            self.path.unlink()
        except OSError:
            pass
