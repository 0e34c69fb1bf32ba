"""What charts, pictures and social cards cost a build: `python -m benchmarks.run --media --sizes 10000`.

The same generated reports are built twice from cold, plainly and with 10% of them charted from a CSV
file and 30% showing a picture (generate.py); every report without `image` gets a social card in both.
Then a build with nothing changed and one after an edit to a report that has a chart and a picture.
After each build the store's made values are counted: a build that draws nothing adds none. The cost
of one chart, one picture's copies and one card is timed apart, in this process, on the same inputs.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

from builder import cards, charts, images
from builder.render import default_theme
from builder.store import CACHE_DIR

from .generate import generate

KINDS = ("cold", "no change", "one edit")


class _KeepNothing:
    """A store that keeps nothing, so that every copy of a picture is made."""

    def missing(self, keys):
        return set(keys)

    def put(self, key, data):
        pass


def made_count(site: Path) -> int:
    """How many values the site's store has made (charts, picture copies, cards)."""
    with sqlite3.connect(site / CACHE_DIR / "values.sqlite") as db:
        return db.execute("SELECT count(*) FROM made").fetchone()[0]


def media_files(site: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for path in (site / "output" / "_media").iterdir():
        found[path.suffix] = found.get(path.suffix, 0) + 1
    return dict(sorted(found.items()))


def each_cost(folder: Path, sample: int = 30) -> dict[str, float]:
    """Milliseconds to draw one chart, make one picture's copies and draw one card, each the median of `sample`."""
    csvs, jpgs = sorted(folder.glob("*.csv"))[:sample], sorted(folder.glob("*.jpg"))[:sample]
    timings: dict[str, list[float]] = {"chart": [], "picture": [], "card": []}
    faces = {size: cards.ImageFont.truetype(str(default_theme() / cards.FONT), size)
             for size in (*cards.TITLE_SIZES, 30, 26)}
    charts._draw({"data": {"values": [{"a": 1}]}, "mark": "bar"}, 1)  # the engine's start, once per process
    for csv in csvs:
        spec = {"data": {"values": csv.read_text(), "format": {"type": "csv"}}, "mark": "line",
                "encoding": {"x": {"field": "month", "type": "ordinal"}, "y": {"field": "share", "type": "quantitative"}}}
        started = time.perf_counter()
        charts._draw(spec, 1)
        timings["chart"].append(time.perf_counter() - started)
    for jpg in jpgs:
        data = jpg.read_bytes()
        started = time.perf_counter()
        images.picture(data, _KeepNothing())
        timings["picture"].append(time.perf_counter() - started)
    for number in range(sample):
        started = time.perf_counter()
        cards.draw((f"Report number {number} on the state of things", "AI · Law · Chips", "Bench"), faces)
        timings["card"].append(time.perf_counter() - started)
    return {kind: statistics.median(values) * 1000 for kind, values in timings.items()}


def bench_media(n: int, reps: int, work: Path, measure, tool_class, log) -> str:
    """The Markdown section of the figures: cold builds plain and with media, then no change and one edit."""
    folder = work / f"media-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    plain_sources = generate(n, folder / "plain-generated", seed=1)
    sources = generate(n, folder / "generated", seed=1, charts=0.1, images=0.3)
    plain = tool_class(folder / "plain", plain_sources)
    plain.setup()
    tool = tool_class(folder / "trendsite", sources)
    tool.setup()
    for path in sources:
        for beside in (path.with_suffix(".csv"), path.with_suffix(".jpg")):
            if beside.exists():
                shutil.copy(beside, tool.folder / "content" / beside.name)
    both = [p for p in sources if p.with_suffix(".csv").exists() and p.with_suffix(".jpg").exists()]
    tool.edit_path = lambda: tool.folder / "content" / both[len(both) // 2].name
    seconds: dict[str, list[float]] = {kind: [] for kind in (*KINDS, "plain cold")}
    added: dict[str, list[int]] = {kind: [] for kind in KINDS}
    load_before = os.getloadavg()
    for rep in range(reps):
        plain.clean()
        seconds["plain cold"].append(measure(plain.command(), plain.folder, plain.env())[0])
        tool.clean()
        for kind in KINDS:
            if kind == "one edit":
                tool.edit(rep)
            before = made_count(tool.folder) if kind != "cold" else 0
            seconds[kind].append(measure(tool.command(), tool.folder, tool.env())[0])
            added[kind].append(made_count(tool.folder) - before)
        log(f"  media rep {rep + 1}: plain cold {seconds['plain cold'][-1]:.1f}s, "
            + ", ".join(f"{k} {seconds[k][-1]:.2f}s (+{added[k][-1]} made)" for k in KINDS))
    load_after = os.getloadavg()
    files = media_files(tool.folder)
    charted = sum(1 for p in sources if p.with_suffix(".csv").exists())
    pictured = sum(1 for p in sources if p.with_suffix(".jpg").exists())
    cost = each_cost(folder / "generated")
    median = {kind: statistics.median(values) for kind, values in seconds.items()}
    return "\n".join([
        f"## Charts, pictures and social cards (issue 15), {n:,} reports", "",
        f"`python -m benchmarks.run --media --sizes {n} --reps {reps}`; {os.cpu_count()} cores, load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after; medians of {reps} run(s).", "",
        f"{charted:,} reports have a chart from a CSV file beside them, {pictured:,} a 1200 x 675 JPEG of their own "
        f"in a figure; every report gets a 1200 x 630 social card. output/_media/ holds "
        + ", ".join(f"{count:,} {suffix}" for suffix, count in files.items()) + ".", "",
        "| build | seconds | values made by it |", "|---|---:|---:|",
        f"| cold, the same reports without charts or pictures (cards only) | {median['plain cold']:.1f} | |",
        *(f"| {kind}, with charts and pictures | {median[kind]:.2f} | {max(added[kind]):,} |" for kind in KINDS), "",
        f"Each, in one process: a chart {cost['chart']:.0f} ms, a picture's copies {cost['picture']:.0f} ms, "
        f"a social card {cost['card']:.0f} ms. So on {os.cpu_count()} cores the cold build spends about "
        f"{charted * cost['chart'] / 1000 / (os.cpu_count() or 1):.0f} s on charts, "
        f"{pictured * cost['picture'] / 1000 / (os.cpu_count() or 1):.0f} s on pictures and "
        f"{n * cost['card'] / 1000 / (os.cpu_count() or 1):.0f} s on cards.", "",
    ])
