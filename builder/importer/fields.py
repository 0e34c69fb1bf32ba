"""Other tools' front matter fields as trendsite's: topics, summary, image, author, dates; the rest under `extra`."""
from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any, Iterable

from ..frontmatter import MAX_TAG_CHARS, MAX_TAGS
from ..markup import NOT_TEXT_CHARS
from ..urls import topic_slug

# Each trendsite field and the fields of other tools it is made from, the first found winning.
TOPICS = ("tags", "categories", "category")
SUMMARY = ("summary", "description", "excerpt")
IMAGE = ("images", "featured_image", "featuredimage", "cover", "image")
AUTHOR = ("author", "authors")
UPDATED = ("lastmod", "updated", "modified", "last_modified_at")
# Fields the importer reads for itself (dates, addresses, publishing state): never copied under extra.
CONSUMED = frozenset({"title", "date", "slug", "draft", "published", "status", "aliases", "url", "permalink",
                      "layout", *TOPICS, *SUMMARY, *IMAGE, *AUTHOR, *UPDATED})
_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_OFFSET = re.compile(r"([+-]\d{2}):?(\d{2})$")


@dataclass
class Mapped:
    """A report's trendsite fields, and what the mapping did, for the import report."""

    fields: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)  # "categories -> tags", one per field mapped
    notes: list[str] = field(default_factory=list)  # what a person should look at


def lower_keys(meta: dict) -> dict[str, Any]:
    """Front matter keys in lower case, as Hugo and Pelican compare them."""
    return {str(key).lower(): value for key, value in meta.items()}


def to_datetime(value: Any, tz: tzinfo) -> datetime | None:
    """A date as front matter, file names and settings of other tools write it; None if it is none."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz)
    if isinstance(value, (tuple, list)) and 3 <= len(value) <= 6 and all(type(v) is int for v in value):
        try:
            return datetime(*value, tzinfo=tz)  # Pelican's DEFAULT_DATE = (2012, 3, 2, 14, 1, 1)
        except ValueError:
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = _OFFSET.sub(r"\1:\2", value.strip().replace("/", "-"))  # Jekyll's "2019-03-05 10:00:00 +0100"
    text = re.sub(r"\s+(?=[+-]\d{2}:\d{2}$)|\s+(?=Z$)", "", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)  # "Tue, 05 Mar 2019 10:00:00 +0100"
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def plain(value: Any) -> str:
    """Text for a trendsite field: HTML tags, emphasis marks and characters pages cannot carry removed."""
    text = html.unescape(_TAG.sub("", str(value)))
    text = _EMPHASIS.sub(r"\2", text)
    return " ".join(NOT_TEXT_CHARS.sub("", text).split())


def names(value: Any, separators: str = ",") -> list[str]:
    """The items of a list field, or of a string of them ("a, b"; Jekyll's "a b" with separators " ")."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value if v is not None and plain(v)]
    if isinstance(value, dict):
        return [plain(v) for v in value.values() if plain(v)]
    return [part for part in (plain(p) for p in re.split(f"[{re.escape(separators)}]", str(value))) if part]


def map_fields(meta: dict[str, Any], shown: str, topics_extra: Iterable[str] = (), separators: str = ",") -> Mapped:
    """trendsite's summary, topics, author and image source from `meta` (keys in lower case), and every
    field it does not read under extra. Dates, title, slug, drafts and addresses are the tools'."""
    mapped = Mapped()
    summary = _first(meta, SUMMARY)
    if summary:
        mapped.fields["summary"] = plain(meta[summary])
        mapped.used.append(f"{summary} -> summary")
    topics: list[str] = []
    for key in TOPICS:
        found = names(meta.get(key), separators)
        if found:
            topics += found
            mapped.used.append(f"{key} -> tags")
    topics += topics_extra
    spelled: dict[str, str] = {}
    for topic in topics:
        spelled.setdefault(topic_slug(topic), topic)  # the first spelling of each topic
    unique = list(spelled.values())
    kept = [t for t in unique if len(t) <= MAX_TAG_CHARS][:MAX_TAGS]
    if len(kept) < len(unique):
        mapped.notes.append(f"{shown}: {len(unique) - len(kept)} topic(s) left out: trendsite takes {MAX_TAGS} "
                            f"topics of up to {MAX_TAG_CHARS} characters")
    if kept:
        mapped.fields["tags"] = kept
    author = _first(meta, AUTHOR)
    if author:
        value = meta[author]
        if isinstance(value, list):
            people = [_person(v) for v in value]
        elif author == "authors" and isinstance(value, str):  # Pelican's "A, B", or "Last, First; Last, First"
            people = [plain(p) for p in value.split(";" if ";" in value else ",")]
        else:
            people = [_person(value)]
        people = list(dict.fromkeys(p for p in people if p))
        if people:
            mapped.fields["author"] = ("; " if any("," in p for p in people) else ", ").join(people)
            mapped.used.append(f"{author} -> author")
    image = _first(meta, IMAGE)
    if image:
        mapped.fields["image"] = _image(meta[image])
        mapped.used.append(f"{image} -> image")
    for key, value in meta.items():
        if key not in CONSUMED and value not in (None, "", [], {}):
            mapped.extra[key] = yaml_safe(value)
    return mapped


def updated_after(meta: dict[str, Any], when: datetime, tz: tzinfo, shown: str, mapped: Mapped) -> None:
    """Set `updated` from the tool's last-modified field, when it is later than the date."""
    key = _first(meta, UPDATED)
    if key is None:
        return
    moment = to_datetime(meta[key], tz)
    if moment is None:
        mapped.notes.append(f"{shown}: '{key}' is not a date trendsite reads ({meta[key]!r}): left out")
    elif moment > when:
        mapped.fields["updated"] = moment
        mapped.used.append(f"{key} -> updated")


def yaml_safe(value: Any) -> Any:
    """A value JSON (and so YAML) can write: dates as ISO text, anything else unknown as text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): yaml_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [yaml_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return NOT_TEXT_CHARS.sub("", str(value))


def count_used(mapped: Iterable[Mapped]) -> Counter[str]:
    """How many reports each mapping was used for."""
    return Counter(use for m in mapped for use in dict.fromkeys(m.used))


def _first(meta: dict[str, Any], keys: Iterable[str]) -> str | None:
    return next((k for k in keys if meta.get(k) not in (None, "", [], {})), None)


def _person(value: Any) -> str:
    if isinstance(value, dict):
        return plain(value.get("name") or value.get("title") or "")
    return plain(value)


def _image(value: Any) -> str:
    """The picture of Hugo's `images` list, of `cover: {image: ...}`, `image: {path: ...}` and the like."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = next((value[k] for k in ("image", "path", "src", "feature", "url") if value.get(k)), "")
    return str(value).strip()
