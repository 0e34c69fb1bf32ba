"""The Jinja2 environment and page rendering; no disk writes happen here."""
from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from urllib.parse import quote, urljoin, urlsplit

import jinja2
import jinja2.runtime
from markupsafe import Markup

from .errors import BuildError, Problem
from .model import Page, SiteConfig


def default_theme() -> Path:
    """The bundled theme: the repository's templates/, shipped in the package as builder.theme."""
    spec = importlib.util.find_spec("builder.theme")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    raise FileNotFoundError("the default theme (builder.theme) is missing from the installation")


def theme_dirs(root: Path) -> tuple[Path, ...]:
    """Template folders in lookup order: the site's own templates/ first, then the default theme."""
    own = root / "templates"
    bundled = default_theme()
    if own.is_dir() and own.resolve() != bundled.resolve():
        return (own, bundled)
    return (bundled,)


@dataclass(frozen=True)
class StaticFile:
    name: str  # as templates ask for it: "style.css"
    url: str  # fingerprinted, site-relative: "static/style.1a2b3c4d.css"
    data: bytes


def collect_static(dirs: tuple[Path, ...]) -> dict[str, StaticFile]:
    """Theme static files with content-hashed names, so browsers may cache them forever."""
    found: dict[str, Path] = {}
    for folder in reversed(dirs):  # the site's own files override the default theme's
        static = folder / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found[path.relative_to(static).as_posix()] = path
    files = {}
    for name, path in sorted(found.items()):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
        files[name] = StaticFile(name=name, url=f"static/{hashed}", data=data)
    return files


class Renderer:
    """Renders Pages with the theme; holds the Jinja2 environment, which is costly to build."""

    def __init__(self, config: SiteConfig, dirs: tuple[Path, ...], static: dict[str, StaticFile]):
        self.config = config
        self.static_files = static
        self.env = _ThemeEnvironment(
            loader=_ThemeLoader(dirs),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals.update(site=config, url=self.url, absolute_url=self.absolute_url, static=self.static,
                                memo=self.memo)
        # Rendered fragments: (macro name, its arguments) -> (the arguments, held so their ids stay
        # theirs, and the Markup). Those not used since the last forget_unused() are kept one more build.
        self._fragments: dict[tuple, tuple[tuple, Markup]] = {}
        self._unused: dict[tuple, tuple[tuple, Markup]] = {}

    def url(self, path: str) -> str:
        """Root-relative URL of a site-relative path, under the site's base path."""
        return self.config.base_path + quote(path, safe="/#?=&%")

    def absolute_url(self, path: str) -> str:
        """Full URL of a site-relative path (an absolute URL is kept), for feeds, canonical links and cards."""
        if urlsplit(path).scheme:
            return path
        return urljoin(self.config.base_url, quote(path, safe="/#?=&%"))

    def static(self, name: str) -> str:
        """URL of a theme static file by its plain name."""
        try:
            return self.url(self.static_files[name].url)
        except KeyError:
            raise jinja2.TemplateError(f"the theme has no static file {name!r}") from None

    def memo(self, macro: jinja2.runtime.Macro, *args: object) -> Markup:
        """macro(*args), rendered once per build and kept while the same arguments come back.

        For macros whose output depends on their arguments and the site alone, such as a report's
        card: most reports appear on a dozen pages. Objects are told apart by identity, which holds
        because the pipeline makes a new Report whenever anything in it changes; a tuple (of reports,
        say) by the identity of its items, as listings make new tuples of the same reports each build.
        """
        key = (macro.name, *(a if isinstance(a, (str, int, float, type(None)))
                             else (tuple, *map(id, a)) if type(a) is tuple else id(a) for a in args))
        known = self._fragments.get(key)
        if known is None:
            known = self._unused.pop(key, None) or (args, macro(*args))
            self._fragments[key] = known
        return known[1]

    def forget_unused(self) -> None:
        """Drop the fragments no page used since the last call, so a long `serve` does not grow."""
        self._unused, self._fragments = self._fragments, {}

    def render(self, page: Page) -> str:
        """The page's HTML; a theme error becomes a BuildError naming the template file and line."""
        try:
            return self.env.get_template(page.template).render(page=page, **page.context)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildError([Problem(_theme_path(exc.filename or exc.name or page.template), exc.lineno,
                                      f"template syntax error: {exc.message}")]) from None
        except jinja2.TemplateError as exc:
            path, line = _template_frame(exc.__traceback__, page.template)
            raise BuildError([Problem(path, line, f"template error while rendering /{page.url}: {exc}",
                                      "check the variable names against the template context")]) from None


class _ThemeLoader(jinja2.BaseLoader):
    """The site's templates first, then the bundled theme; "!name.html" is the bundled template alone."""

    def __init__(self, dirs: tuple[Path, ...]):
        self._all = jinja2.FileSystemLoader([str(d) for d in dirs])
        self._bundled = jinja2.FileSystemLoader(str(dirs[-1]))

    def get_source(self, environment: jinja2.Environment, template: str):
        if template.startswith("!"):
            try:
                return self._bundled.get_source(environment, template[1:])
            except jinja2.TemplateNotFound:
                raise jinja2.TemplateNotFound(template) from None
        return self._all.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self._all.list_templates()


class _ThemeEnvironment(jinja2.Environment):
    def join_path(self, template: str, parent: str) -> str:
        # A site template naming itself ({% extends "base.html" %} in base.html, to add a stylesheet)
        # means the bundled template it replaces, not itself without end.
        return f"!{template}" if template == parent else template


def _template_frame(tb: TracebackType | None, fallback: str) -> tuple[str, int | None]:
    # Jinja2 rewrites tracebacks so template lines appear as frames of the template file.
    found: tuple[str, int | None] = (fallback, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (_theme_path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _theme_path(filename: str) -> str:
    path = Path(filename)
    return f"templates/{path.name}" if path.is_absolute() else filename
