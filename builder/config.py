"""Site settings from `[tool.trendsite]` in the site's pyproject.toml, validated once."""
from __future__ import annotations

import re
import tomllib
from dataclasses import fields, replace
from datetime import timezone, tzinfo
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BuildError, Problem, warning
from .languages import language_tag, parse_locale
from .model import SiteConfig

CONFIG_FILE = "pyproject.toml"

# Bounds keep a typo (per_page = 0, related_count = 500) from producing a broken site.
_RANGES = {
    "per_page": (1, 500),
    "related_count": (0, 20),
    "feed_size": (1, 500),
    "toc_min_headings": (0, 100),
    "words_per_minute": (50, 1000),
    "max_file_bytes": (1_000, 1_000_000_000),
}
_CHOICES = {"broken_links": ("error", "warn")}
_NOT_IN_URLS = re.compile(r"[\x00-\x20\x7f\"'<>\\^`{|}]")


def load_config(root: Path, base_url: str | None = None) -> SiteConfig:
    """Return the site's settings; a site without pyproject.toml or without the table gets defaults.
    `base_url`, checked by base_url_error, replaces the site's (a deploy preview's address, say)."""
    config = _read_config(root)
    return replace(config, base_url=_with_slash(base_url)) if base_url else config


def base_url_error(base_url: str) -> str | None:
    """What is wrong with a base URL, or None if it will do."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"base_url must be an absolute http(s) URL, got {base_url!r}"
    # The base path begins every link of the site, in attributes and Markdown alike.
    if _NOT_IN_URLS.search(base_url):
        return f"base_url must have no spaces, quotes or angle brackets (%-encode them), got {base_url!r}"
    return None


def base_url_warnings(config: SiteConfig) -> list[Problem]:
    """A warning when the site's addresses outside its pages would point at this computer."""
    if config.base_url != SiteConfig.base_url:
        return []
    return [warning(CONFIG_FILE, None, f"base_url is not set: feeds, the sitemap and canonical URLs point at "
                    f"{config.base_url}", 'set base_url = "https://your.site/" in [tool.trendsite], '
                    "or build with --base-url URL")]


def _read_config(root: Path) -> SiteConfig:
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig()
    raw = path.read_bytes()
    try:
        # utf-8-sig drops the byte-order mark Windows editors add, as for content files.
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BuildError([Problem(CONFIG_FILE, raw[: exc.start].count(b"\n") + 1,
                                  f"is not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                                  "save the file as UTF-8 in your editor")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildError([Problem(CONFIG_FILE, _toml_line(exc), f"not valid TOML: {exc}",
                                  "check quotes and brackets near that line")]) from None
    table = data.get("tool", {}).get("trendsite", {})
    if not isinstance(table, dict):
        raise BuildError([Problem(CONFIG_FILE, None, "[tool.trendsite] must be a table")])
    return parse_config(table)


def parse_config(table: dict) -> SiteConfig:
    """Validate a `[tool.trendsite]` mapping, reporting every problem at once."""
    known = {f.name: f for f in fields(SiteConfig)}
    defaults = SiteConfig()
    problems: list[Problem] = []
    values = {}
    for key, value in table.items():
        if key not in known:
            problems.append(Problem(CONFIG_FILE, None, f"unknown setting [tool.trendsite] {key!r}",
                                    "known settings: " + ", ".join(sorted(known))))
            continue
        expected = type(getattr(defaults, key))
        # bool is a subclass of int: `per_page = true` must not pass as 1.
        if type(value) is not expected:
            problems.append(Problem(CONFIG_FILE, None,
                                    f"[tool.trendsite] {key} must be {_type_name(expected)}, "
                                    f"got {value!r}"))
            continue
        if key in _RANGES and not _RANGES[key][0] <= value <= _RANGES[key][1]:
            low, high = _RANGES[key]
            problems.append(Problem(CONFIG_FILE, None,
                                    f"[tool.trendsite] {key} must be between {low} and {high}, got {value}"))
            continue
        if key in _CHOICES and value not in _CHOICES[key]:
            problems.append(Problem(CONFIG_FILE, None, f"[tool.trendsite] {key} must be "
                                    + " or ".join(map(repr, _CHOICES[key])) + f", got {value!r}"))
            continue
        values[key] = value
    base_url = values.get("base_url", defaults.base_url)
    wrong = base_url_error(base_url)
    if wrong:
        problems.append(Problem(CONFIG_FILE, None, f"[tool.trendsite] {wrong}",
                                'for example base_url = "https://example.org/trends/"'))
    else:
        values["base_url"] = _with_slash(base_url)
    locale = parse_locale(values.get("language", defaults.language))
    if locale is None:
        problems.append(Problem(CONFIG_FILE, None, "[tool.trendsite] language must be a language code CLDR knows, "
                                f"got {values['language']!r}",
                                'for example language = "es", or "pt-BR" for Brazilian Portuguese'))
    else:
        values["language"] = language_tag(locale)  # as <html lang> spells it: "pt_br" is "pt-BR"
    zone = values.get("timezone", defaults.timezone)
    if zone != "UTC" and not _is_time_zone(zone):
        problems.append(Problem(CONFIG_FILE, None, f"[tool.trendsite] timezone must be a time zone name, got {zone!r}",
                                'for example timezone = "Europe/Berlin"'))
    if problems:
        raise BuildError(problems)
    return SiteConfig(**values)


def _with_slash(base_url: str) -> str:
    return base_url if base_url.endswith("/") else base_url + "/"


def site_timezone(config: SiteConfig) -> tzinfo:
    """The zone dates written without one are read in (parse_config checked its name)."""
    return ZoneInfo(config.timezone) if config.timezone != "UTC" else timezone.utc


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not a key at all, such as "" or "../x"
        return False
    return True


def _type_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", bool: "true or false"}[kind]


def _toml_line(exc: tomllib.TOMLDecodeError) -> int | None:
    # tomllib puts "(at line N, column M)" in its message and nowhere else.
    text = str(exc)
    marker = "at line "
    if marker in text:
        digits = text.split(marker, 1)[1].split(",", 1)[0]
        return int(digits) if digits.isdigit() else None
    return None
