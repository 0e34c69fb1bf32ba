"""Markdown to HTML: the one place Python-Markdown is configured."""
from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .extensions import BUILT_IN, Extensions, failing_extension
from .linear import (Budget, CountedImage, CountedLink, LinearFootnotes, LinearInline, TooMuchWork,
                     linear_block_parsing)
from .callouts import Callouts
from .charts import ChartBlocks
from .figures import Figures
from .load import ReportFiles
from .media import MediaError, MediaLog
from .model import Heading
from .store import Made
from .urls import slugify

SUMMARY_WORDS = 50
# Links with these schemes can run script in the reader's browser.
_UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data(?!:image/(png|gif|jpe?g|webp);)):", re.I)
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_TAG = re.compile(r"<[^>]+>")
# The "#" link toc puts in every heading: the site shows it on hover, text and feeds leave it out.
HEADING_LINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>')
# Marks that are not part of the prose: heading links, footnote numbers and their back links.
# A chart's drawing too: its words are its axes' ticks, and its data is in the table below it.
_NOT_TEXT = re.compile(HEADING_LINK.pattern
                       + r'|<a class="footnote-backref"[^>]*>.*?</a>|<sup id="fnref[^"]*">.*?</sup>'
                       + r'|<svg class="chart-svg".*?</svg>')
# Phrasing elements sit inside a word or next to its punctuation ("[Ofcom](…), the"): dropped without a space.
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
                         r"|strong|sub|sup|time|u|var)\b[^>]*>")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
# Ids the default theme's report page gives its own elements (tests/test_site.py checks the list): a heading
# "## Main" must not take the skip link's target, nor "## Explore more" that section's.
PAGE_IDS = frozenset({"main", "explore-more", "highlights-switch", "report-highlights", "report-toc-title",
                      "theme-toggle", "site-search-input", "site-search-status", "site-search-panel",
                      "site-search-results"})
# Python-Markdown recurses once per level of nesting and slows sharply past a hundred levels
# (500 nested lists: 18 s, then RecursionError; 10,000 nested brackets: 43 s), while no real
# report nests past a handful. Deeper bodies are refused before parsing.
MAX_NESTING = 32
_DEEP_PREFIX = re.compile(r"^[ \t>]{%d,}" % (MAX_NESTING + 1), re.M)  # a quick filter: depth <= length
_BRACKET_OR_BLANK = re.compile(r"[\[\]]|\n[ \t]*\n")


# C0 and C1 controls but tab and newline, lone surrogates and noncharacters: HTML forbids them, XML (feeds)
# too, UTF-8 cannot encode a surrogate, and Python-Markdown takes \x02...\x03 for its own placeholders.
# Text pasted from a PDF or a terminal has controls; only a YAML escape ("\ud800") makes a surrogate.
_NONCHARACTERS = "".join(chr(plane + last) for plane in range(0, 0x110000, 0x10000) for last in (0xfffe, 0xffff))
NOT_TEXT_CHARS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")


class MarkupError(Exception):
    """A body trendsite will not render; `line` counts from the body's first line, 1."""

    def __init__(self, line: int, message: str, hint: str):
        super().__init__(f"{message} at line {line} of the body")
        self.line, self.message, self.hint = line, message, hint


class NestingError(MarkupError):
    """A body nested deeper than MAX_NESTING."""

    def __init__(self, line: int):
        super().__init__(line, f"the Markdown is nested too deeply to render (more than {MAX_NESTING} levels)",
                         "reduce the levels of nested lists, quotes or brackets")


@dataclass(frozen=True)
class Rendered:
    """What the Markdown stage gives for one report body."""

    html: str
    headings: tuple[Heading, ...]
    first_paragraph: str
    text: str
    word_count: int
    media: MediaLog  # files made for it, warnings and its pictures (media.py)


