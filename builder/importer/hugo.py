"""A Hugo site: hugo.toml, config.toml or config.yaml and config/_default/; content/ with its page bundles."""
from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import BuildError, Problem
from .fields import lower_keys, to_datetime
from .site import (OldPost, OldSite, file_date, is_markdown, read_post_file, refuse, shown_path, site_settings,
                   skip_other_markup, walk, zone)

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")
_TOKEN = re.compile(r":(\w+)")
_DATES = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")


def read_site(root: Path) -> OldSite:
    """The Hugo site at root: its settings and every page of content/."""
    config, files = _config(root)
    notes: list[str] = []
    where = ", ".join(files)
    params = lower_keys(config.get("params") or {}) if isinstance(config.get("params"), dict) else {}
    author = config.get("author") or params.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    pagination = config.get("pagination") if isinstance(config.get("pagination"), dict) else {}
    settings = site_settings(config.get("title"), config.get("baseurl"),
                             config.get("languagecode") or config.get("defaultcontentlanguage"), author,
                             params.get("description") or config.get("description"),
                             pagination.get("pagersize", config.get("paginate")), config.get("timezone"), notes, where)
    content = root / str(config.get("contentdir") or "content")
    if not content.is_dir():
        raise refuse(shown_path(content, root), "is not a folder: a Hugo site keeps its pages there",
                     "pass the folder of the Hugo site, or set contentDir in its settings")
    statics = config.get("staticdir") or "static"
    site = OldSite(tool="Hugo", root=root, content_root=content,
                   static_roots=[root / s for s in (statics if isinstance(statics, list) else [statics])],
                   settings=settings, settings_used=files, base_path=_base_path(config.get("baseurl")),
                   syntax="hugo", separators=("<!--more-->",), notes=notes)
    if isinstance(config.get("languages"), dict) and len(config["languages"]) > 1:
        notes.append(f"{where}: the site has {len(config['languages'])} languages: every page is imported into one "
                     "site; translations are separate reports")
    tz = site.zone = zone(config.get("timezone"), [], where)
    permalinks = _permalinks(config.get("permalinks"))
    lower = not config.get("disablepathtolower", False)
    ugly = bool(config.get("uglyurls", False))
    bundles = {p.parent for p in walk(content) if p.stem == "index" and is_markdown(p)}
    problems = []
    for path in walk(content):
        shown = shown_path(path, root)
        bundle = next((b for b in bundles if path.is_relative_to(b)), None)
        if bundle is not None and not (path.parent == bundle and path.stem == "index" and is_markdown(path)):
            if is_markdown(path):
                site.skipped.append(f"{shown}: a page resource of the bundle {shown_path(bundle, root)}, not a page")
            continue  # a bundle's file: copied with its page
        if not is_markdown(path):
            skip_other_markup(site, path)
            continue
        if path.stem == "_index":
            site.skipped.append(f"{shown}: a section's list page, which trendsite makes itself")
            continue
        split = read_post_file(path, root, problems)
        if split is None:
            continue
        meta = split.meta
        if isinstance(meta.get("params"), dict):  # newer Hugo keeps a page's own values under [params]
            meta = {**lower_keys(meta.pop("params")), **meta}
        site.posts.append(_post(path, content, meta, split.body, bundle, tz, permalinks, lower, ugly, root))
    if problems:
        raise BuildError(problems)
    return site


