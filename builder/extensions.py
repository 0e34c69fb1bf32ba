"""The Python-Markdown extensions a site adds with `markdown_extensions`: read, tried and named in errors."""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
from types import TracebackType
from typing import Any, Mapping

import markdown

# What markup.py sets up itself, with settings of its own that another copy would undo.
BUILT_IN = ("extra", "toc", "smarty", "admonition", "codehilite", "sane_lists", "pymdownx.mark")
_SAMPLE = "# Heading\n\nSome *text* with `code`, a [link](x.md) and ~~marks~~.\n\n- a list\n"

Extensions = tuple[tuple[str, Mapping[str, Any]], ...]


def read_extensions(value: Any) -> tuple[Extensions, list[tuple[str, str]]]:
    """The setting as (name, settings) pairs, and (message, hint) for each problem: it is a list of names,
    or of one-name tables of settings, as MkDocs writes them (`["abbr", {"pymdownx.tilde" = {...}}]`)."""
    if not isinstance(value, list):
        return (), [(f"markdown_extensions must be a list of extension names, got {value!r}",
                     'for example markdown_extensions = ["pymdownx.tilde"]')]
    found: list[tuple[str, Mapping[str, Any]]] = []
    problems = []
    for number, item in enumerate(value, 1):
        if isinstance(item, str):
            name, settings = item, {}
        elif isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item.values())), dict):
            name, settings = next(iter(item.items()))
        else:
            problems.append((f"markdown_extensions item {number} must be a name or a table of one name and its "
                             f"settings, got {item!r}", 'for example {"pymdownx.tilde" = {subscript = false}}'))
            continue
        wrong = _problem(name, settings, [n for n, _ in found])
        if wrong:
            problems.append(wrong)
        else:
            found.append((name, settings))
    return tuple(found), problems


def _problem(name: str, settings: Mapping[str, Any], before: list[str]) -> tuple[str, str] | None:
    """What is wrong with adding extension `name` with `settings`, tried on a sample text; None if nothing."""
    if name in BUILT_IN or name.removeprefix("markdown.extensions.") in BUILT_IN:
        return (f"the Markdown extension {name!r} is one trendsite sets up itself",
                "remove it from markdown_extensions: it is on already")
    if name in before:
        return f"the Markdown extension {name!r} is listed twice", "keep one, with all its settings"
    try:
        markdown.Markdown(extensions=[name], extension_configs={name: dict(settings)}).convert(_SAMPLE)
    except (ImportError, AttributeError) as exc:
        return (f"the Markdown extension {name!r} cannot be loaded: {exc}",
                "check its name, and install its package with pip where trendsite is installed")
    except KeyError as exc:
        return (f"the Markdown extension {name!r} has no setting {exc}",
                "check the setting's name in the extension's documentation")
    except Exception as exc:  # an extension may raise anything; the message is for the person configuring it
        return (f"the Markdown extension {name!r} fails with these settings: {type(exc).__name__}: {exc}",
                "check its settings against the extension's documentation")
    return None


@functools.cache  # the code a process runs does not change under it
def extensions_digest(extensions: tuple[str, ...]) -> str:
    """A digest of the named extensions' code (their module's bytes and their package's version), so that
    upgrading one renders the reports again."""
    h = hashlib.blake2b(digest_size=16)
    for name in extensions:
        module = _module_name(name)
        spec = importlib.util.find_spec(module) if module else None
        if spec is not None and spec.origin and spec.has_location:
            with open(spec.origin, "rb") as handle:
                h.update(handle.read())
        for distribution in importlib.metadata.packages_distributions().get(module.split(".")[0], ()):
            h.update(f"{distribution}={importlib.metadata.version(distribution)}".encode())
    return h.hexdigest()


def failing_extension(tb: TracebackType | None, extensions: Extensions) -> str | None:
    """The extension whose code raised the exception of traceback `tb` (its innermost frame), or None."""
    modules = {_module_name(name): name for name, _ in extensions}
    found = None
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        found = next((name for prefix, name in modules.items() if module == prefix or module.startswith(prefix + ".")),
                     found)
        tb = tb.tb_next
    return found


def _module_name(name: str) -> str:
    """The module an extension name loads: "mod:Class" names a class of mod; Python-Markdown's own go by
    their short name."""
    module = name.split(":", 1)[0]
    if "." not in module and importlib.util.find_spec(f"markdown.extensions.{module}") is not None:
        return f"markdown.extensions.{module}"
    return module