class _DropScriptUrls(Treeprocessor):
    """Removes javascript: and similar URLs from links and images written in Markdown, and event
    handlers set with attribute lists (`{: onclick="..." }`), which would run script as raw HTML would."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in [name for name in element.attrib if name.lower().startswith("on")]:
                del element.attrib[attribute]
            for attribute in ("href", "src"):
                value = element.get(attribute)
                # Browsers decode character references in attributes ("&#106;avascript:", "&colon;"),
                # then ignore control characters and spaces inside a scheme: "java\tscript:".
                if value is not None and _UNSAFE_SCHEME.match(
                        re.sub(r"[\x00-\x20]", "", html_lib.unescape(value))):
                    del element.attrib[attribute]


def plain_text(html: str) -> str:
    """The words of an HTML fragment as a reader says them, whitespace folded."""
    html = _INLINE_TAG.sub("", _NOT_TEXT.sub("", html))
    return " ".join(html_lib.unescape(_TAG.sub(" ", html)).split())


class _SmartyPass(LinearInline):
    """Smarty's inline pass, minus the work that cannot change anything.

    Smarty tries 18 patterns on every text node, which was half the cost of rendering a report.
    A pattern cannot match text that lacks the quote, dash or dots it replaces, and a node without
    any of them is left as it is, so both are skipped: the output is the same, byte for byte.
    """

    _ANY = re.compile(r"""['"]|--|\.\.\.""")

    def __init__(self, md: markdown.Markdown, registry, budget: Budget):
        super().__init__(md, budget)
        self.inlinePatterns = _frozen(registry)
        self._needs = {}  # pattern -> the strings, one of which it needs; unknown patterns always run
        for name, needs in (("smarty-em-dashes", ("--",)), ("smarty-en-dashes", ("--",)),
                            ("smarty-ellipses", ("...",))):
            if name in registry:
                self._needs[registry[name]] = needs
        for index in range(len(registry)):
            name = f"smarty-quotes-{index}"
            if name in registry:
                self._needs[registry[name]] = tuple(q for q in "'\"" if q in registry[name].pattern)

    # InlineProcessor's private methods, overridden by their mangled names.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if not isinstance(data, AtomicString) and not self._ANY.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)

    def _InlineProcessor__applyPattern(self, pattern, data: str, patternIndex: int, startIndex: int = 0):
        needs = self._needs.get(pattern)
        # From startIndex on, where the pattern looks: scanning all of `data` after every match of a
        # paragraph's many quotes took time in the square of its length.
        if needs is not None and not any(data.find(n, startIndex) >= 0 for n in needs):
            return data, False, 0  # what InlineProcessor returns when the pattern does not match
        return super()._InlineProcessor__applyPattern(pattern, data, patternIndex, startIndex)


def _frozen(registry) -> list:
    # The inline passes index their pattern registry once per pattern per text node, and a
    # Registry re-checks its sort order on every lookup; the set is fixed once built, so a list does.
    return [registry[i] for i in range(len(registry))]


def _heading_id(title: str) -> str:
    slug = slugify(title) or "section"
    return f"{slug}-section" if slug in PAGE_IDS else slug


# The titles of a heading's "#" link and of a footnote's way back ("{}": its number); prepare.py passes them
# in the site's language.
TITLES = ("Link to this section", "Jump back to footnote {} in the text")


def _create(safe: bool, budget: Budget, extensions: Extensions = (), titles: tuple[str, str] = TITLES
            ) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=[*BUILT_IN, *(name for name, _ in extensions)],
        extension_configs={
            **{name: dict(settings) for name, settings in extensions},
            "codehilite": {"css_class": "codehilite", "guess_lang": False},
            "extra": {"footnotes": {"BACKLINK_TITLE": titles[1]}},
            "toc": {"permalink": "#", "permalink_title": titles[0],
                    "slugify": lambda value, separator: _heading_id(value), "toc_depth": "2-3"},
            "smarty": {"smart_angled_quotes": False},
        },
        output_format="html",
    )
    if safe:
        # Treat raw HTML as text, as Hugo does by default: it shows up escaped instead of running.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After inline processing (priority 20), when every link exists as an element.
        md.treeprocessors.register(_DropScriptUrls(md), "trendsite_drop_script_urls", 1)
    md.treeprocessors.register(_SmartyPass(md, md.treeprocessors["smarty"].inlinePatterns, budget), "smarty", 6)
    footnotes = md.inlinePatterns["footnote"]
    # The priorities Python-Markdown and its footnotes extension give these patterns.
    md.inlinePatterns.register(LinearFootnotes(footnotes.pattern, footnotes.footnotes), "footnote", 175)
    md.inlinePatterns.register(CountedLink(md.inlinePatterns["link"].pattern, md, budget), "link", 160)
    md.inlinePatterns.register(CountedImage(md.inlinePatterns["image_link"].pattern, md, budget), "image_link", 150)
    linear_block_parsing(md.parser, budget)
    md.preprocessors.register(ChartBlocks(md), "trendsite_charts", 27)  # before fenced code takes the blocks
    md.treeprocessors.register(Callouts(md), "trendsite_callouts", 25)  # before inline Markdown
    md.treeprocessors.register(Figures(md), "trendsite_figures", 7.5)  # after attribute lists, before smart quotes
    inline = LinearInline(md, budget)
    inline.inlinePatterns = _frozen(md.inlinePatterns)
    md.treeprocessors.register(inline, "inline", 20)
    return md


