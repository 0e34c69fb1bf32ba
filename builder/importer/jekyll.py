"""A Jekyll site: _config.yml, _posts/ (the date in the file name), _drafts/, `published: false`."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import BuildError, Problem
from .fields import names, to_datetime
from .site import (OldPost, OldSite, file_date, read_post_file, refuse, shown_path, site_settings,
                   skip_other_markup, walk, zone)

STYLES = {"date": "/:categories/:year/:month/:day/:title:output_ext",
          "pretty": "/:categories/:year/:month/:day/:title/",
          "ordinal": "/:categories/:year/:y_day/:title:output_ext",
          "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
          "none": "/:categories/:title:output_ext"}
_POST_NAME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})-(.+)$")
_TOKEN = re.compile(r":([a-z_]+)")
_PRETTY = re.compile(r"[^\w\u0300-\u036f._~!$&'()+,;=@]+|_+")  # Jekyll's "pretty" slugify keeps these
_DEFAULT = re.compile(r"[^\w\u0300-\u036f]+|_+")
_NOT_SOURCES = {"_site", ".git", "node_modules", "vendor", ".jekyll-cache", ".sass-cache"}


def read_site(root: Path) -> OldSite:
    """The Jekyll site at root: its settings, every post of _posts/ and every draft of _drafts/."""
    config_file = next((root / n for n in ("_config.yml", "_config.yaml") if (root / n).is_file()), None)
    if config_file is None and not (root / "_posts").is_dir():
        raise refuse(root.as_posix(), "is not a Jekyll site: it has neither _config.yml nor _posts/",
                     "pass the folder that holds the Jekyll site's _config.yml")
    config = _load(config_file, root) if config_file else {}
    where = config_file.name if config_file else "_config.yml"
    notes: list[str] = []
    author = config.get("author")
    language = config.get("lang") or (str(config["locale"]).replace("_", "-") if config.get("locale") else None)
    url = f"{str(config.get('url') or '').rstrip('/')}{config.get('baseurl') or ''}" if config.get("url") else None
    settings = site_settings(config.get("title"), url, language, author.get("name") if isinstance(author, dict)
                             else author, config.get("description"), config.get("paginate"),
                             config.get("timezone"), notes, where)
    separator = config.get("excerpt_separator")
    extensions = tuple(f".{e.strip().lower()}" for e in str(config.get("markdown_ext")
                                                           or "markdown,mkdown,mkdn,mkd,md").split(",")) + (".mdown",)
    base = "/" + str(config.get("baseurl") or "").strip("/") + "/"
    site = OldSite(tool="Jekyll", root=root, content_root=root, static_roots=[root], settings=settings,
                   settings_used=[where] if config_file else [], base_path=base.replace("//", "/"), syntax="liquid",
                   separators=(separator,) if isinstance(separator, str) and separator.strip() else (),
                   topic_separators=" ", notes=notes)
    tz = site.zone = zone(config.get("timezone"), [], where)
    style = str(config.get("permalink") or "date")
    pattern = STYLES.get(style, style)
    problems: list[Problem] = []
    for path in walk(root, tuple(root / n for n in _NOT_SOURCES)):
        parts = path.relative_to(root).parts
        folder = next((n for n, part in enumerate(parts) if part in ("_posts", "_drafts")), None)
        if folder is None or any(p.startswith("_") for p in parts[:folder]):
            continue
        shown = shown_path(path, root)
        if path.suffix.lower() not in extensions:
            skip_other_markup(site, path)
            continue
        draft = parts[folder] == "_drafts"
        named = _POST_NAME.match(path.stem)
        if not draft and named is None:
            site.skipped.append(f"{shown}: Jekyll publishes only posts named YYYY-MM-DD-title")
            continue
        split = read_post_file(path, root, problems)
        if split is None:
            continue
        site.posts.append(_post(path, root, parts, folder, named, split.meta, split.body, draft, pattern, tz))
    if problems:
        raise BuildError(problems)
    return site


def _post(path: Path, root: Path, parts: tuple[str, ...], folder: int, named: re.Match | None, meta: dict,
          body: str, draft: bool, pattern: str, tz) -> OldPost:
    shown = shown_path(path, root)
    name = named.group(2) if named else path.stem
    notes = []
    when = to_datetime(meta.get("date"), tz) or (to_datetime(named.group(1), tz) if named else None)
    if when is None:
        when = file_date(path, tz)
        notes.append(f"{shown}: no date: the file's modification time ({when:%Y-%m-%d}) is used")
    above = list(parts[:folder])  # Jekyll's categories from the folders a _posts/ is in
    target = "/".join([*(above or ["posts"]), *parts[folder + 1:-1], name + ".md"])
    categories = above + names(meta.get("categories"), " ") + names(meta.get("category"), " ")
    draft = draft or meta.get("published") is False
    slug = str(meta["slug"]) if meta.get("slug") else None
    values = {"year": f"{when:%Y}", "month": f"{when:%m}", "i_month": str(when.month), "day": f"{when:%d}",
              "i_day": str(when.day), "y_day": f"{when:%j}", "short_year": f"{when:%y}", "hour": f"{when:%H}",
              "minute": f"{when:%M}", "second": f"{when:%S}", "week": f"{when:%V}", "short_day": f"{when:%a}",
              "title": slugify(slug or name, pretty=True), "slug": slugify(slug or name),
              "categories": "/".join(dict.fromkeys(c.lower() for c in categories)), "output_ext": ".html",
              "name": path.stem, "path": shown}
    written = str(meta.get("permalink") or pattern)
    old = _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), written)
    unknown = [m.group(0) for m in _TOKEN.finditer(old) if m.group(1) not in values]
    if unknown:
        notes.append(f"{shown}: the permalink token(s) {', '.join(unknown)} are not understood: "
                     "its old address is a guess, so check its alias")
    old = re.sub(r"/+", "/", "/" + old.replace("..", "/").replace("./", ""))
    return OldPost(source=path, shown=shown, meta=meta, body=body, target=target, title=str(meta.get("title") or
                   _title(name)), date=when, draft=draft, old_url=None if draft else old, topics=above, slug=slug,
                   notes=notes)


def slugify(text: str, pretty: bool = False) -> str:
    """Jekyll's slugify: "pretty" keeps more punctuation and, for :title, the case."""
    slug = (_PRETTY if pretty else _DEFAULT).sub("-", text).strip("-")
    return slug if pretty else slug.lower()


def _title(name: str) -> str:
    """A post's title from its file name, as Jekyll makes one: words capitalised."""
    return " ".join(word.capitalize() for word in re.split(r"[-_\s]+", name) if word)


def _load(path: Path, root: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8-sig", "replace")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BuildError([Problem(shown_path(path, root), mark.line + 1 if mark else None, f"cannot be read: {exc}",
                                  "fix it, then import again")]) from None
    if not isinstance(data, dict):
        raise BuildError([Problem(shown_path(path, root), None, "is not a mapping of settings")])
    return data
