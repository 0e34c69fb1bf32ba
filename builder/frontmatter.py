"""Split a report into YAML front matter and body, and validate the fields into a FrontMatter."""
from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timezone, tzinfo
from typing import Any

import yaml

from .errors import Problem
from .tidy import NOT_TEXT_CHARS
from .model import Document, FrontMatter, Source
from .redirects import MAX_ALIASES, alias_error
from .urls import is_valid_slug

FIELDS = ("title", "date", "updated", "author", "summary", "tags", "highlights", "slug", "draft",
          "image", "extra", "aliases", "series")
REQUIRED = ("title", "date")
# Each topic of a report is a page whose card of it lists every topic, and a feed carrying it whole:
# output grows with the square of a report's topics (5,000 on one report wrote 2.3 GB).
MAX_TAGS = 30
MAX_TAG_CHARS = 100  # a topic's or series' slug names a folder, and file systems stop at 255 bytes
MAX_SLUG_CHARS = 100
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):")  # a front matter key as a line starts with it
_PAIRED = re.compile("[\ud800-\udbff][\udc00-\udfff]")


_FastLoader = getattr(yaml, "CSafeLoader", None)  # present when PyYAML was built with libyaml
_FAST_FLOW_LIMIT = 100
_UNREADABLE = "a value cannot be read"  # PyYAML's bare ValueError, almost always an impossible date


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: front matter never needs them, and they allow alias bombs."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in front matter",
                                       event.start_mark)
        return super().compose_node(parent, index)


def parse_document(source: Source, tz: tzinfo = timezone.utc) -> tuple[Document | None, list[Problem]]:
    """Split and validate one source; on failure return None and every problem found."""
    shown = f"content/{source.rel}"
    text = source.text
    if not text.strip():
        return None, [Problem(shown, 1, "is empty", "start it with front matter: ---, title: ..., date: ..., ---")]
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, [Problem(shown, 1, "does not start with front matter",
                              "put a line `---` first, then `title:` and `date:`, then a closing `---`")]
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if closing is None:
        return None, [Problem(shown, 1, "front matter is never closed", "did you forget the closing `---`?")]
    raw = "\n".join(lines[1:closing])
    try:
        data, key_lines, repeated = _load_yaml(raw)
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(shown, exc)]
    except RecursionError:
        return None, [Problem(shown, 2, "front matter is nested too deeply")]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Problem(shown, 2, "front matter must be a mapping of `key: value` lines")]
    meta, problems = _validate(data, key_lines, shown, tz, lines)
    # YAML keeps the last of two equal keys without a word, so the first value would vanish.
    problems += [Problem(shown, line, f"'{key}' is given twice, on lines {key_lines[key]} and {line}",
                         "keep one of them") for key, line in repeated]
    if problems:
        return None, problems
    body = "\n".join(lines[closing + 1:])
    return Document(source=source, meta=meta, body=body, body_line=closing + 2), []