class MarkdownRenderer:
    """A reusable converter: building Python-Markdown once and resetting it is much cheaper."""

    def __init__(self, unsafe_html: bool = False, extensions: Extensions = (), titles: tuple[str, str] = TITLES):
        self._budget = Budget()
        self._md = _create(safe=not unsafe_html, budget=self._budget, extensions=extensions, titles=titles)
        self._extensions = extensions  # the site's own (markdown_extensions)

    def render(self, body: str, files: ReportFiles | None = None, made: Made | None = None) -> Rendered:
        """Return the body's HTML, headings for a table of contents, plain text and word count;
        raise MarkupError for a body too deeply nested or too densely marked up to render in time.

        Extensions find `files`, which reads the files beside the report that the body uses, as md.files,
        and `made`, the store of what they make from other values (a chart's SVG), as md.made."""
        body = NOT_TEXT_CHARS.sub("", body)
        line = nesting_line(body)
        if line is not None:
            raise NestingError(line)
        md = self._md
        md.reset()
        md.files = files
        md.made = made
        md.media = MediaLog(body=body)
        self._budget.start(body)
        try:
            html = md.convert(body)
        except MediaError as error:
            raise MarkupError(error.line, error.message, error.hint) from None
        except TooMuchWork as error:
            raise MarkupError(_line_of(error.text, body), "this paragraph or block has more markup than trendsite "
                              "renders in reasonable time (Python-Markdown slows with the square of its length)",
                              "split it with blank lines into shorter paragraphs, or put long runs of symbols "
                              "in a code block") from None
        except Exception as error:
            # A site's own extension is code trendsite does not know: its failure is named, not called a bug.
            name = failing_extension(error.__traceback__, self._extensions)
            if name is None:
                raise
            raise MarkupError(1, f"the Markdown extension {name!r} failed: {type(error).__name__}: {error}",
                              "fix the text it stumbles on, or remove it from markdown_extensions") from None
        headings = tuple(_flatten(md.toc_tokens))
        text = plain_text(html)
        # The first paragraph with words: one holding only an image would leave cards without a teaser.
        first = next((words for p in _FIRST_PARAGRAPH.finditer(html) if (words := plain_text(p.group(1)))), "")
        return Rendered(html=html, headings=headings, first_paragraph=first, text=text,
                        word_count=len(_WORD.findall(text)), media=md.media)


def _line_of(text: str, body: str) -> int:
    """The body line (from 1) where `text`, a paragraph's text as Python-Markdown holds it, starts."""
    words = re.sub(r"\x02[^\x03]*\x03", "\n", text).strip().split("\n", 1)[0][:40]
    found = body.find(words) if words else -1
    return body.count("\n", 0, found) + 1 if found >= 0 else 1


def nesting_line(body: str) -> int | None:
    """The first line (from 1) where quotes, lists or brackets nest deeper than MAX_NESTING, else None."""
    for match in _DEEP_PREFIX.finditer(body):
        prefix = match.group(0)
        levels = prefix.count(">") + len(prefix.replace(">", "").expandtabs(4)) // 4
        if levels > MAX_NESTING:
            return body.count("\n", 0, match.start()) + 1
    if body.count("[") > MAX_NESTING:
        depth = 0
        for match in _BRACKET_OR_BLANK.finditer(body):
            token = match.group(0)
            depth = depth + 1 if token == "[" else max(depth - 1, 0) if token == "]" else 0
            if depth > MAX_NESTING:
                return body.count("\n", 0, match.start()) + 1
    return None


def _flatten(tokens) -> list[Heading]:
    out = []
    for token in tokens:
        out.append(Heading(level=token["level"], id=token["id"], title=_strip_tags(token["name"])))
        out.extend(_flatten(token["children"]))
    return out


def _strip_tags(html: str) -> str:
    return html_lib.unescape(_TAG.sub("", html))


def summarize(text: str, words: int = SUMMARY_WORDS) -> str:
    """The first `words` words of text, cut on a word boundary, with an ellipsis when cut."""
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]).rstrip(",;:.-–—") + "…"