def _post(path: Path, content: Path, meta: dict, body: str, bundle: Path | None, tz, permalinks: dict[str, str],
          lower: bool, ugly: bool, root: Path) -> OldPost:
    shown = shown_path(path, root)
    page = bundle if bundle is not None else path.with_suffix("")
    parts = page.relative_to(content).parts
    folders, filename = parts[:-1], parts[-1]
    target = "/".join(parts) + ("/index.md" if bundle is not None else ".md")
    notes = []
    key = next((k for k in _DATES if to_datetime(meta.get(k), tz)), None)
    when = to_datetime(meta[key], tz) if key else None
    if when is None:
        when = file_date(path, tz)
        notes.append(f"{shown}: no date: the file's modification time ({when:%Y-%m-%d}) is used")
    title = str(meta.get("title") or filename)
    draft = meta.get("draft") is True
    slug = str(meta["slug"]) if meta.get("slug") else None
    section = folders[0] if folders else ""
    values = {"year": f"{when:%Y}", "month": f"{when:%m}", "monthname": f"{when:%B}", "day": f"{when:%d}",
              "weekday": str(when.isoweekday() % 7), "weekdayname": f"{when:%A}", "yearday": f"{when:%j}",
              "section": section, "sections": "/".join(folders), "title": urlize(title, True),
              "slug": urlize(slug or title, True), "filename": filename, "slugorfilename": slug or filename,
              "contentbasename": filename}
    if meta.get("url"):
        old = "/" + str(meta["url"]).lstrip("/")
    elif section.lower() in permalinks:
        old, unknown = _expand(permalinks[section.lower()], values)
        if unknown:
            notes.append(f"{shown}: the permalink token(s) {', '.join(unknown)} are not understood: "
                         "its old address is a guess, so check its alias")
        old = urlize(old, lower)
    else:
        old = urlize("/" + "/".join([*folders, slug or filename]) + (".html" if ugly else "/"), lower)
    aliases = [a if a.startswith("/") else f"/{section}/{a}".replace("//", "/")
               for a in (meta.get("aliases") or []) if isinstance(a, str)]
    if meta.get("expirydate") and (expiry := to_datetime(meta["expirydate"], tz)) and expiry < datetime.now(tz):
        notes.append(f"{shown}: expired in Hugo on {expiry:%Y-%m-%d}, and published by trendsite: make it a draft "
                     "or delete it if it should stay unpublished")
    return OldPost(source=path, shown=shown, meta=meta, body=body, target=target, title=title, date=when, draft=draft,
                   old_url=None if draft else re.sub("/+", "/", old), aliases=aliases, slug=slug, bundle=bundle,
                   notes=notes)


def urlize(text: str, lower: bool = True) -> str:
    """A path as Hugo makes it: spaces to hyphens, characters other than letters, digits and ./_-#+~ dropped,
    in lower case unless disablePathToLower."""
    text = "-".join(text.strip().split(" "))
    kept = "".join(c for c in text if c.isalnum() or unicodedata.category(c).startswith("M") or c in "./\\_-#+~")
    return kept.lower() if lower else kept


def _expand(pattern: str, values: dict[str, str]) -> tuple[str, list[str]]:
    unknown = [f":{t}" for t in _TOKEN.findall(pattern) if t not in values]
    return _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), pattern), unknown


def _permalinks(value: Any) -> dict[str, str]:
    """Section -> permalink pattern, from `permalinks` in either of Hugo's forms."""
    if not isinstance(value, dict):
        return {}
    value = lower_keys(value)
    pages = value.get("page") if isinstance(value.get("page"), dict) else value
    return {str(k).lower(): v for k, v in pages.items() if isinstance(v, str)}


def _base_path(base_url: Any) -> str:
    path = re.sub(r"^[a-z]+://[^/]*", "", str(base_url or ""))
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def _config(root: Path) -> tuple[dict[str, Any], list[str]]:
    """The settings of the Hugo site at root (keys in lower case, as Hugo compares them) and the files read."""
    merged: dict[str, Any] = {}
    files = []
    folder = root / "config" / "_default"
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.suffix in (".toml", ".yaml", ".yml", ".json"):
            data = _load(path, root)
            files.append(shown_path(path, root))
            if path.stem in ("hugo", "config"):
                merged.update(data)
            else:
                merged[path.stem.lower()] = data
    own = next((root / name for name in CONFIG_NAMES if (root / name).is_file()), None)
    if own is not None:
        merged.update(_load(own, root))
        files.insert(0, own.name)
    if not files:
        raise refuse(root.as_posix(), "is not a Hugo site: it has no hugo.toml, config.toml, config.yaml or "
                     "config/_default/", "pass the folder that holds the Hugo site's settings")
    return merged, files


def _load(path: Path, root: Path) -> dict[str, Any]:
    shown = shown_path(path, root)
    text = path.read_text("utf-8-sig", "replace")
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text) or {}
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise BuildError([Problem(shown, None, f"cannot be read: {exc}", "fix it, then import again")]) from None
    if not isinstance(data, dict):
        raise BuildError([Problem(shown, None, "is not a mapping of settings")])
    return _lowered(data)


def _lowered(data: Any) -> Any:
    """Settings with every key in lower case, nested ones too."""
    if isinstance(data, dict):
        return {str(k).lower(): _lowered(v) for k, v in data.items()}
    return data
