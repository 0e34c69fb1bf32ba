"""The prose of a report, outside code, and what other site generators left in it."""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from .errors import Problem, warning
from .model import Source

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")  # indented too, as in a list
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")
# Hugo shortcodes ({{< x >}}, {{% x %}}) and Liquid tags ({% x %}, {{ x }}): other generators run
# them, Markdown shows them as typed.
_TEMPLATE_TAG = re.compile(r"\{\{([<%]).*?[>%]\}\}|\{%.*?%\}|\{\{.*?\}\}")
_TAG_OPENING = re.compile(r"\{[{%]")
_SHOWN = 60  # characters of a tag a message quotes


def prose_lines(lines: Iterable[str], first: int) -> Iterator[tuple[int, str]]:
    """(line number, text) of the body lines outside fenced code, with inline code left out;
    `first` is the number of the first line."""
    fence = ""
    for number, line in enumerate(lines, first):
        opening = _FENCE.match(line)
        if fence:
            # A fence closes with the same character, at least as many times, and nothing else.
            if opening and opening.group(1).startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
        elif opening:
            fence = opening.group(1)
        else:
            yield number, _CODE_SPAN.sub("", line)


def template_tags(source: Source, body_line: int) -> list[Problem]:
    """A warning for each body line holding a Hugo shortcode or a Liquid tag outside code."""
    text = source.text
    # Most reports hold no tag: a search for one brace (memchr) and then the regex rule them out
    # at a fraction of the cost of searching for "{{" and "{%".
    if "{" not in text or not _TAG_OPENING.search(text):
        return []
    found = []
    for number, line in prose_lines(text.split("\n")[body_line - 1:], body_line):
        tag = _TEMPLATE_TAG.search(line)
        if tag is None:
            continue
        kind, tool = ("a Hugo shortcode", "Hugo") if tag.group(1) else ("a Liquid tag", "Liquid")
        shown = tag.group(0) if len(tag.group(0)) <= _SHOWN else tag.group(0)[:_SHOWN] + "…"
        found.append(warning(f"content/{source.rel}", number,
                             f"{kind} '{shown}' is shown as typed: trendsite does not run {tool}",
                             "write it in Markdown, as a link or an image, or put it in `backticks` to show it "
                             "as code"))
    return found