def key_lines(text: str, body_line: int) -> tuple[tuple[str, int], ...]:
    """(key, number of the first line that starts with `key:`) of each key so written, in the lines of
    a document up to its body's first line: where a message about a field points."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.split("\n", body_line)[:body_line], 1):
        key = _KEY.match(line)
        if key:
            found.setdefault(key[1], number)
    return tuple(found.items())


def _yaml_problem(shown: str, exc: yaml.YAMLError) -> Problem:
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    hint = "check indentation and quote values that contain ': '"
    if context == "while scanning a quoted scalar" and exc.context_mark:
        # YAML notices at the end of the front matter; the mistake is where the quote opened.
        mark, what, hint = exc.context_mark, "a quoted value is never closed", "add the closing quote"
    elif what.startswith(_UNREADABLE):
        hint = "write a real date, as YYYY-MM-DD"
    elif "'<scalar>'" in what:  # text after a closing quote: summary: 'It's late'
        hint = ("a quote inside a quoted value ends it early: write ' inside '...' as '' (It''s), "
                "or \" inside \"...\" as \\\"")
    line = mark.line + 2 if mark else 1
    return Problem(shown, line, f"front matter is not valid YAML: {what}", hint)


def _load_yaml(raw: str) -> tuple[Any, dict[str, int], list[tuple[str, int]]]:
    # libyaml parses about 6x faster than the pure-Python loader, a tenth of a cold build's time.
    # An alias needs a "*", so without one there is nothing to refuse; errors, and flow collections
    # nested deeper than Python can recurse, go through the pure-Python loader, whose messages,
    # marks and limits are the ones we document.
    if _FastLoader is not None and "*" not in raw and raw.count("[") + raw.count("{") < _FAST_FLOW_LIMIT:
        try:
            return _load_with(_FastLoader(raw))
        except (yaml.YAMLError, ValueError, OverflowError):
            pass
    return _load_with(_SafeLoader(raw))


def _load_with(loader) -> tuple[Any, dict[str, int], list[tuple[str, int]]]:
    """The data, the line of each top-level key (its first), and (key, line) of each repeat of one."""
    try:
        node = loader.get_single_node()
        key_lines: dict[str, int] = {}
        repeated = []
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                # +2: the opening `---` is line 1 and marks count from 0.
                line = key_node.start_mark.line + 2
                if str(key_node.value) in key_lines:
                    repeated.append((str(key_node.value), line))
                else:
                    key_lines[str(key_node.value)] = line
        try:
            data = loader.construct_document(node) if node is not None else None
        except (ValueError, OverflowError) as exc:
            # PyYAML raises bare ValueErrors for impossible dates such as 2026-13-45.
            raise yaml.MarkedYAMLError(None, None, f"{_UNREADABLE}: {exc}",
                                       _unreadable_mark(loader, node)) from None
    finally:
        loader.dispose()
    return data, key_lines, repeated


def _unreadable_mark(loader: yaml.SafeLoader, node: yaml.Node):
    """Where the first scalar that YAML cannot construct is, else the document's start."""
    pending = [node]
    while pending:
        current = pending.pop(0)
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current)
            except (ValueError, OverflowError, yaml.YAMLError):
                return current.start_mark
        elif isinstance(current, yaml.MappingNode):
            pending += [part for pair in current.value for part in pair]
        elif isinstance(current, yaml.SequenceNode):
            pending += current.value
    return node.start_mark


