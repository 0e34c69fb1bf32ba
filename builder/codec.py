"""Model values as plain data for the store: tuples of strings, numbers and booleans that marshal writes.

marshal, not pickle: loading runs no code. Every decoder checks the shape and types of what it reads
and raises ValueError (or TypeError) on anything else, which the store treats as a value it does not
have: a row written by a buggy or foreign program costs a recomputation, never a wrong page.
"""
from __future__ import annotations

import marshal
from datetime import date, datetime, timedelta, timezone
from sys import intern
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from .errors import Problem
from .model import Card, FrontMatter, Heading, Thumbnail, TopicRef

# What decoding a malformed row can raise; the store catches exactly these.
MALFORMED = (ValueError, TypeError, EOFError, IndexError, KeyError, OverflowError, LookupError)

Terms = tuple[tuple[str, float], ...]
IndexTerms = tuple[tuple[int, tuple[str, ...]], ...]


def dump(value: Any) -> bytes:
    return marshal.dumps(value)


def load(data: bytes) -> Any:
    if not isinstance(data, bytes):
        raise TypeError("not a blob")
    return marshal.loads(data)


# -- dates and free-form values ---------------------------------------------------------------------

def encode_moment(moment: datetime | None) -> tuple | None:
    if moment is None:
        return None
    return (moment.replace(tzinfo=None).isoformat(), _encode_tz(moment))


def decode_moment(encoded: Any) -> datetime | None:
    if encoded is None:
        return None
    text, tz = encoded
    return datetime.fromisoformat(_text(text)).replace(tzinfo=_decode_tz(tz))


def _encode_tz(moment: datetime) -> tuple:
    # The tzinfo itself matters, not just the offset: tzname() and DST rules differ.
    tz = moment.tzinfo
    if tz is None:
        return ("none",)
    if tz is timezone.utc:
        return ("utc",)
    if isinstance(tz, ZoneInfo):
        return ("zone", tz.key)
    offset = tz.utcoffset(moment)
    return ("offset", offset.total_seconds() if offset is not None else 0.0, tz.tzname(moment) or "")


def _decode_tz(encoded: tuple):
    kind = encoded[0]
    if kind == "none":
        return None
    if kind == "utc":
        return timezone.utc
    if kind == "zone":
        return ZoneInfo(_text(encoded[1]))
    if kind == "offset":
        delta = timedelta(seconds=encoded[1])
        return timezone(delta, encoded[2]) if encoded[2] != timezone(delta).tzname(None) else timezone(delta)
    raise ValueError(f"unknown timezone kind {kind!r}")


def encode_free(value: Any) -> Any:
    """YAML's values (mappings, lists, text, numbers, dates) as plain data, each tagged by its kind."""
    if value is None or type(value) in (str, int, float, bool):
        return ("v", value)
    if isinstance(value, datetime):
        return ("t", encode_moment(value))
    if isinstance(value, date):
        return ("d", value.isoformat())
    if isinstance(value, (list, tuple)):
        return ("l", tuple(encode_free(v) for v in value))
    if isinstance(value, dict):
        return ("m", tuple((encode_free(k), encode_free(v)) for k, v in value.items()))
    return ("v", str(value))  # YAML's safe loader makes nothing else; a string keeps the build going


def decode_free(encoded: Any) -> Any:
    kind, value = encoded
    if kind == "v":
        if value is not None and type(value) not in (str, int, float, bool):
            raise TypeError("not a plain value")
        return value
    if kind == "t":
        return decode_moment(value)
    if kind == "d":
        return date.fromisoformat(_text(value))
    if kind == "l":
        return [decode_free(v) for v in value]
    if kind == "m":
        return {decode_free(k): decode_free(v) for k, v in value}
    raise ValueError(f"unknown value kind {kind!r}")


# -- front matter, notes, headings, terms -----------------------------------------------------------

def encode_meta(meta: FrontMatter) -> tuple:
    return (meta.title, encode_moment(meta.date), encode_moment(meta.updated), meta.author, meta.summary,
            meta.tags, meta.highlights, meta.slug, meta.draft, meta.image, encode_free(meta.extra), meta.aliases,
            meta.series)


