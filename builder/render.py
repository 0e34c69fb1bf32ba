"""The Jinja2 environment and page rendering; no disk writes happen here."""
from __future__ import annotations

import functools
import hashlib
import importlib.util
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from types import CodeType, TracebackType
from typing import Hashable, Sequence
from urllib.parse import quote, urljoin, urlsplit

import jinja2
import jinja2.runtime
from jinja2 import meta, nodes
from markupsafe import Markup

from .errors import BuildError, Problem, unexpected
from .languages import Language
from .model import Page, SiteConfig
from .trends import sparkline

_PAGES_SHOWN = 3  # pages a problem names before "and N more"


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
    """Renders Pages with the theme in the site's language; holds the Jinja2 environment, which is costly to build."""

    def __init__(self, config: SiteConfig, dirs: tuple[Path, ...], static: dict[str, StaticFile], language: Language,
                 compiled: Path | None = None):
        """`compiled`: a folder to keep compiled templates in, so a process renders without compiling them."""
        self.config = config
        self.static_files = static
        self.language = language
        self._dirs = dirs
        self.env = _ThemeEnvironment(
            loader=_ThemeLoader(dirs),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.i18n"],
            bytecode_cache=_CompiledTemplates(str(compiled)) if compiled is not None else None,
        )
        # Newstyle: _("...", name=value) fills %(name)s placeholders, escaping the values and not the
        # translation, which may hold markup (a link in a sentence).
        self.env.install_gettext_callables(language.translations.gettext, language.counted, newstyle=True)
        self.env.globals.update(site=config, url=self.url, absolute_url=self.absolute_url, static=self.static,
                                memo=self.memo, direction=language.direction)
        self.env.filters.update(format_date=language.date, format_number=language.number, format_month=language.month,
                                format_percent=language.percent, sparkline=sparkline)
        # Rendered fragments: (macro, its arguments' values) -> the Markup. Those not used since the
        # last forget_unused() are kept one more build.
        self._fragments: dict[tuple, Markup] = {}
        self._unused: dict[tuple, Markup] = {}
        self._pure: dict[CodeType, bool] = {}  # a macro's code -> whether it reads its arguments alone

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

        For fragments most pages share, such as a report's card. Kept only when its output is known to
        depend on the arguments' values alone: the macro reads nothing but its arguments, the globals
        (site, url...) and macros of its file that do the same, never the page it is called from (a
        macro imported `with context` could read `page`); and each argument is a value (see _value_key).
        Otherwise the macro is just called.
        """
        # Jinja2 offers no public link from a Macro to its definition: its function's code is one per
        # macro of a template, and the template's name is a global of the module compiled from it.
        code = macro._func.__code__
        pure = self._pure.get(code)
        if pure is None:
            pure = self._pure[code] = _reads_arguments_alone(self.env, macro._func.__globals__["name"], macro.name)
        try:
            key = (code, *map(_value_key, args)) if pure else None
        except TypeError:
            key = None
        if key is None:
            return macro(*args)
        known = self._fragments.get(key)
        if known is None:
            known = self._unused.pop(key, None)
            if known is None:
                known = macro(*args)
            self._fragments[key] = known
        return known

    def forget_unused(self) -> None:
        """Drop the fragments no page used since the last call, so a long `serve` does not grow."""
        self._unused, self._fragments = self._fragments, {}

    def render(self, page: Page) -> str:
        """The page's HTML; any failure becomes a BuildError naming the template file and line, and the page."""
        try:
            return self.html(page)
        except Exception as exc:
            raise BuildError([on_pages(self.failure(exc, page.template), [self.url(page.url)])]) from None

    def html(self, page: Page) -> str:
        """The page's HTML; raises whatever went wrong (see failure)."""
        return self.env.get_template(page.template).render(page=page, **page.context)

    def failure(self, exc: Exception, template: str) -> Problem:
        """The problem an exception raised by html() is: the template file and line, what is wrong, the fix."""
        if isinstance(exc, jinja2.TemplateSyntaxError):
            return Problem(self._shown(exc.filename) if exc.filename else template, exc.lineno,
                           f"template syntax error: {exc.message}")
        frames = _template_frames(exc.__traceback__)
        path, line = (self._shown(frames[-1][0]), frames[-1][1]) if frames else (template, None)
        if isinstance(exc, jinja2.TemplateNotFound):
            where = "the bundled theme" if exc.name.startswith("!") else "templates/ or the bundled theme"
            return Problem(path, line, f"there is no template {exc.name.lstrip('!')!r} in {where}",
                           "check the name; \"!name.html\" is the bundled template of that name")
        if isinstance(exc, jinja2.TemplateError):
            return Problem(path, line, f"template error: {exc}",
                           "check the variable names against the template context")
        loop = self._loop(frames) if isinstance(exc, RecursionError) else None
        if loop is not None:
            return loop
        if path.startswith("templates/"):  # an expression of the site's own template failed
            return replace(unexpected(path, exc, line, "template error"), hint="check the expression on this line")
        return unexpected(path, exc, line, "could not be rendered")

    def _loop(self, frames: list[tuple[str, int]]) -> Problem | None:
        """The problem of templates that extend, include or call each other without end, if that is what
        the frames of a RecursionError show."""
        names = [name for name, _ in frames]
        if len(names) < 2 or names.count(names[-1]) < 2:
            return None
        files = [name for n, name in enumerate(names) if n == 0 or names[n - 1] != name]
        before = [n for n, name in enumerate(files[:-1]) if name == files[-1]]
        ring = files[before[-1] + 1:] if before else files[-1:]
        first = min(ring, key=files.index)  # told from the template the page reached first
        ring = ring[ring.index(first):] + ring[:ring.index(first)]
        line = next(line for name, line in frames if name == ring[0])
        shown = [self._shown(name) for name in ring]
        if len(ring) == 1:
            return Problem(shown[0], line, "this template calls itself without end (a macro calling itself, "
                           "or an include of itself)", "call it only under a condition that eventually stops")
        return Problem(shown[0], line, "templates extend or include each other in a loop: "
                       + " -> ".join(shown + shown[:1]),
                       'to extend the bundled template of the same name, write {% extends "!name.html" %}')

    def _shown(self, filename: str) -> str:
        """A template file as problems name it: site templates by their path in the site, bundled ones in full."""
        path = Path(filename)
        if len(self._dirs) > 1 and path.is_relative_to(self._dirs[0]):
            return f"templates/{path.relative_to(self._dirs[0]).as_posix()}"
        return filename


