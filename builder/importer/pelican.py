"""A Pelican site: pelicanconf.py (and publishconf.py) read without running them, `Key: value` headers."""
from __future__ import annotations

import ast
import re
import string
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem
from .fields import names, plain, to_datetime
from .site import (OldPost, OldSite, file_date, is_markdown, read_post_file, refuse, shown_path, site_settings,
                   skip_other_markup, walk, zone)

MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")
DEFAULTS = {"ARTICLE_PATHS": [""], "PAGE_PATHS": ["pages"], "STATIC_PATHS": ["images"],
            "ARTICLE_URL": "{slug}.html", "FILENAME_METADATA": r"(?P<date>\d{4}-\d{2}-\d{2}).*",
            "PATH_METADATA": "", "SLUGIFY_SOURCE": "title", "USE_FOLDER_AS_CATEGORY": True,
            "DEFAULT_CATEGORY": "misc", "DEFAULT_DATE": None, "DEFAULT_METADATA": {}}
_PELICAN_SLUG = [(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]


def read_site(root: Path) -> OldSite:
    """The Pelican site at root: its settings and every Markdown article (pages are left for a person)."""
    conf = root / "pelicanconf.py"
    if not conf.is_file():
        raise refuse(root.as_posix(), "is not a Pelican site: it has no pelicanconf.py",
                     "pass the folder that holds the Pelican site's pelicanconf.py")
    notes: list[str] = []
    settings = {**DEFAULTS, **read_settings(conf, notes)}
    used = ["pelicanconf.py"]
    publish = root / "publishconf.py"
    if publish.is_file():  # the published site's own settings (its SITEURL above all)
        settings.update(read_settings(publish, notes))
        used.append("publishconf.py")
    where = ", ".join(used)
    site_url = settings.get("SITEURL") or ""
    trendsite = site_settings(settings.get("SITENAME"), site_url, settings.get("DEFAULT_LANG"),
                              settings.get("AUTHOR"), settings.get("SITESUBTITLE"),
                              settings.get("DEFAULT_PAGINATION"), settings.get("TIMEZONE"), notes, where)
    # Pelican reads PATH from where it runs; sites made by pelican-quickstart, and its samples, keep content/.
    path = root / str(settings["PATH"] if "PATH" in settings or not (root / "content").is_dir() else "content")
    if not path.is_dir():
        raise refuse(shown_path(path, root), "is not a folder: PATH names where Pelican's content is",
                     "pass the folder of the Pelican site, or fix PATH in pelicanconf.py")
    base = re.sub(r"^[a-z]+://[^/]*", "", str(site_url)).strip("/")
    site = OldSite(tool="Pelican", root=root, content_root=path, static_roots=[path], settings=trendsite,
                   settings_used=used, base_path=f"/{base}/" if base else "/", syntax="liquid",
                   separators=("<!-- PELICAN_END_SUMMARY -->",), notes=notes)
    if settings.get("MARKDOWN"):
        notes.append(f"{where}: MARKDOWN sets Python-Markdown extensions: add the ones reports need to "
                     "markdown_extensions")
    tz = site.zone = zone(settings.get("TIMEZONE"), [], where)
    pages = [path / p for p in _paths(settings["PAGE_PATHS"])]
    statics = [path / p for p in _paths(settings["STATIC_PATHS"])]
    articles = [path / p for p in _paths(settings["ARTICLE_PATHS"])]
    problems: list[Problem] = []
    for file in walk(path, tuple(root / n for n in ("output", ".git"))):
        shown = shown_path(file, root)
        if any(file.is_relative_to(s) for s in statics) or not any(file.is_relative_to(a) for a in articles):
            continue
        if any(file.is_relative_to(p) for p in pages):
            if is_markdown(file, MARKDOWN + (".rst", ".html")):
                site.skipped.append(f"{shown}: a page, not an article: make it a report by hand if it is one")
            continue
        if not is_markdown(file, MARKDOWN):
            skip_other_markup(site, file)
            continue
        split = read_post_file(file, root, problems, pelican=True)
        if split is None:
            continue
        if not split.meta and not split.body.strip():
            site.skipped.append(f"{shown}: empty")
            continue
        post = _post(file, path, root, {**{k.lower(): v for k, v in settings["DEFAULT_METADATA"].items()},
                                        **split.meta}, split.body, settings, tz)
        if post is None:
            site.skipped.append(f"{shown}: Status: skip")
        else:
            site.posts.append(post)
    if problems:
        raise BuildError(problems)
    return site


def _post(file: Path, path: Path, root: Path, meta: dict[str, Any], body: str, settings: dict, tz) -> OldPost | None:
    shown = shown_path(file, root)
    status = str(meta.get("status") or "published").strip().lower()
    if status == "skip":
        return None
    notes = []
    for pattern, text in ((settings["FILENAME_METADATA"], file.stem), (settings["PATH_METADATA"], shown)):
        found = re.match(pattern, text) if pattern else None
        for key, value in (found.groupdict() if found else {}).items():
            if value is not None:
                meta.setdefault(key.lower(), value)
    when = to_datetime(meta.get("date"), tz)
    if when is None:
        default = settings["DEFAULT_DATE"]
        when = to_datetime(default, tz) if default not in (None, "fs") else None
        if when is None:
            when = file_date(file, tz)
            notes.append(f"{shown}: no date: the file's modification time ({when:%Y-%m-%d}) is used")
    title = plain(meta.get("title") or "")
    if not title:
        heading = re.search(r"^(?:#{1,6}[ \t]+(.+?)[ \t#]*|(.+)\n[=-]+[ \t]*)$", body, re.M)
        title = plain(heading.group(1) or heading.group(2)) if heading else file.stem
        notes.append(f"{shown}: no Title: {title!r} is used")
    folder = file.parent.relative_to(path).parts
    category = names(meta.get("category"))[:1] or ([folder[-1]] if folder and settings["USE_FOLDER_AS_CATEGORY"]
                                                   else [])
    slug = str(meta.get("slug") or "") or pelican_slug(title if settings["SLUGIFY_SOURCE"] == "title" else file.stem)
    if not meta.get("slug") and not title.isascii() and unicodedata.normalize("NFKD", title).encode("ascii", "ignore"
                                                                                                   ).decode() != title:
        notes.append(f"{shown}: Pelican spells the title in ASCII letters for its address; the old address "
                     f"/{slug}… is a guess, so check its alias")
    if status == "hidden":
        notes.append(f"{shown}: hidden (unlisted) in Pelican, listed by trendsite: make it a draft if it should not be")
    author = names(meta.get("author") or meta.get("authors"), ";" if ";" in str(meta.get("authors", "")) else ",")
    values = {**{k: v for k, v in meta.items() if isinstance(v, str)}, "slug": slug, "date": when, "lang":
              str(meta.get("lang") or settings.get("DEFAULT_LANG") or "en"),
              "category": pelican_slug(category[0] if category else settings["DEFAULT_CATEGORY"]),
              "author": pelican_slug(author[0]) if author else ""}
    try:
        old = "/" + string.Formatter().vformat(str(settings["ARTICLE_URL"]), (), values).lstrip("/")
    except (KeyError, ValueError, IndexError, AttributeError) as exc:
        notes.append(f"{shown}: its old address cannot be made from ARTICLE_URL ({exc}): it has no alias")
        old = None
    target = file.relative_to(path).with_suffix(".md").as_posix()
    return OldPost(source=file, shown=shown, meta=meta, body=body, target=target, title=title, date=when,
                   draft=status == "draft", old_url=None if status == "draft" else old,
                   topics=category if not meta.get("category") else [], slug=slug, notes=notes)


def pelican_slug(text: str) -> str:
    """Pelican's slugify with its default substitutions, accents folded (Pelican transliterates with unidecode)."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    for pattern, replacement in _PELICAN_SLUG:
        value = re.sub(pattern, replacement, value, flags=re.IGNORECASE)
    return value.lower().strip()


def read_settings(path: Path, notes: list[str]) -> dict[str, Any]:
    """The upper-case settings of a Pelican settings file, read with `ast`, never run: literals, earlier
    settings and sums of them. Other values are left out with a note."""
    shown = path.name
    try:
        tree = ast.parse(path.read_text("utf-8-sig", "replace"), shown)
    except SyntaxError as exc:
        raise BuildError([Problem(shown, exc.lineno, f"is not valid Python: {exc.msg}")]) from None
    values: dict[str, Any] = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else getattr(
            node, "target", None) if isinstance(node, ast.AnnAssign) else None
        if not isinstance(target, ast.Name) or not target.id.isupper() or node.value is None:
            continue
        try:
            values[target.id] = _value(node.value, values)
        except ValueError:
            notes.append(f"{shown}:{node.lineno}: {target.id} is computed, so it was not read")
    return values


def _value(node: ast.AST, known: dict[str, Any]) -> Any:
    """The value of an expression of literals, earlier settings and + between them; ValueError otherwise."""
    if isinstance(node, ast.Name):
        if node.id in known:
            return known[node.id]
        raise ValueError(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        try:
            return _value(node.left, known) + _value(node.right, known)
        except TypeError:
            raise ValueError("a sum of unlike values") from None
    if isinstance(node, ast.JoinedStr):
        return "".join(str(_value(v.value, known)) if isinstance(v, ast.FormattedValue) else str(v.value)
                       for v in node.values)
    return ast.literal_eval(node)


def _paths(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
