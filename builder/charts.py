"""Charts from data: a fenced block with the language `chart` holds a Vega-Lite specification (YAML or JSON).

At build time it becomes an SVG drawn by vl-convert (Vega-Lite's own JavaScript in an embedded engine,
no browser), inside a <figure> captioned by its title, with its data as a table below for screen
readers and for copying. The data is inline, or a CSV, TSV or JSON file beside the report
(`data: {url: adoption.csv}`), read through md.files and handed to vl-convert inline: vl-convert is
allowed no URL at all, so a specification can neither reach the network nor read another file.
The SVG is kept in store.Made by a digest of the specification with its data and the theme. Charts the
site makes itself, a topic's timeline (timeline_chart), are drawn and inlined the same way (inline_chart).
"""
from __future__ import annotations

import csv
import html
import io
import itertools
import json
import posixpath
import re
from typing import Any

import yaml
from markdown.preprocessors import Preprocessor

from .media import MediaError, library, media_path
from .model import Timeline
from .store import Made, digest

_FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*(\S*)[^`\n]*$")
_VERSION = "chart-3"  # names how charts are drawn and themed: change it when that changes
MAX_DATA_BYTES = 2_000_000  # past this a chart is too dense to read, and too heavy for a page
MAX_SVG_BYTES = 50 * 1024
TABLE_ROWS = 100  # rows of the data shown in the page; the whole file is linked
# The words of the data table, in English; markup.TITLES carries them in the site's language.
TABLE_WORDS = ("Data table", "Download {file}", "The first {shown} of {total} rows.")
FORMATS = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".topojson": "topojson"}
# Mid-tone colours that keep 3:1 contrast on the theme's light and dark backgrounds (tests check it).
PALETTE = ("#3b7dd8", "#d0680c", "#28925a", "#d84a5e", "#8f67d6", "#178f9c", "#a9782a", "#c453a0")
# Text, axes and grid take the page's text colour (currentColor), which follows the light or dark theme.
THEME = {
    "background": None,
    # Narrow, with the legend below and large type: a phone shows the drawing at three quarters of its size.
    "view": {"stroke": None, "continuousWidth": 440, "continuousHeight": 240, "discreteWidth": 440},
    "axis": {"labelColor": "currentColor", "titleColor": "currentColor", "domainColor": "currentColor",
             "tickColor": "currentColor", "gridColor": "currentColor", "gridOpacity": 0.18, "labelFontSize": 13,
             "titleFontSize": 13},
    "axisX": {"labelAngle": 0},
    "legend": {"labelColor": "currentColor", "titleColor": "currentColor", "labelFontSize": 13, "titleFontSize": 13,
               "orient": "bottom"},
    "header": {"labelColor": "currentColor", "titleColor": "currentColor"},
    "title": {"color": "currentColor", "subtitleColor": "currentColor"},
    "text": {"color": "currentColor"},
    "mark": {"color": PALETTE[0]},
    "range": {"category": list(PALETTE)},
}
_ADDRESS = re.compile(r'\s(?:xlink:)?href="(?!#)[^"]*"')
_ID = re.compile(r'\sid="([^"]+)"')
_REFERENCE = re.compile(r'(\sid="|url\(#|\s(?:xlink:)?href="#)([^")]+)')
FEED_COLOUR = "#3b404a"  # the theme's light text colour, for the SVG file that feeds show as an image


class ChartBlocks(Preprocessor):
    """Replaces each ```chart block with its figure, stashed as HTML; other fenced blocks are left alone."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        count = 0
        index = 0
        while index < len(lines):
            opening = _FENCE.match(lines[index])
            if opening is None:
                out.append(lines[index])
                index += 1
                continue
            end = _closing(lines, index, opening.group(1))
            if opening.group(2).lower() != "chart":  # code: passed on whole, a ```chart inside it too
                out += lines[index:(end if end is not None else index) + 1]
                index = (end if end is not None else index) + 1
                continue
            if end is None:
                raise MediaError(index + 1, "this chart block has no closing fence",
                                 f"end it with a line holding {opening.group(1)}")
            count += 1
            figure = chart_html("\n".join(lines[index + 1:end]), index + 1, count, self.md)
            # The block's lines become blank ones around the figure's place: later lines keep their numbers.
            span = end - index + 1
            out += ["", self.md.htmlStash.store(figure), ""] + [""] * max(0, span - 3)
            index = end + 1
        return out


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    for index in range(start + 1, len(lines)):
        line = lines[index].rstrip()
        if line.startswith(fence) and line.strip(fence[0]) == "":
            return index
    return None


def chart_html(text: str, line: int, number: int, md) -> str:
    """The figure of one chart block whose fence is on body line `line`; MediaError naming that line."""
    spec = _parse(text, line)
    tables: list[tuple[str | None, list[dict]]] = []
    _inline_data(spec, md.files, line, tables)
    title, subtitle = _title(spec.pop("title", None))
    description = spec.get("description") if isinstance(spec.get("description"), str) else ""
    name = title or description
    if not name:
        md.media.warn("a chart has no title or description, which screen readers announce it by",
                      "add `title:` (or `description:`) to the chart's specification", text[:60] or None)
    key = _key(spec, None)
    if md.files is None and any(source for source, _ in tables):  # outside a build: no file to draw from
        graphic = '<p class="chart-note">The chart is drawn when the site is built.</p>'
    else:
        svg = _drawn(key, spec, None, md.made, line)
        if len(svg) > MAX_SVG_BYTES:
            md.media.warn(f"a chart's SVG is {len(svg) // 1024} KB, over {MAX_SVG_BYTES // 1024} KB, which makes "
                          "its page slow", "aggregate the data or show fewer points", text[:60] or None)
        md.media.made[media_path(key, ".svg")] = key
        graphic = _inline(svg.decode("utf-8"), f"chart-{number}", name or "Chart")
    caption = f"<figcaption>{html.escape(title)}" + (
        f'<span class="chart-subtitle">{html.escape(subtitle)}</span>' if subtitle else "") + "</figcaption>"
    return (f'<figure class="chart" data-chart="{key}">' + (caption if title else "")
            + f'<div class="chart-graphic">{graphic}</div>'
            + "".join(_table(rows, source, md.titles[2:]) for source, rows in tables[:1])
            + "</figure>")


def inline_chart(spec: dict, made: Made | None, prefix: str, name: str, time_locale: dict | None = None) -> str:
    """The SVG, for a page, of a chart built in Python (a topic's timeline), drawn by the same engine and
    theme as chart blocks and kept in `made` as theirs are; `time_locale` is d3's, naming months in the
    site's language; ids made unique by `prefix`, named `name` for screen readers."""
    return _inline(_drawn(_key(spec, time_locale), spec, time_locale, made, 0).decode("utf-8"), prefix, name)


def timeline_chart(timeline: Timeline, name: str, made: Made | None, time_locale: dict) -> str:
    """A topic's reports per month as bars, inlined for its page (see inline_chart)."""
    top, step = _count_axis(max(timeline.counts))
    spec = {"data": {"values": [{"month": month.isoformat(), "reports": count} for month, count in timeline.rows]},
            "mark": {"type": "bar", "width": {"band": 0.75}},
            # Narrower and lower than a report's chart: on a phone it shrinks less, so its labels stay legible,
            # and it leaves the listing below it in sight.
            "width": 360, "height": 140,
            "encoding": {
                # UTC throughout: a month is the one the report is dated in, whatever the clock of the build.
                "x": {"field": "month", "type": "temporal", "timeUnit": "utcyearmonth", "title": None,
                      "axis": {"format": "%b %Y", "labelOverlap": True}},
                # Whole reports: ticks at whole numbers, never at 0.5.
                "y": {"field": "reports", "type": "quantitative", "title": None, "scale": {"domain": [0, top]},
                      "axis": {"values": list(range(0, top + 1, step)), "format": "d"}}}}
    return inline_chart(spec, made, "timeline", name, time_locale)


def _count_axis(peak: int) -> tuple[int, int]:
    """(top, step) of an axis of counts up to `peak`: at most five steps of 1, 2 or 5 times a power of ten."""
    steps = (unit * 10 ** power for power in itertools.count() for unit in (1, 2, 5))
    step = next(s for s in steps if -(-peak // s) <= 5)
    return max(1, -(-peak // step) * step), step


def _key(spec: dict, time_locale: dict | None) -> str:
    """A digest of all a drawing is made from."""
    return digest(_VERSION, library("vl-convert-python"), json.dumps(spec, sort_keys=True, default=str),
                  json.dumps(THEME, sort_keys=True), json.dumps(time_locale, sort_keys=True))


def _drawn(key: str, spec: dict, time_locale: dict | None, made: Made | None, line: int) -> bytes:
    """The SVG of `spec` (whose _key is `key`), from `made` when it holds it, else drawn (and kept there)."""
    if made is None:
        return _draw(spec, line, time_locale)
    return made.make(key, lambda: _draw(spec, line, time_locale))


def _parse(text: str, line: int) -> dict:
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise MediaError(line + 1 + (mark.line if mark else 0),
                         f"the chart's specification is not valid YAML or JSON: {getattr(error, 'problem', error)}",
                         "check the indentation and quotes of the chart block") from None
    if not isinstance(spec, dict):
        raise MediaError(line, "a chart block must hold a Vega-Lite specification: a mapping with `mark`, "
                         "`encoding` and `data`", "see https://vega.github.io/vega-lite/docs/spec.html")
    # As JSON has them: YAML reads 2021-05-01 as a date, which the drawing engine is not given.
    return json.loads(json.dumps(spec, default=str))


def _inline_data(value: Any, files, line: int, tables: list, key: str | None = None) -> None:
    """Put the bytes of every data file the specification names into it, and collect each data's rows."""
    if isinstance(value, list):
        for item in value:
            _inline_data(item, files, line, tables)
        return
    if not isinstance(value, dict):
        return
    if key == "data" and "url" in value:
        target = value.pop("url")
        text, kind = _read(target, files, line)
        form = value.setdefault("format", {})
        if not isinstance(form, dict):
            raise MediaError(line, "the chart's data `format` must be a mapping", "write format: {type: csv}")
        form.setdefault("type", kind)
        value["values"] = json.loads(text) if form["type"] in ("json", "topojson") else text
        tables.append((target, _rows(text, form)))
    elif key == "data" and isinstance(value.get("values"), list):
        tables.append((None, [row if isinstance(row, dict) else {"data": row} for row in value["values"]]))
    for name, item in value.items():
        _inline_data(item, files, line, tables, name)


def _read(target: Any, files, line: int) -> tuple[str, str]:
    """The text of a data file beside the report and its format; MediaError if it is not one."""
    hint = "put the data file in the report's folder and name it relative to the report: url: adoption.csv"
    if not isinstance(target, str) or re.match(r"[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("/", "\\")):
        raise MediaError(line, f"the chart's data url {target!r} is not a file beside the report: charts read "
                         "no other site and no file outside the report's folder", hint)
    path = posixpath.normpath(target)
    kind = FORMATS.get(posixpath.splitext(path)[1].lower())
    if path == ".." or path.startswith("../"):
        raise MediaError(line, f"the chart's data {target!r} is outside the report's folder", hint)
    if kind is None:
        raise MediaError(line, f"the chart's data {target!r} is not a CSV, TSV or JSON file", hint)
    if files is None:
        return "[]" if kind in ("json", "topojson") else "", kind
    try:
        data = files.bytes_of(path)
    except FileNotFoundError:
        raise MediaError(line, f"the chart's data file {target} does not exist", hint) from None
    except (OSError, ValueError) as error:
        raise MediaError(line, f"the chart's data file {target} cannot be read: {error}", hint) from None
    if len(data) > MAX_DATA_BYTES:
        raise MediaError(line, f"the chart's data file {target} is {len(data):,} bytes, over {MAX_DATA_BYTES:,}",
                         "aggregate the data first: a chart of that many points cannot be read")
    try:
        return data.decode("utf-8-sig"), kind
    except UnicodeDecodeError:
        raise MediaError(line, f"the chart's data file {target} is not UTF-8", "save it as UTF-8") from None


def _rows(text: str, form: dict) -> list[dict]:
    """The records of a data file, as a table shows them (JSON values by their text)."""
    kind = form.get("type")
    if kind in ("csv", "tsv", "dsv"):
        delimiter = {"csv": ",", "tsv": "\t"}.get(kind, form.get("delimiter", ","))
        return list(csv.DictReader(io.StringIO(text), delimiter=str(delimiter)[:1] or ","))
    try:
        value = json.loads(text)
    except ValueError:
        return []
    if isinstance(form.get("property"), str):
        for part in form["property"].split("."):
            value = value.get(part) if isinstance(value, dict) else None
    return [row if isinstance(row, dict) else {"data": row} for row in value] if isinstance(value, list) else []


def _title(value: Any) -> tuple[str, str]:
    """(title, subtitle) as text, from any way Vega-Lite lets a title be written."""
    if isinstance(value, dict):
        return _title(value.get("text"))[0], _title(value.get("subtitle"))[0]
    if isinstance(value, list):
        return " ".join(str(v) for v in value), ""
    return ("" if value is None else str(value)), ""


def _draw(spec: dict, line: int, time_locale: dict | None = None) -> bytes:
    import vl_convert  # its engine loads only when a chart is drawn, not in every build that draws none

    if _uses(spec, "href"):
        raise MediaError(line, "a chart cannot link its marks to other pages (the `href` channel)",
                         "remove `href` from the chart's encoding, and link to the page in the text")
    for attempt in range(2):
        try:
            # allowed_base_urls=[]: vl-convert loads no URL whatever the specification says.
            svg = vl_convert.vegalite_to_svg(spec, config=THEME, allowed_base_urls=[],
                                             **({"time_format_locale": time_locale} if time_locale else {}))
            break
        except ValueError as error:
            # After a failure vl-convert may fail the next chart too, whatever it is: that one is tried again.
            if attempt:
                reason = next((part.strip() for part in str(error).splitlines()[1:] if part.strip()), str(error))
                raise MediaError(line, f"the chart cannot be drawn: {reason[:200]}",
                                 "check the specification against https://vega.github.io/vega-lite/docs/") from None
    # Data may give an image mark a picture's address (the `url` channel): the reader's browser would
    # fetch it from another site. References to ids inside the drawing stay.
    svg = _ADDRESS.sub("", svg)
    # vl-convert numbers ids (clip1, clip25...) by a count kept across the drawings of its process: numbered
    # again here, a drawing is the same whatever was drawn before it, so a warm build matches a clean one.
    renamed = {name: f"d{number}" for number, name in enumerate(dict.fromkeys(_ID.findall(svg)), 1)}
    svg = _REFERENCE.sub(lambda m: m.group(1) + renamed.get(m.group(2), m.group(2)), svg)
    # The file (for feeds) is drawn in the light theme's text colour on white.
    return svg.replace("<svg ", f'<svg color="{FEED_COLOUR}" style="background:#fff" ', 1).encode("utf-8")


def _uses(value: Any, name: str) -> bool:
    """Whether a mapping inside the specification has the key `name`."""
    if isinstance(value, dict):
        return name in value or any(_uses(v, name) for v in value.values())
    return isinstance(value, list) and any(_uses(v, name) for v in value)


def _inline(svg: str, prefix: str, name: str) -> str:
    """The SVG for the page: in the page's text colour, named for screen readers, its ids made unique."""
    head_end = svg.index(">") + 1
    head = re.sub(r'\s(?:color|style|class|role|aria-[a-z]+)="[^"]*"', "", svg[:head_end])
    head = head.replace("<svg ", f'<svg class="chart-svg" role="img" aria-label="{html.escape(name)}" '
                                 'focusable="false" ', 1)
    body = re.sub(r'(\sid="|url\(#|\shref="#)', rf"\1{prefix}-", svg[head_end:])
    return (head + body).replace("\n", " ")


def _table(rows: list[dict], source: str | None, words: tuple[str, ...]) -> str:
    """The data as a table in a <details>, and a link to its file; `words` are TABLE_WORDS in the site's
    language."""
    columns = list(dict.fromkeys(name for row in rows for name in row if name is not None))
    if not columns:
        return ""
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(row.get(c)))}</td>" for c in columns) + "</tr>"
                    for row in rows[:TABLE_ROWS])
    more = html.escape(words[2].format(shown=TABLE_ROWS, total=len(rows))) + " " if len(rows) > TABLE_ROWS else ""
    link = (f'<a href="{html.escape(source)}">{html.escape(words[1].format(file=posixpath.basename(source)))}</a>'
            if source else "")
    note = f'<p class="chart-note">{more}{link}</p>' if more or link else ""
    return (f'<details class="chart-data"><summary>{html.escape(words[0])}</summary><table><thead><tr>'
            + "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in columns)
            + f"</tr></thead><tbody>{cells}</tbody></table>{note}</details>")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
