"""GitHub-style alerts: a quote opening with `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]`
(as GitHub, Obsidian and Hugo render them) becomes the same box as an `!!! note` admonition, so the theme
styles both alike. Obsidian's title after the marker (`> [!TIP] Before you start`) is kept.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

KINDS = {"note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning", "caution": "Caution"}
_MARKER = re.compile(r"\[!(note|tip|important|warning|caution)\][ \t]*([^\n]*)(?:\n|\Z)", re.I)


class Callouts(Treeprocessor):
    """Runs before inline Markdown, on the quotes at the top of the body, as GitHub does."""

    def run(self, root: etree.Element) -> None:
        for quote in root.findall("blockquote"):
            # Python-Markdown joins quotes that only a blank line parts; GitHub keeps each alert apart.
            groups: list[list[etree.Element]] = []
            for child in quote:
                if not groups or _marker(child) is not None:
                    groups.append([])
                groups[-1].append(child)
            if not any(_marker(group[0]) for group in groups):
                continue
            at = list(root).index(quote)
            root.remove(quote)
            for offset, group in enumerate(groups):
                root.insert(at + offset, _callout(group))
            root[at + len(groups) - 1].tail = quote.tail


def _marker(element: etree.Element) -> re.Match | None:
    if element.tag != "p" or not element.text:
        return None
    return _MARKER.match(element.text.lstrip())


def _callout(children: list[etree.Element]) -> etree.Element:
    """A callout box of the children when the first opens with a marker, else a quote of them."""
    found = _marker(children[0])
    box = etree.Element("blockquote" if found is None else "div")
    box.extend(children)
    if found is None:
        return box
    kind = found.group(1).lower()
    box.set("class", f"admonition {kind}")
    first = children[0]
    first.text = first.text.lstrip()[found.end():]
    if not first.text.strip() and not len(first):
        box.remove(first)
    title = etree.Element("p", {"class": "admonition-title"})
    title.text = found.group(2).strip() or KINDS[kind]
    box.insert(0, title)
    return box
