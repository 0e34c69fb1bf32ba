"""Site settings from trendsite.toml, or `[tool.trendsite]` in the site's pyproject.toml, validated once."""
from __future__ import annotations

import re
import tomllib
from dataclasses import fields, replace
from datetime import timezone, tzinfo
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BuildError, Problem, warning
from .extensions import read_extensions
from .languages import language_tag, parse_locale
from .model import SiteConfig

CONFIG_FILE = "pyproject.toml"
OWN_CONFIG_FILE = "trendsite.toml"  # the same keys at the top level, for a site that is no Python project
CONFIG_FILES = (OWN_CONFIG_FILE, CONFIG_FILE)

# Bounds keep a typo (per_page = 0, related_count = 500) from producing a broken site.
_RANGES = {
    "per_page": (1, 500),
    "related_count": (0, 20),
    "feed_size": (1, 500),
    "toc_min_headings": (0, 100),
    "words_per_minute": (50, 1000),
    "max_file_bytes": (1_000, 1_000_000_000),
    "stale_after_days": (0, 36_500),
    "rising_window_days": (7, 3_650),
    "rising_baseline_days": (7, 3_650),
}
_CHOICES = {"broken_links": ("error", "warn")}
_NOT_IN_URLS = re.compile(r"[\x00-\x20\x7f\"'<>\\^`{|}]")


def load_config(root: Path, base_url: str | None = None) -> SiteConfig:
    """Return the site's settings; a site with neither trendsite.toml nor [tool.trendsite] gets defaults.
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


def base_url_warnings(config: SiteConfig, root: Path) -> list[Problem]:
    """A warning when the site's addresses outside its pages would point at this computer."""
    if config.base_url != SiteConfig.base_url:
        return []
    path = config_file(root)
    return [warning(path, None, f"base_url is not set: feeds, the sitemap and canonical URLs point at "
                    f"{config.base_url}", f'set base_url = "https://your.site/" in {_table(path) or path}, '
                    "or build with --base-url URL")]


def config_file(root: Path) -> str:
    """The file that holds (or would hold) the site's settings: trendsite.toml if there is one."""
    return OWN_CONFIG_FILE if (root / OWN_CONFIG_FILE).is_file() else CONFIG_FILE


def _read_config(root: Path) -> SiteConfig:
    own = _read_toml(root, OWN_CONFIG_FILE)
    project = _read_toml(root, CONFIG_FILE)
    table = project.get("tool", {}).get("trendsite") if project is not None else None
    if own is not None and table is not None:
        raise BuildError([Problem(OWN_CONFIG_FILE, None, "the site's settings are in both trendsite.toml and "
                                  "[tool.trendsite] of pyproject.toml, and only one may hold them",
                                  "move them into one of the two files and delete the other's")])
    if own is not None:
        return parse_config(own, OWN_CONFIG_FILE)
    if table is None:
        return SiteConfig()
    if not isinstance(table, dict):
        raise BuildError([Problem(CONFIG_FILE, None, "[tool.trendsite] must be a table")])
    return parse_config(table)


def _read_toml(root: Path, name: str) -> dict | None:
    """The TOML file `name` of the site, None if there is none."""
    path = root / name
    if not path.is_file():
        return None
    raw = path.read_bytes()
    try:
        # utf-8-sig drops the byte-order mark Windows editors add, as for content files.
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BuildError([Problem(name, raw[: exc.start].count(b"\n") + 1,
                                  f"is not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                                  "save the file as UTF-8 in your editor")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildError([Problem(name, _toml_line(exc), f"not valid TOML: {exc}",
                                  "check quotes and brackets near that line")]) from None


def _table(path: str) -> str:
    """How messages name the settings' table: pyproject.toml's [tool.trendsite]; trendsite.toml is all settings."""
    return "[tool.trendsite]" if path == CONFIG_FILE else ""


def parse_config(table: dict, path: str = CONFIG_FILE) -> SiteConfig:
    """Validate the settings (`[tool.trendsite]`, or trendsite.toml's top level), reporting every problem at once."""
    known = {f.name: f for f in fields(SiteConfig)}
    defaults = SiteConfig()
    problems: list[Problem] = []
    values = {}
    where = f"{_table(path)} ".lstrip()  # "[tool.trendsite] " or nothing

    def problem(message: str, hint: str = "") -> None:
        problems.append(Problem(path, None, where + message, hint))

    for key, value in table.items():
        if key not in known:
            problems.append(Problem(path, None, f"unknown setting {where}{key!r}",
                                    "known settings: " + ", ".join(sorted(known))))
            continue
        if key == "markdown_extensions":
            values[key], wrong = read_extensions(value)
            problems += [Problem(path, None, where + message, hint) for message, hint in wrong]
            continue
        expected = type(getattr(defaults, key))
        # bool is a subclass of int: `per_page = true` must not pass as 1.
        if type(value) is not expected:
            problem(f"{key} must be {_type_name(expected)}, got {value!r}")
            continue
        if key in _RANGES and not _RANGES[key][0] <= value <= _RANGES[key][1]:
            low, high = _RANGES[key]
            problem(f"{key} must be between {low} and {high}, got {value}")
            continue
        if key in _CHOICES and value not in _CHOICES[key]:
            problem(f"{key} must be " + " or ".join(map(repr, _CHOICES[key])) + f", got {value!r}")
            continue
        values[key] = value
    base_url = values.get("base_url", defaults.base_url)
    wrong = base_url_error(base_url)
    if wrong:
        problem(wrong, 'for example base_url = "https://example.org/trends/"')
    else:
        values["base_url"] = _with_slash(base_url)
    locale = parse_locale(values.get("language", defaults.language))
    if locale is None:
        problem(f"language must be a language code CLDR knows, got {values['language']!r}",
                'for example language = "es", or "pt-BR" for Brazilian Portuguese')
    else:
        values["language"] = language_tag(locale)  # as <html lang> spells it: "pt_br" is "pt-BR"
    zone = values.get("timezone", defaults.timezone)
    if zone != "UTC" and not _is_time_zone(zone):
        problem(f"timezone must be a time zone name, got {zone!r}", 'for example timezone = "Europe/Berlin"')
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
    return {str: "a string", int: "a whole number", bool: "true or false", dict: "a table"}[kind]


def _toml_line(exc: tomllib.TOMLDecodeError) -> int | None:
    # tomllib puts "(at line N, column M)" in its message and nowhere else.
    text = str(exc)
    marker = "at line "
    if marker in text:
        digits = text.split(marker, 1)[1].split(",", 1)[0]
        return int(digits) if digits.isdigit() else None
    return None
