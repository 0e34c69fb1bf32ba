"""Cost and size of the search index on a generated site, and what a first query downloads in Chromium.

    python benchmarks/search_index.py                  # 10,000 reports in a temporary folder
    python benchmarks/search_index.py 2000 --site /tmp/bench-site --no-browser

Builds the site once (benchmarks/generate.py reports), then times, median of --repeat runs:
tokenising every report for the index (report_index_terms: the build cache keeps it per report, so a
warm build skips it) and assembling the index files from those terms (search_files: every build).
In Chromium (Playwright, /usr/bin/chromium) over a local HTTP server it measures, on a fresh page
each time, the bytes a first query downloads from search/ and the time from submitting the query to
the results on screen, both when the query is submitted whole and when it is typed key by key.
Exits 1 if a first query downloads 300 KB or more, or the index takes a second or more to assemble.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from benchmarks.generate import generate as generate_reports  # noqa: E402
from builder.build import BuildOptions, build  # noqa: E402
from builder.search import INDEX, report_index_terms, search_files  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# A word in nearly every report, a topic name, two words, a made-up topic word, and a prefix.
QUERIES = ("market", "robotics", "pricing regulators", "vorsel", "consolid")
BUDGET_BYTES = 300_000
BUDGET_SECONDS = 1.0


def timed(function, repeat: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU seconds of `repeat` calls (CPU time tells on a busy machine), and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


# Runs in the page: submit (or type) the query, resolve when the status line reports the results.
MEASURE = """async ([query, typed]) => {
  const input = document.getElementById("search-input"), status = document.getElementById("search-status");
  const done = () => new Promise(resolve => new MutationObserver((_, observer) => {
    if (/result|match/.test(status.textContent)) { observer.disconnect(); resolve(); }
  }).observe(status, {childList: true, characterData: true, subtree: true}));
  const started = performance.now();
  if (typed) {
    for (const ch of query) {
      input.value += ch;
      input.dispatchEvent(new Event("input"));
      await new Promise(r => setTimeout(r, 200));  // 60 words a minute
    }
  } else {
    input.value = query;
    const shown = done();
    input.form.requestSubmit();
    await shown;
  }
  const ms = performance.now() - started;
  await new Promise(r => setTimeout(r, 1000));  // the snippets' texts
  let again = 0;
  if (!typed) {  // the same query once more: shards and documents cached, so compute and render only
    const shown = done();
    const t0 = performance.now();
    input.form.requestSubmit();
    await shown;
    again = performance.now() - t0;
  }
  return [ms, again, status.textContent];
}"""


def browser_figures(url: str) -> list[tuple[str, str, int, float, float, str]]:
    """(query, how, bytes from search/, ms to results, ms when cached, status) per query, each on a fresh page."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for query in QUERIES:
            for typed in (False, True):
                context = browser.new_context()
                page = context.new_page()
                page.goto(url + "search/")
                sizes = []
                page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"])
                        if "/search/" in r.url and not r.url.endswith("/search/") else None)
                ms, again, status = page.evaluate(MEASURE, [query, typed])
                rows.append((query, "typed" if typed else "submitted", sum(sizes), ms, again, status))
                context.close()
        browser.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--site", type=Path, help="site folder to reuse (content/ generated when missing)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = args.site or Path(scratch) / "site"
        if not (site / "content").is_dir():
            generate_reports(args.count, site / "content")
        started = time.perf_counter()
        result = build(BuildOptions(root=site, output=site / "output", future=True))  # generated dates run past today
        print(f"full build: {time.perf_counter() - started:.1f} s, {len(result.site.reports)} reports")
        reports = result.site.reports
        tokenise, tokenise_cpu, terms = timed(lambda: {r.slug: report_index_terms(r) for r in reports}, args.repeat)
        assemble, assemble_cpu, files = timed(lambda: search_files(reports, terms), args.repeat)
        shards = [len(d) for p, d in files.items() if p.startswith("search/terms/")]
        docs = [len(d) for p, d in files.items() if p.startswith("search/docs/")]
        texts = [len(d) for p, d in files.items() if p.startswith("search/text/")]
        print(f"report_index_terms, all reports: {tokenise:.2f} s, {tokenise_cpu:.2f} s CPU "
              "(kept per report by the build cache)")
        print(f"search_files (assemble the index): {assemble:.2f} s, {assemble_cpu:.2f} s CPU")
        print(f"index: {sum(map(len, files.values())) / 1e6:.1f} MB in {len(files)} files; "
              f"manifest {len(files[INDEX]) / 1e3:.1f} KB; {len(shards)} term shards, {sum(shards) / 1e6:.1f} MB, "
              f"largest {max(shards) / 1e3:.1f} KB; {len(docs)} result entry files, mean {statistics.mean(docs) / 1e3:.1f} KB; "
              f"{len(texts)} texts, {sum(texts) / 1e6:.1f} MB, mean {statistics.mean(texts) / 1e3:.1f} KB")
        worst = 0
        if not args.no_browser:
            server, url = serve(site / "output")
            try:
                for query, how, size, ms, again, status in browser_figures(url):
                    worst = max(worst, size)
                    took = (f"{ms:4.0f} ms to results, {again:3.0f} ms cached" if how == "submitted"
                            else "key by key, 200 ms a key")
                    print(f"first query {query!r:22} {how:9}: {size / 1e3:6.1f} KB, {took}  ({status})")
            finally:
                server.shutdown()
    failed = worst >= BUDGET_BYTES or assemble_cpu >= BUDGET_SECONDS
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
