"""Python-Markdown, giving the same HTML, without the steps that took time in the square of a block's
size; and a budget for the work it cannot avoid, after which a document is refused."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections import deque
from typing import Mapping

from markdown import util
from markdown.blockparser import BlockParser
from markdown.extensions.footnotes import FootnoteInlineProcessor
from markdown.inlinepatterns import ImageInlineProcessor, LinkInlineProcessor
from markdown.treeprocessors import InlineProcessor

# Three kinds of work grow with the square of a block's size in Python-Markdown, and no setting
# avoids them: it copies a paragraph's whole text each time a pattern matches in it; a block that
# its processors take apart one line at a time (footnote or abbreviation definitions with no blank
# line between) is offered whole to every processor again for each line; and each `[a](` scans
# for its closing parenthesis to the end of the paragraph. Each is counted in characters, weighted
# by what a character of it costs. A document may spend this much, plus this
# much per character of its body: real documents spend a few hundred per character, while 40,000
# `*a*` in one paragraph would spend fifteen billion.
WORK_FLOOR = 1_000_000_000
WORK_PER_CHAR = 2_000
COPY_WEIGHT = 4  # a character copied, three times over, in strings too long for the processor's caches
BLOCK_WEIGHT = 250  # a character of a block offered to every block processor
SCAN_WEIGHT = 1_000  # a character a link's address is looked for in, a step of a Python loop


class TooMuchWork(Exception):
    """One document needed more work than its budget; `text` is the paragraph or block it was in."""

    def __init__(self, text: str):
        super().__init__("too much work for one document")
        self.text = text


class Budget:
    """The work one document may still take, in weighted characters."""

    def __init__(self):
        self.left = WORK_FLOOR

    def start(self, body: str) -> None:
        """A fresh budget for `body`."""
        self.left = WORK_FLOOR + WORK_PER_CHAR * len(body)

    def spend(self, work: int, text: str) -> None:
        self.left -= work
        if self.left < 0:
            raise TooMuchWork(text)


class _Blocks:
    """The blocks left to parse, kept first-last: block processors take and put back blocks at the front
    of a list, which moved every block after it each time (a page of 100,000 short paragraphs took
    minutes). Supports what they use: truth, len, [i], pop(i) and insert(i, block)."""

    def __init__(self, blocks: list[str]):
        self._stack = blocks[::-1]

    def __bool__(self) -> bool:
        return bool(self._stack)

    def __len__(self) -> int:
        return len(self._stack)

    def __getitem__(self, index: int) -> str:
        return self._stack[-1 - index]

    def pop(self, index: int = -1) -> str:
        return self._stack.pop(-1 - (index if index >= 0 else len(self._stack) + index))

    def insert(self, index: int, block: str) -> None:
        self._stack.insert(len(self._stack) - index, block)


def linear_block_parsing(parser: BlockParser, budget: Budget) -> None:
    """Make `parser` keep its blocks in a _Blocks and spend the length of each block it offers."""

    # A Registry makes a new sorted list each time it is iterated, once per block; the set is fixed by now.
    processors = list(parser.blockprocessors)

    def parse_blocks(parent: etree.Element, blocks: list[str]) -> None:
        # BlockParser.parseBlocks, but for the two changes.
        left = _Blocks(blocks)
        while left:
            budget.spend(BLOCK_WEIGHT * len(left[0]), left[0])
            for processor in processors:
                if processor.test(parent, left[0]):
                    if processor.run(parent, left) is not False:
                        break

    parser.parseBlocks = parse_blocks


class _CountedScan:
    """getLink, spending the characters it looked through."""

    budget: Budget

    def getLink(self, data: str, index: int):
        found = super().getLink(data, index)
        self.budget.spend(SCAN_WEIGHT * (found[2] - index), data)
        return found


class CountedLink(_CountedScan, LinkInlineProcessor):
    def __init__(self, pattern: str, md, budget: Budget):
        super().__init__(pattern, md)
        self.budget = budget


class CountedImage(_CountedScan, ImageInlineProcessor):
    def __init__(self, pattern: str, md, budget: Budget):
        super().__init__(pattern, md)
        self.budget = budget


class LinearInline(InlineProcessor):
    """InlineProcessor without its steps that cost a whole block's length once per element in it, and
    without offering a text to patterns it lacks the characters of.

    Python-Markdown looks up each child's place in its parent with `list(parent).index(child)`, inserts
    elements one by one into the middle of their parent, takes the next element to visit from the front
    of a list and grows text by concatenation: each is linear, so a block of many elements (a long table,
    a page of short paragraphs, a paragraph of many links) took time in the square of its size. Here
    places are counted, children are placed by one slice assignment each, the queue is a deque and text
    pieces are joined once. Elements are visited in the same order and the tree comes out the same.
    """

    def __init__(self, md, budget: Budget, registry, needs: Mapping[str, tuple[str, ...]]):
        super().__init__(md)
        self.budget = budget
        # Python-Markdown indexes the registry once per pattern per text node, and a Registry checks its
        # order again on every lookup: the set is fixed once built, so a list does.
        self.inlinePatterns = [registry[i] for i in range(len(registry))]
        # needs: pattern name -> strings one of which any match of it holds. A text without them is not
        # offered to the pattern, which could only look through it in vain.
        found = {registry.get_index_for_name(name): re.compile("|".join(map(re.escape, strings)))
                 for name, strings in needs.items() if name in registry}
        self._needs = [found.get(index) for index in range(len(self.inlinePatterns))]

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        patterns, needs, apply = self.inlinePatterns, self._needs, self._InlineProcessor__applyPattern
        start = 0
        while patternIndex < len(patterns):
            need = needs[patternIndex]
            # From `start` on, where the pattern looks: after each of a paragraph's many matches, a
            # search of the whole text would take time in the square of its length.
            if need is None or need.search(data, start):
                data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
                if matched:
                    continue
            patternIndex += 1
            start = 0
        return data

    def _InlineProcessor__applyPattern(self, pattern, data: str, patternIndex: int, startIndex: int = 0):
        found = super()._InlineProcessor__applyPattern(pattern, data, patternIndex, startIndex)
        if found[0] is not data:  # a match became a placeholder in a new copy of the whole text
            self.budget.spend(COPY_WEIGHT * len(found[0]), data)
        return found

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        # Python-Markdown keeps a map of every element's parent only to find the ancestors of `tree`, the root.
        self.parent_map = {}
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        handle = self._InlineProcessor__handleInline
        prefix = util.INLINE_PLACEHOLDER_PREFIX
        stack = deque([(tree, tree_parents)])
        while stack:
            current, parents = stack.popleft()
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            filled = []
            visit = deque(current)
            kept = []
            while visit:
                child = visit.popleft()
                kept.append(child)
                text = child.text
                if text and not isinstance(text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    child.text = text = handle(text)
                    if prefix in text:  # most texts hold no element: they stay as they are
                        child.text = None
                        made = self._placeholders(text, child)
                        stack.extend(made)
                        filled.append((child, made))
                    self.ancestors.pop()
                if child.tail:
                    child.tail = tail = handle(child.tail)
                    if prefix in tail:
                        holder = etree.Element("d")
                        made = self._placeholders(tail, holder, False)
                        child.tail = holder.tail
                        # Python-Markdown inserts these after the child and visits them next.
                        visit.extendleft(reversed([element for element, _ in made]))
                if len(child):
                    stack.append((child, self.ancestors[:]))
            current[:] = kept
            for element, made in filled:
                element[:0] = [child for child, _ in made]
        return tree

    def _placeholders(self, data: str, parent: etree.Element, is_text: bool = True
                      ) -> list[tuple[etree.Element, list[str]]]:
        """InlineProcessor.__processPlaceholders: the elements `data`'s placeholders stand for, each
        with its ancestors, the text between them set as the parent's text (or tail) and their tails."""
        result: list[tuple[etree.Element, list[str]]] = []
        pieces: list[str] = []

        def flush() -> None:
            # Where Python-Markdown appends each piece as it comes: after the last element, else to the parent.
            if not pieces:
                return
            text = pieces[0] if len(pieces) == 1 else "".join(pieces)
            pieces.clear()
            target, name = (result[-1][0], "tail") if result else (parent, "text" if is_text else "tail")
            before = getattr(target, name)
            setattr(target, name, before + text if before else text)

        start = 0
        stashed = self.stashed_nodes
        for match in util.INLINE_PLACEHOLDER_RE.finditer(data) if data else ():
            node = stashed.get(match.group(1))
            if node is None:  # not one of ours: kept as text
                continue
            if match.start() > start:
                pieces.append(data[start:match.start()])
            if isinstance(node, str):
                if node:
                    pieces.append(node)
            else:
                flush()
                self._fill(node)
                result.append((node, self.ancestors[:]))
            start = match.end()
        text = data[start:] if data else ""
        if text:
            pieces.append(util.AtomicString(text) if isinstance(data, util.AtomicString) else text)
        flush()
        return result

    def _fill(self, node: etree.Element) -> None:
        """Turn the placeholders in a stashed element's text and tail, and its children's, into elements."""
        own_tail: list[etree.Element] = []
        own_text: list[etree.Element] = []
        rest: list[etree.Element] = []
        for child in [node, *node]:
            if child is not node:
                rest.append(child)
            if child.tail and child.tail.strip():
                tail, child.tail = child.tail, None
                made = [element for element, _ in self._placeholders(tail, child, False)]
                (own_tail if child is node else rest).extend(made)
            if child.text and child.text.strip():
                text, child.text = child.text, None
                made = [element for element, _ in self._placeholders(text, child)]
                if child is node:
                    own_text = made
                else:
                    child[:0] = made
        node[:] = own_text + own_tail + rest


