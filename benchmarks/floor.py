"""The floor under a cold build on this machine: what Python-Markdown and Jinja2 alone cost.

    python -m benchmarks.floor 10000             # about 3 minutes at 10,000 reports on 2 cores
    python -m benchmarks.floor 10000 --pelican   # and a cold Pelican build, for the 4x budget: 5 minutes

On N generated reports (benchmarks/generate.py, seed 1, as benchmarks.run uses), in one run:
- a real cold `trendsite build` (wall seconds of the command);
- Python-Markdown alone, as trendsite configures it, the bodies split evenly over the worker
  processes a build uses: wall seconds once the workers are up (no reading, no writing, no hand-over);
- the same for stock Python-Markdown with the extensions of the issue's estimate (extra, toc, smarty,
  codehilite), that is without trendsite's shortcuts in Smarty and the inline passes (markup.py);
- Jinja2 alone: every page of the site rendered by trendsite's renderer, in CPU seconds of this
  process, and divided by the workers as if split perfectly.
The sum of the two parallel floors is what no build with these two libraries can beat here.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import markdown

from builder.build import BuildOptions, generate as generate_site
from builder.frontmatter import parse_document
from builder.markup import MarkdownRenderer
from builder.memory import Memory
from builder.model import Source
from builder.urls import output_path

from .generate import generate
from .run import Pelican, Trendsite, measure

STOCK_EXTENSIONS = ["extra", "toc", "smarty", "codehilite"]


def _bodies(paths: list[Path]) -> list[str]:
    bodies = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        document, _ = parse_document(Source(path=path, rel=path.name, text=text))
        bodies.append(document.body)
    return bodies


def _convert(job: tuple[str, list[str]]) -> float:
    """Render the bodies with one engine; the CPU seconds it took in this worker."""
    engine, bodies = job
    started = time.process_time()
    if engine == "trendsite":
        renderer = MarkdownRenderer()
        for body in bodies:
            renderer.render(body)
    else:
        md = markdown.Markdown(extensions=STOCK_EXTENSIONS)
        for body in bodies:
            md.reset()
            md.convert(body)
    return time.process_time() - started


def markdown_wall(pool: ProcessPoolExecutor, engine: str, bodies: list[str], workers: int) -> float:
    """Wall seconds for the workers to render an even share of the bodies each."""
    shares = [(engine, bodies[i::workers]) for i in range(workers)]
    started = time.perf_counter()
    list(pool.map(_convert, shares))
    return time.perf_counter() - started


def jinja_cpu(root: Path) -> tuple[float, int]:
    """CPU seconds to render every page of the site at root (its reports come from the build cache)."""
    site = generate_site(BuildOptions(root=root, output=root / "floor-output"), None, Memory(warm=False))
    started = time.process_time()
    for page in site.pages:
        site.files[output_path(page.url)]
    return time.process_time() - started, len(site.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/trendsite-floor"))
    parser.add_argument("--pelican", action="store_true", help="also time a cold Pelican build")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    sources = generate(args.count, args.work / "generated", seed=1)
    rows: list[tuple[str, float]] = []

    ours = Trendsite(args.work / "trendsite", sources)
    ours.setup()
    cold, _ = measure(ours.command(), ours.folder, ours.env())
    rows.append(("trendsite cold build (wall)", cold))
    if args.pelican:
        peer = Pelican(args.work / "pelican", sources)
        peer.setup()
        rows.append(("Pelican cold build (wall)", measure(peer.command(), peer.folder, peer.env())[0]))

    bodies = _bodies(sources)
    with ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(_convert, [("trendsite", bodies[:20])] * args.workers))  # start and warm the workers
        ours_markdown = markdown_wall(pool, "trendsite", bodies, args.workers)
        rows.append((f"Python-Markdown as trendsite runs it, {args.workers} processes (wall)", ours_markdown))
        rows.append((f"stock Python-Markdown, {' '.join(STOCK_EXTENSIONS)}, {args.workers} processes (wall)",
                     markdown_wall(pool, "stock", bodies, args.workers)))
    seconds, pages = jinja_cpu(ours.folder)
    rows.append((f"Jinja2, all {pages:,} pages, one process (CPU)", seconds))
    rows.append((f"Jinja2 split perfectly over {args.workers} processes", seconds / args.workers))
    floor = ours_markdown + seconds / args.workers
    rows.append(("floor: trendsite's Markdown + Jinja2, both parallel", floor))

    print(f"| {args.count:,} reports, {args.workers} workers | seconds |\n|---|---:|")
    for label, value in rows:
        print(f"| {label} | {value:.1f} |")
    if args.pelican:
        pelican = rows[1][1]
        print(f"\n4x Pelican is {pelican / 4:.1f} s; the floor is {floor / (pelican / 4):.0%} of it, "
              f"trendsite's cold build {cold / (pelican / 4):.0%}.")


if __name__ == "__main__":
    sys.exit(main())