def on_pages(problem: Problem, urls: Sequence[str]) -> Problem:
    """The problem, saying which pages it stopped: the first few and how many more."""
    shown = ", ".join(urls[:_PAGES_SHOWN])
    more = f" and {len(urls) - _PAGES_SHOWN} more pages" if len(urls) > _PAGES_SHOWN else ""
    return replace(problem, message=f"{problem.message}, rendering {shown}{more}")


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


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja2 checks each template's source against what was compiled; a folder that cannot be written
    costs the compiling, never the page."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


class _ThemeEnvironment(jinja2.Environment):
    def join_path(self, template: str, parent: str) -> str:
        # A site template naming itself ({% extends "base.html" %} in base.html, to add a stylesheet)
        # means the bundled template it replaces, not itself without end.
        return f"!{template}" if template == parent else template


def _value_key(value: object) -> Hashable:
    """What stands for `value` in a memo key: strings, numbers, dates and None by type and value, tuples by
    their items, the pipeline's frozen records (Card, TopicRef...) by the values of their fields, and a
    mapping or list inside one by its items. TypeError for anything else, such as a list a template made
    and passed, which may change between two calls."""
    if value is None or isinstance(value, (str, int, float, date)):
        return (type(value), value)  # True and 1 render differently
    if type(value) is tuple:
        return (tuple, *map(_value_key, value))
    params = getattr(type(value), "__dataclass_params__", None)
    if params is not None and params.frozen:
        return (type(value), *(_field_key(getattr(value, name)) for name in _field_names(type(value))))
    raise TypeError(f"{type(value).__name__} is not a value")


def _field_key(value: object) -> Hashable:
    """_value_key of a record's field: front matter's mappings and lists are its values, never changed."""
    if isinstance(value, dict):
        return (dict, *sorted((repr(k), _field_key(v)) for k, v in value.items()))
    if isinstance(value, list):
        return (list, *map(_field_key, value))
    return _value_key(value)


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def _reads_arguments_alone(env: jinja2.Environment, template: str, name: str) -> bool:
    """Whether macro `name` of `template` reads nothing but its arguments, the environment's globals and
    macros of the same template that do the same."""
    tree = env.parse(env.loader.get_source(env, template)[0])
    macros = {node.name: node for node in tree.body if isinstance(node, nodes.Macro)}
    # A name the template sets (at the top, it may come from the page, imported with context) hides a global.
    stored = {node.name for node in tree.find_all(nodes.Name) if node.ctx == "store"}
    stored |= {node.target for node in tree.find_all(nodes.Import)}
    stored |= {n if isinstance(n, str) else n[1] for node in tree.find_all(nodes.FromImport) for n in node.names}
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in macros or sum(1 for m in tree.find_all(nodes.Macro) if m.name == current) != 1:
            return False  # not a macro of this template's top level, or not one alone
        alone = nodes.Template([macros[current]])
        alone.set_environment(env)
        for free in meta.find_undeclared_variables(alone):
            if free in macros or free in stored or free not in env.globals:
                todo.append(free)
    return True


def _template_frames(tb: TracebackType | None) -> list[tuple[str, int]]:
    """(file, line) of each template frame of a traceback, outermost first."""
    # Jinja2 rewrites tracebacks so template lines appear as frames of the template file.
    found = []
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found.append((filename, tb.tb_lineno))
        tb = tb.tb_next
    return found
