"""Markdown to HTML: the one place Python-Markdown is configured."""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import markdown
from markdown.treeprocessors import UnescapeTreeprocessor
from markdown.util import STX, AtomicString

from .extensions import BUILT_IN, Extensions, failing_extension
from .linear import (Budget, CountedImage, CountedLink, LinearFootnotes, LinearInline, TooMuchWork,
                     linear_block_parsing)
from .callouts import Callouts
from .charts import TABLE_WORDS, ChartBlocks
from .figures import Figures
from .load import ReportFiles
from .media import MediaError, MediaLog
from .model import Heading
from .store import Made
from .tidy import NOT_TEXT_CHARS, Automail, References, Tidy
from .urls import slugify

SUMMARY_WORDS = 50
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


def plain_text(html: str) -> str:
    """The words of an HTML fragment as a reader says them, whitespace folded."""
    html = _INLINE_TAG.sub("", _NOT_TEXT.sub("", html))
    return " ".join(html_lib.unescape(_TAG.sub(" ", html)).split())


# What any match of each of Python-Markdown's inline patterns holds, one of (see LinearInline).
INLINE_NEEDS = {"backtick": ("`",), "escape": ("\\",), "footnote": ("[^",), "reference": ("[",), "link": ("[",),
                "image_link": ("![",), "image_reference": ("![",), "short_reference": ("[",),
                "short_image_ref": ("![",), "autolink": ("<",), "automail": ("<",), "linebreak": ("  \n",),
                "entity": ("&",), "em_strong": ("*", "_"), "delimiter": ("=",)}


class _SmartyPass(LinearInline):
    """Smarty's inline pass, minus the work that cannot change anything.

    Smarty tries 18 patterns on every text node, which was half the cost of rendering a report.
    A pattern cannot match text that lacks the quote, dash or dots it replaces, and a node without
    any of them is left as it is, so both are skipped: the output is the same, byte for byte.
    """

    _ANY = re.compile(r"""['"]|--|\.\.\.""")

    def __init__(self, md: markdown.Markdown, registry, budget: Budget):
        needs = {"smarty-em-dashes": ("--",), "smarty-en-dashes": ("--",), "smarty-ellipses": ("...",)}
        for index in range(len(registry)):
            name = f"smarty-quotes-{index}"
            if name in registry:
                needs[name] = tuple(q for q in "'\"" if q in registry[name].pattern)
        super().__init__(md, budget, registry, needs)

    # InlineProcessor's private method, overridden by its mangled name.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if not isinstance(data, AtomicString) and not self._ANY.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class _Unescape(UnescapeTreeprocessor):
    """Python-Markdown's pass that reads backslash escapes back, without running its regex over text
    that holds none: every text, tail and attribute of the document."""

    def unescape(self, text: str) -> str:
        return super().unescape(text) if STX in text else text


def _heading_id(title: str) -> str:
    slug = slugify(title) or "section"
    return f"{slug}-section" if slug in PAGE_IDS else slug


# The words Markdown writes: the titles of a heading's "#" link and of a footnote's way back ("{}": its
# number), and those of a chart's data table (charts.py); prepare.py passes them in the site's language.
TITLES = ("Link to this section", "Jump back to footnote {} in the text", *TABLE_WORDS)


def _create(safe: bool, budget: Budget, extensions: Extensions = (), titles: tuple[str, ...] = TITLES
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
    # After every other pass, the unescaping of backslash escapes (priority 0) too: on the tree as it is written.
    md.treeprocessors.register(_Unescape(md), "unescape", 0)
    md.treeprocessors.register(Tidy(md, safe, PAGE_IDS), "trendsite_tidy", -1)
    md.inlinePatterns.register(References(md.inlinePatterns["entity"].pattern, md), "entity", 80)
    md.inlinePatterns.register(Automail(md.inlinePatterns["automail"].pattern, md), "automail", 110)
    md.treeprocessors.register(_SmartyPass(md, md.treeprocessors["smarty"].inlinePatterns, budget), "smarty", 6)
    footnotes = md.inlinePatterns["footnote"]
    # The priorities Python-Markdown and its footnotes extension give these patterns.
    md.inlinePatterns.register(LinearFootnotes(footnotes.pattern, footnotes.footnotes), "footnote", 175)
    md.inlinePatterns.register(CountedLink(md.inlinePatterns["link"].pattern, md, budget), "link", 160)
    md.inlinePatterns.register(CountedImage(md.inlinePatterns["image_link"].pattern, md, budget), "image_link", 150)
    linear_block_parsing(md.parser, budget)
    md.titles = titles  # for the extensions that write words of their own (charts' data tables)
    md.preprocessors.register(ChartBlocks(md), "trendsite_charts", 27)  # before fenced code takes the blocks
    md.treeprocessors.register(Callouts(md), "trendsite_callouts", 25)  # before inline Markdown
    # Last: the pictures, players and posters it makes have attributes (srcset, controls, data-embed) that the
    # tidy pass, which keeps what attribute lists may set, would drop.
    md.treeprocessors.register(Figures(md), "trendsite_figures", -2)
    # A site's own extensions may register patterns under the names of these (pymdownx's tilde and caret
    # share "delimiter" with mark): then every pattern is offered every text.
    inline = LinearInline(md, budget, md.inlinePatterns, {} if extensions else INLINE_NEEDS)
    # Python-Markdown looks a tag up in a list of fifty names, several times for every element.
    block_level = frozenset(md.block_level_elements)
    md.is_block_level = lambda tag: isinstance(tag, str) and tag.lower().rstrip("/") in block_level
    md.treeprocessors.register(inline, "inline", 20)
    return md


class MarkdownRenderer:
    """A reusable converter: building Python-Markdown once and resetting it is much cheaper."""

    def __init__(self, unsafe_html: bool = False, extensions: Extensions = (), titles: tuple[str, ...] = TITLES):
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
