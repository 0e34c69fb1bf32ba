"""Hugo shortcodes and Liquid tags: those with a trendsite equivalent become Markdown, the rest stay and are listed.

Hugo and Jekyll run their tags everywhere in a file, code blocks included, before Markdown; so does this,
except in `{% raw %}` blocks and escaped shortcodes (`{{</* x */>}}`), which those tools show as written.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

# Resolves a reference to another file of the old site, (kind, target) with kind "ref" (Hugo's ref and
# relref), "post_url" or "link" (Jekyll's), to the link the converted report writes; None if unknown.
Resolve = Callable[[str, str], "str | None"]

_HUGO = re.compile(r"\{\{([<%])\s*(/?)\s*([\w./-]+)(.*?)\s*[>%]\}\}", re.S)
_HUGO_ESCAPED = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.S)
_HUGO_HIGHLIGHT = re.compile(r"\{\{([<%])\s*highlight\b(.*?)[>%]\}\}\n?(.*?)\n?\{\{[<%]\s*/highlight\s*[>%]\}\}", re.S)
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_LIQUID_OUTPUT = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
_LIQUID_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
_LIQUID_COMMENT = re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S)
_LIQUID_HIGHLIGHT = re.compile(r"\{%-?\s*highlight\b(.*?)-?%\}\n?(.*?)\n?\{%-?\s*endhighlight\s*-?%\}", re.S)
_LEFT_HUGO = re.compile(r"\{\{[<%].*?[>%]\}\}", re.S)
_LEFT_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_PARAM = re.compile(r'(?:(\w+)\s*=\s*)?(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|\'([^\']*)\'|(\S+))')
_FILTERED = re.compile(r"""^\s*(["'])(.*?)\1\s*\|\s*(?:relative_url|absolute_url|prepend:\s*site\.baseurl)\s*$""")
_SITE_ADDRESS = re.compile(r"^\s*site\.(?:baseurl|url|github\.url)\s*$")
_PROTECTED = re.compile("\ue000(\\d+)\n*\ue001")
_MAX_SHOWN = 80  # characters of a tag a message quotes


@dataclass
class Converted:
    """A body with the tags converted, what was converted (by name) and the tags left (line, tag)."""

    body: str
    conversions: Counter[str] = field(default_factory=Counter)
    leftovers: list[tuple[int, str]] = field(default_factory=list)


def convert_tags(body: str, syntax: str, resolve: Resolve, separators: tuple[str, ...] = ()) -> Converted:
    """Convert the tags of `syntax` ("hugo" or "liquid") in `body`; `separators` are summary dividers
    (<!--more-->) to remove. Lines of leftovers count from the body's first line, 1."""
    done = Converted(body)
    literal: list[str] = []

    def protect(text: str) -> str:
        literal.append(text)
        return f"\ue000{len(literal) - 1}" + "\n" * text.count("\n") + "\ue001"  # lines keep their numbers

    for separator in separators:
        if separator in body:
            done.conversions[separator.strip()] += body.count(separator)
            body = re.sub(rf"[ \t]*{re.escape(separator)}[ \t]*", "", body)
    if syntax == "hugo":
        body = _count(done, "escaped shortcode", _HUGO_ESCAPED,
                      lambda m: protect(f"{{{{{m.group(1)}{m.group(2)}{m.group(3)}}}}}"), body)
        body = _count(done, "highlight", _HUGO_HIGHLIGHT, lambda m: _fenced(body, m, _params(m.group(2))[0][:1], m.group(3)),
                      body)
        body = _HUGO.sub(lambda m: _hugo(m, resolve, done), body)
    else:
        body = _count(done, "raw", _LIQUID_RAW, lambda m: protect(m.group(1)), body)
        body = _count(done, "comment", _LIQUID_COMMENT, lambda m: "", body)
        body = _count(done, "highlight", _LIQUID_HIGHLIGHT, lambda m: _fenced(body, m, m.group(1).split()[:1], m.group(2)),
                      body)
        body = _LIQUID_TAG.sub(lambda m: _liquid(m, resolve, done), body)
        body = _LIQUID_OUTPUT.sub(lambda m: _output(m, done), body)
    kept = _LEFT_HUGO if syntax == "hugo" else _LEFT_LIQUID
    done.leftovers = [(body.count("\n", 0, m.start()) + 1, _shown(m.group(0))) for m in kept.finditer(body)]
    done.body = _PROTECTED.sub(lambda m: literal[int(m.group(1))], body)
    return done


def _count(done: Converted, name: str, pattern: re.Pattern, replace: Callable[[re.Match], str], body: str) -> str:
    body, count = pattern.subn(replace, body)
    if count:
        done.conversions[name] += count
    return body


def _fenced(body: str, match: re.Match, language: list[str], code: str) -> str:
    """Code as a fenced block, on lines of its own; its fence longer than any run of backticks inside."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    before = "" if match.start() == 0 or body[match.start() - 1] == "\n" else "\n"
    return f"{before}{fence}{(language or [''])[0].strip(chr(34))}\n{code.strip(chr(10))}\n{fence}"


def _params(text: str) -> tuple[list[str], dict[str, str]]:
    """A shortcode's positional and named parameters."""
    positional, named = [], {}
    for match in _PARAM.finditer(text):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        value = value.replace('\\"', '"')
        if match.group(1):
            named[match.group(1).lower()] = value
        else:
            positional.append(value)
    return positional, named


def _hugo(match: re.Match, resolve: Resolve, done: Converted) -> str:
    closing, name, (positional, named) = match.group(2), match.group(3), _params(match.group(4).rstrip("/ "))
    first = named.get("id") or named.get("src") or named.get("path") or (positional[0] if positional else "")
    made = None
    if closing or not first:
        return match.group(0)
    if name == "figure":
        made = _figure(first, named)
    elif name == "youtube":
        made = f"[{named.get('title') or 'Watch the video on YouTube'}](https://www.youtube.com/watch?v={first})"
    elif name == "vimeo":
        made = f"[{named.get('title') or 'Watch the video on Vimeo'}](https://vimeo.com/{first})"
    elif name == "gist" and len(positional) >= 2:
        made = f"[Gist {positional[0]}/{positional[1]}](https://gist.github.com/{positional[0]}/{positional[1]})"
    elif name in ("ref", "relref"):
        made = resolve("ref", first)
    if made is None:
        return match.group(0)
    done.conversions[name] += 1
    return made


def _figure(src: str, named: dict[str, str]) -> str:
    caption = named.get("caption", "").strip()
    title = named.get("title", "").strip()
    alt = named.get("alt") or caption or title or src.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    image = f"![{_bracketed(alt)}]({src}{' ' + _quoted(title) if title else ''})"
    if named.get("link"):
        image = f"[{image}]({named['link']})"
    return f"{image}\n\n*{caption}*" if caption else image


def _liquid(match: re.Match, resolve: Resolve, done: Converted) -> str:
    name, argument = match.group(1), match.group(2).strip()
    words = argument.split()
    first = words[0].strip("\"'") if words else ""
    made = None
    if not first or "{{" in argument:
        return match.group(0)
    if name in ("post_url", "link"):
        made = resolve(name, first)
    elif name == "gist":
        made = f"[Gist {first}](https://gist.github.com/{first})"
    elif name == "youtube":
        made = f"[Watch the video on YouTube]({first if '://' in first else 'https://www.youtube.com/watch?v=' + first})"
    elif name == "vimeo":
        made = f"[Watch the video on Vimeo]({first if '://' in first else 'https://vimeo.com/' + first})"
    if made is None:
        return match.group(0)
    done.conversions[name] += 1
    return made


def _output(match: re.Match, done: Converted) -> str:
    """Liquid's `{{ site.baseurl }}` and `{{ "/x" | relative_url }}`: trendsite puts links from the site's
    root under its base path itself."""
    inner = match.group(1)
    if _SITE_ADDRESS.match(inner):
        done.conversions[inner.strip()] += 1
        return ""
    filtered = _FILTERED.match(inner)
    if filtered:
        done.conversions["relative_url"] += 1
        return filtered.group(2)
    return match.group(0)


def _bracketed(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "&quot;") + '"'


def _shown(tag: str) -> str:
    tag = " ".join(tag.split())
    return tag if len(tag) <= _MAX_SHOWN else tag[:_MAX_SHOWN] + "…"