def decode_meta(plain: Any) -> FrontMatter:
    title, when, updated, author, summary, tags, highlights, slug, draft, image, extra, aliases, series = plain
    meta = FrontMatter(title=_text(title), date=decode_moment(when), updated=decode_moment(updated),
                       author=_text(author), summary=_text(summary), tags=_texts(tags),
                       highlights=_texts(highlights), slug=_text(slug), draft=_bool(draft),
                       image=None if image is None else _text(image), extra=decode_free(extra),
                       aliases=_texts(aliases), series=_text(series))
    if not isinstance(meta.date, datetime) or not isinstance(meta.extra, dict):
        raise ValueError("front matter of the wrong types")
    return meta


def encode_notes(notes: tuple[Problem, ...]) -> tuple:
    """Problems of one file, without its path: a value keyed by the file's text may serve another path."""
    return tuple((p.line, p.message, p.hint, p.severity) for p in notes)


def decode_notes(plain: Any, path: str) -> tuple[Problem, ...]:
    notes = tuple(Problem(path, line, _text(message), _text(hint), _text(severity))
                  for line, message, hint, severity in plain)
    if not all(p.line is None or type(p.line) is int for p in notes):
        raise TypeError("a note's line is not a number")
    return notes


def encode_warnings(warnings: Iterable[Problem]) -> list:
    """Problems of any files, each with its path (a build's warnings, said again when it stands)."""
    return [(p.path, *note) for p in warnings for note in encode_notes((p,))]


def decode_warnings(plain: Any) -> tuple[Problem, ...]:
    return tuple(note for path, *fields in plain for note in decode_notes((fields,), _text(path)))


def encode_headings(headings: tuple[Heading, ...]) -> tuple:
    return tuple((h.level, h.id, h.title) for h in headings)


def decode_headings(plain: Any) -> tuple[Heading, ...]:
    headings = tuple(Heading(level=level, id=_text(ident), title=_text(title)) for level, ident, title in plain)
    if not all(type(h.level) is int for h in headings):
        raise TypeError("a heading's level is not a number")
    return headings


def decode_terms(plain: Any) -> Terms:
    # Interned: the same few thousand words recur in every report; one copy each saves memory and
    # makes the Explore-more index, which hashes every term, faster.
    terms = tuple((intern(_text(term)), weight) for term, weight in plain)
    if not all(type(w) is float for _, w in terms):
        raise TypeError("a term's weight is not a number")
    return terms


def decode_index_terms(plain: Any) -> IndexTerms:
    groups = tuple((code, tuple(map(intern, map(_text, terms)))) for code, terms in plain)
    if not all(type(code) is int for code, _ in groups):
        raise TypeError("a search term's code is not a number")
    return groups


# -- cards ----------------------------------------------------------------------------------------

def encode_card(card: Card) -> tuple:
    return (card.source, card.slug, card.title, encode_moment(card.date), encode_moment(card.updated), card.author,
            card.summary, tuple((t.name, t.slug) for t in card.topics), card.highlights, card.reading_minutes,
            card.image, card.draft, card.future, encode_free(card.extra), card.aliases, encode_thumbnail(card.thumbnail),
            card.series)


def decode_card(plain: Any) -> Card:
    (source, slug, title, when, updated, author, summary, topics, highlights, minutes, image, draft, future,
     extra, aliases, thumbnail, series) = plain
    card = Card(source=_text(source), slug=_text(slug), title=_text(title), date=decode_moment(when),
                updated=decode_moment(updated), author=_text(author), summary=_text(summary),
                topics=tuple(TopicRef(_text(name), _text(ref)) for name, ref in topics),
                highlights=_texts(highlights), reading_minutes=minutes, image=None if image is None else _text(image),
                draft=_bool(draft), future=_bool(future), extra=decode_free(extra), aliases=_texts(aliases),
                thumbnail=decode_thumbnail(thumbnail), series=_text(series))
    if type(card.reading_minutes) is not int or not isinstance(card.date, datetime):
        raise TypeError("a card of the wrong types")
    return card


def encode_thumbnail(thumbnail: Thumbnail | None) -> tuple | None:
    return None if thumbnail is None else (thumbnail.width, thumbnail.height, thumbnail.sources)


def decode_thumbnail(plain: Any) -> Thumbnail | None:
    if plain is None:
        return None
    width, height, sources = plain
    thumbnail = Thumbnail(width, height, tuple((_text(path), size) for path, size in sources))
    if not all(type(n) is int for n in (width, height, *(size for _, size in thumbnail.sources))):
        raise TypeError("a thumbnail's sizes are not numbers")
    return thumbnail


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if type(value) is not tuple:
        raise TypeError("expected a tuple of text")
    return tuple(map(_text, value))


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise TypeError("expected true or false")
    return value