class LinearFootnotes(FootnoteInlineProcessor):
    """Footnote references, numbered in definition order (the extension's default) from a table made once
    per document. The extension lists every footnote to number each reference, looks through every
    earlier one to record its order, and tries fnref2, fnref3 ... in turn for each repeat of one:
    100,000 footnotes took minutes."""

    def __init__(self, pattern: str, footnotes):
        super().__init__(pattern, footnotes)
        self._numbered: object = None  # the footnotes mapping `_numbers` was made from
        self._numbers: dict[str, int] = {}
        self._ordered: set[str] = set()

    def handleMatch(self, m: re.Match[str], data: str):
        footnotes = self.footnotes
        name = m.group(1)
        if name not in footnotes.footnotes:
            return None, None, None
        if self._numbered is not footnotes.footnotes or len(self._numbers) != len(footnotes.footnotes):
            self._numbered = footnotes.footnotes  # a new document, or a footnote defined in a footnote
            self._numbers = {key: number for number, key in enumerate(footnotes.footnotes, 1)}
            self._ordered = set(footnotes.footnote_order)
        if name not in self._ordered:
            self._ordered.add(name)
            footnotes.footnote_order.append(name)
        first = footnotes.makeFootnoteRefId(name)
        seen = footnotes.found_refs.get(first, 0)
        footnotes.found_refs[first] = seen + 1
        # The n-th reference to a footnote is the first free one of fnref:, fnref2:, fnref3: ..., and
        # only references to this footnote take those.
        reference = first.replace("fnref", f"fnref{seen + 1}", 1) if seen else first
        footnotes.used_refs.add(reference)
        sup = etree.Element("sup")
        sup.set("id", reference)
        link = etree.SubElement(sup, "a")
        link.set("href", "#" + footnotes.makeFootnoteId(name))
        link.set("class", "footnote-ref")
        link.text = footnotes.getConfig("SUPERSCRIPT_TEXT").format(self._numbers[name])
        return sup, m.start(0), m.end(0)