def _validate(data: dict, key_lines: dict[str, int], shown: str, tz: tzinfo, lines: list[str]):
    problems: list[Problem] = []

    def problem(key: str, message: str, hint: str = "") -> None:
        problems.append(Problem(shown, key_lines.get(key, 2), message, hint))

    for key in data:
        if str(key) not in FIELDS:
            close = difflib.get_close_matches(str(key), FIELDS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "put custom values under `extra:`"
            problem(str(key), f"unknown front matter field '{key}'", hint)
    for key in REQUIRED:
        if data.get(key) not in (None, ""):
            continue
        if key not in key_lines:
            problem(key, f"'{key}' is required", f"add a line `{key}: ...` to the front matter")
        elif "#" in lines[key_lines[key] - 1]:  # `title: #1 in Europe` is a key and a comment
            problem(key, f"'{key}' is empty", "YAML reads # after a space as the start of a comment: "
                                              "put the value in quotes")
        else:
            problem(key, f"'{key}' is empty", f"write it after `{key}:`")

    def text(key: str, default: str = "") -> str:
        value = data.get(key)
        if value is None:
            return default
        if _is_text(value):
            return str(value).strip()
        problem(key, f"'{key}' must be text, got {_describe(value)}", _quote_hint(value))
        return default

    def text_list(key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            problem(key, f"'{key}' must be a list, got the text {value!r}", f"write `{key}: [{value}]`")
            return ()
        if not isinstance(value, list):
            problem(key, f"'{key}' must be a list of text items, got {_describe(value)}")
            return ()
        wrong = next(((n, v) for n, v in enumerate(value, 1) if not _is_text(v)), None)
        if wrong is not None:
            problem(key, f"'{key}' must be a list of text items; item {wrong[0]} is {_describe(wrong[1])}",
                    _quote_hint(wrong[1]))
            return ()
        items = tuple(str(v).strip() for v in value if str(v).strip())
        return tuple(dict.fromkeys(items))  # drop repeats, keep order

    def moment(key: str) -> datetime | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        parsed = _to_datetime(value, tz)
        if parsed is None:
            problem(key, f"'{key}' must be a date like 2026-11-24, got {value!r}",
                    "use YYYY-MM-DD, or YYYY-MM-DDTHH:MM with an optional +01:00")
        return parsed

    data = _joined_pairs(data)
    for key in FIELDS:
        bad = next((found for part in _strings(data.get(key)) if (found := NOT_TEXT_CHARS.search(part))), None)
        if bad:
            problem(key, f"'{key}' holds the character U+{ord(bad.group()):04X}, which web pages and feeds cannot carry",
                    "remove it; a YAML escape such as \\ud800 or \\x01 writes one")
            data = {**data, key: None}
    title = text("title")
    when = moment("date")
    updated = moment("updated")
    if when and updated and updated < when:
        problem("updated", "'updated' is earlier than 'date'", "swap them, or drop 'updated'")
    tags = text_list("tags")
    if len(tags) > MAX_TAGS:
        problem("tags", f"'tags' lists {len(tags)} topics, more than the {MAX_TAGS} a report may have",
                "keep the topics a reader would browse it by")
    if any(len(tag) > MAX_TAG_CHARS for tag in tags):
        problem("tags", f"a topic in 'tags' is longer than {MAX_TAG_CHARS} characters", "name topics in a few words")
    slug = text("slug")
    if len(slug) > MAX_SLUG_CHARS:
        problem("slug", f"'slug' is longer than {MAX_SLUG_CHARS} characters", "keep it to a few words")
    elif slug and not is_valid_slug(slug):
        problem("slug", f"'slug' must be lowercase words joined by hyphens, got {slug!r}",
                "for example: slug: eu-network-vendors")
    series = text("series")
    if len(series) > MAX_TAG_CHARS:
        problem("series", f"'series' is longer than {MAX_TAG_CHARS} characters", "name a series in a few words")
    aliases = text_list("aliases")
    wrong = [error for alias in aliases if (error := alias_error(alias))] + (
        [f"'aliases' lists {len(aliases)} addresses, more than the {MAX_ALIASES} a report may have"]
        if len(aliases) > MAX_ALIASES else [])
    for message in wrong:
        problem("aliases", message, "write each old address from the site's root: aliases: [/2019/03/old-title/]")
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        problem("draft", f"'draft' must be true or false, got {draft!r}")
        draft = False
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        problem("extra", f"'extra' must be a mapping of key: value lines, got {_describe(extra)}")
        extra = {}
    meta = FrontMatter(
        title=title, date=when or datetime.min.replace(tzinfo=timezone.utc), updated=updated,
        author=text("author"), summary=text("summary"), tags=tags,
        highlights=text_list("highlights"), slug=slug, draft=draft, image=text("image") or None,
        extra=extra, aliases=() if wrong else aliases, series=series,
    )
    return meta, problems


def _joined_pairs(value: Any) -> Any:
    """The value with each surrogate pair in its strings made the character it encodes: YAML reads the
    escape "\\ud83d\\ude00", which JSON writers emit for an emoji, as two lone surrogates."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass") if _PAIRED.search(value) else value
    if isinstance(value, dict):
        return {_joined_pairs(key): _joined_pairs(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_joined_pairs(item) for item in value]
    return value


def _strings(value: Any):
    """Every string in a front matter value, keys of mappings too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _to_datetime(value: Any, tz: tzinfo) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    return None


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _describe(value: Any) -> str:
    kind = {dict: "a mapping", list: "a list", bool: "true/false", type(None): "empty", date: "a date",
            datetime: "a date"}.get(type(value))
    return kind or repr(value)


def _quote_hint(value: Any) -> str:
    """How to keep text that YAML read as something else."""
    if isinstance(value, bool):
        return "YAML reads yes, no, on and off as true/false: put the words in quotes"
    if isinstance(value, dict):
        return "YAML reads `words: more words` as a key and its value: put the words in quotes"
    if isinstance(value, date):
        return "put the words in quotes to keep them as text"
    if value is None:
        return "write the text, or remove the empty item"
    return ""
