"""The front matter other tools write: YAML `---`, TOML `+++`, JSON `{...}`, and Pelican's `Key: value` lines."""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import Problem

# Python-Markdown's meta extension, which Pelican reads: `Key: value`, continued by indented lines.
_META_KEY = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)$")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Split:
    """A file of another tool split into its front matter and its Markdown body."""

    meta: dict[str, Any]
    body: str
    body_line: int  # the line of the file the body starts on
    kind: str  # "yaml", "toml", "json", "pelican" or "none"


def split_front_matter(text: str, shown: str, pelican: bool = False) -> Split | Problem:
    """The front matter and body of `text` (the file `shown`, for messages); `pelican` reads `Key: value`
    lines where the others find no front matter."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = lines[0].strip()
    if pelican and first == "---":
        return _pelican(lines)  # Python-Markdown's meta block, which may open with ---
    if first in ("---", "+++"):
        closing = next((n for n in range(1, len(lines)) if lines[n].rstrip() in (first, "...")), None)
        if closing is None:
            return Problem(shown, 1, "front matter is never closed", f"did you forget the closing `{first}`?")
        raw = "\n".join(lines[1:closing])
        meta = _toml(raw, shown) if first == "+++" else _yaml(raw, shown)
        if isinstance(meta, Problem):
            return meta
        return Split(meta, "\n".join(lines[closing + 1:]), closing + 2, "toml" if first == "+++" else "yaml")
    if first.startswith("{"):
        return _json(text, shown)
    if pelican:
        return _pelican(lines)
    return Split({}, text, 1, "none")


def _yaml(raw: str, shown: str) -> dict | Problem:
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        return Problem(shown, mark.line + 2 if mark else 1, f"front matter is not valid YAML: {what}",
                       "fix it in the old site, then import again")
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        return Problem(shown, 2, "front matter is not a mapping of `key: value` lines")
    return meta


def _toml(raw: str, shown: str) -> dict | Problem:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        return Problem(shown, int(found.group(1)) + 1 if found else 1, f"front matter is not valid TOML: {exc}",
                       "fix it in the old site, then import again")


def _json(text: str, shown: str) -> Split | Problem:
    try:
        meta, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        return Problem(shown, exc.lineno, f"front matter is not valid JSON: {exc.msg}",
                       "fix it in the old site, then import again")
    if not isinstance(meta, dict):
        return Problem(shown, 1, "front matter is not a JSON object")
    rest = text[end:]
    skipped = len(rest) - len(rest.lstrip(" \t")) + (1 if rest.lstrip(" \t").startswith("\n") else 0)
    return Split(meta, rest[skipped:], text.count("\n", 0, end + skipped) + 1, "json")


def _pelican(lines: list[str]) -> Split:
    """Python-Markdown meta lines up to the first blank line (keys in lower case, as Pelican reads them)."""
    meta: dict[str, str] = {}
    start = 1 if lines and lines[0].strip() == "---" else 0
    key = None
    number = start
    for number in range(start, len(lines)):
        line = lines[number]
        if line.strip() in ("", "---", "..."):
            break
        found = _META_KEY.match(line)
        more = _META_MORE.match(line)
        if more and key is not None:
            meta[key] = f"{meta[key]}\n{more.group('value').strip()}".strip()
        elif found:
            key = found.group("key").lower()
            meta[key] = found.group("value").strip()
        else:
            break  # not a header line: the body starts here
    else:
        number = len(lines)
    if not meta:
        return Split({}, "\n".join(lines), 1, "none")
    rest = number + 1 if number < len(lines) and lines[number].strip() in ("", "---", "...") else number
    return Split(meta, "\n".join(lines[rest:]), rest + 1, "pelican")
