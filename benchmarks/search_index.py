"""Cost and size of the search index on a generated site, and what a first query downloads in Chromium.

    python benchmarks/search_index.py                  # 10,000 reports in a temporary folder
    python benchmarks/search_index.py 2000 --site /tmp/bench-site --no-browser

Builds the site once (benchmarks/generate.py reports), then times, median of --repeat runs:
tokenising every report for the index (report_index_terms: the build cache keeps it per report, so a
warm build skips it) and assembling the index files from those terms (search_files: every build).
In Chromium (Playwright, /usr/bin/chromium) over a local HTTP server, each query of QUERIES is a first
query in a fresh browser context (nothing cached), three ways: pasted whole into the /search/ page's
field (one input event), typed there key by key, and typed into the header field of a report page
right after clicking it (the header loads search.js on that focus, so the script's download is part
of the first query). Pasted is the hard case: the shards (and any result entries they don't carry) are
all fetched after the input, where typing has fetched the shards on earlier keys. The server is a
ThreadingHTTPServer in this process: the same server in a process of its own, with HTTP/1.1 keep-alive
or without, pasted no faster (interleaved probes of 15 pasted queries each, 2026-11-25 at load 2-10:
medians 73-115 ms in this process, 88-110 ms in another; the load, not the server, set them).
Timed: from the key press, or paste, that completes the query (the event's timeStamp, so a page too
busy to take the key at once counts against it) to the first animation frame after the status line announces that query's results, the
frame that paints them. The status comes once the whole first batch is in the list: 6 results on
/search/ (its form's data-limit; "Show more results" appends the next 6), 5 in the header's panel;
the benchmark checks that the batch was complete when it took the time. Typed queries also give
their slowest key. Counted: every byte the fresh page fetched for search (search.js,
the manifest, shards, result entries and the snippets' texts, which arrive after).
Exits 1 if a first query downloads 300 KB or more, if the median first query of any of the three ways
takes 100 ms or more, if a timed frame showed less than the whole first batch (or no result), or if
the index takes a second or more of CPU to assemble.
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
from dataclasses import dataclass
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
BUDGET_MS = 100


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


# Installed in the page before the query: the time of every change of the field's value (taken from the key
# press that caused it: a key event's timeStamp is when the browser received the key, so time spent waiting
# for a busy page counts) and of every status line, taken in the first animation frame after the change,
# the frame that paints the results, with the number of results then in the list. Both times are on the
# page's performance.now() clock.
RECORD = """([status, results]) => {
  const record = window.searchRecord = {inputs: [], answers: []};
  let key = null;
  document.addEventListener("keydown", event => { key = event.timeStamp; }, true);
  document.addEventListener("input", event => {
    record.inputs.push([event.target.value, key === null ? event.timeStamp : key]);
    key = null;
  }, true);
  new MutationObserver(() => {
    const text = document.getElementById(status).textContent;
    const shown = document.getElementById(results).children.length;
    requestAnimationFrame(() => record.answers.push([text, performance.now(), shown]));
  }).observe(document.getElementById(status), {childList: true, characterData: true, subtree: true});
}"""
# True once the status line has answered `query` (“query” in its text) `times` times.
ANSWERED = """([query, times]) =>
  window.searchRecord.answers.filter(([text]) => text.includes("\\u201c" + query + "\\u201d")).length >= times"""


# Body bytes of everything the page fetched for search: search.js and search/ but the /search/ page itself.
FETCHED = """performance.getEntriesByType("resource")
  .filter(e => /\\/search\\/.|\\/search\\.[^/]*js$/.test(new URL(e.name).pathname))
  .reduce((sum, e) => sum + e.encodedBodySize, 0)"""


@dataclass(frozen=True)
class Measure:
    """One first query in a fresh page: where, how it was entered, and what the reader waited for."""
    query: str
    how: str  # "pasted" on the search page, "typed" there, or "header" typed into a report page's search field
    kilobytes: float  # everything search fetched: search.js, the manifest, shards, result entries, texts
    ms: float  # from the key press (or paste) that completed the query to the frame showing its results
    shown: int  # results in the list in that frame: the whole first batch, or all results if fewer
    batch: int  # the form's first batch (data-limit): 6 on /search/, 5 in the header
    worst_key_ms: float  # typed: the slowest of all keys whose query got results; pasted: the same as ms
    cached_ms: float  # pasted: the same query pasted again, every file in memory (compute and render only)
    status: str


def latencies(record: dict) -> list[tuple[str, float, int]]:
    """(query, ms from its input to the frame showing its answer, results then shown) for each input answered."""
    out = []
    for value, at in record["inputs"]:
        quoted = "\u201c" + value.strip() + "\u201d"
        answered = [(t, shown) for text, t, shown in record["answers"] if quoted in text and t >= at]
        if value.strip() and answered:
            t, shown = min(answered)
            out.append((value, t - at, shown))
    return out


def first_query(browser, url: str, query: str, how: str) -> Measure:
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    field, status, results = (("#site-search-input", "site-search-status", "site-search-results") if how == "header"
                              else ("#search-input", "search-status", "search-results"))
    page.evaluate(RECORD, [status, results])
    batch = int(page.get_attribute(f"form[data-status={status}]", "data-limit"))
    if how == "pasted":
        page.fill(field, query)  # one input event with the whole query, as a paste makes
    else:
        page.click(field)  # the header loads search.js on this focus; the first key follows at once
        page.keyboard.type(query, delay=200)  # 60 words a minute
    page.wait_for_function(ANSWERED, arg=[query, 1])
    page.wait_for_timeout(1000)  # the snippets' texts, fetched once typing pauses
    if how == "pasted":
        page.fill(field, "")
        page.wait_for_timeout(300)  # a paste, not a burst of keys (search.js waits for the end of a burst)
        page.fill(field, query)
        page.wait_for_function(ANSWERED, arg=[query, 2])
    record = page.evaluate("window.searchRecord")
    # Read from the page afterwards: asking Playwright for each response's size as it arrives would load
    # the machine during the very requests being timed.
    kilobytes = page.evaluate(FETCHED) / 1e3
    status_text = page.inner_text("#" + status)
    context.close()
    timings = latencies(record)
    final = [(ms, shown) for value, ms, shown in timings if value == query]
    worst = max(ms for _, ms, _ in timings)
    if how == "pasted":
        return Measure(query, how, kilobytes, final[0][0], final[0][1], batch, final[0][0], final[-1][0], status_text)
    return Measure(query, how, kilobytes, final[-1][0], final[-1][1], batch, worst, 0.0, status_text)


def complete(row: Measure) -> bool:
    """Whether the timed frame showed the whole first batch, or every result when there are fewer, and any at all:
    every query of QUERIES matches reports, so "No reports match" is a broken index or script, not a fast answer."""
    found = int(row.status.split()[0].replace(",", "")) if row.status[:1].isdigit() else 0
    return 0 < found and row.shown == min(row.batch, found)


def browser_figures(url: str, report_url: str) -> list[Measure]:
    """Every query of QUERIES pasted and typed on the search page and typed in a report's header, each in a fresh page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        rows = [first_query(browser, url + ("search/" if how != "header" else report_url), query, how)
                for query in QUERIES for how in ("pasted", "typed", "header")]
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
        rows = []
        if not args.no_browser:
            server, url = serve(site / "output")
            try:
                rows = browser_figures(url, reports[0].url)
            finally:
                server.shutdown()
    for row in rows:
        extra = f"{row.cached_ms:3.0f} ms pasted again" if row.how == "pasted" else f"slowest key {row.worst_key_ms:3.0f} ms"
        print(f"first query {row.query!r:22} {row.how:6}: {row.kilobytes:6.1f} KB, {row.ms:4.0f} ms to "
              f"{row.shown} results shown{'' if complete(row) else ' (INCOMPLETE BATCH)'}, {extra}  ({row.status})")
    for how in ("pasted", "typed", "header", "all"):
        ms = [row.ms for row in rows if how in (row.how, "all")]
        if ms:
            print(f"first query to results, {how:6}: min {min(ms):.0f}, median {statistics.median(ms):.0f}, "
                  f"max {max(ms):.0f} ms")
    if rows:
        print(f"first query downloads: at most {max(row.kilobytes for row in rows):.1f} KB")
    slow = [how for how in ("pasted", "typed", "header")
            if rows and statistics.median(row.ms for row in rows if row.how == how) >= BUDGET_MS]
    failed = (assemble_cpu >= BUDGET_SECONDS or any(row.kilobytes * 1e3 >= BUDGET_BYTES for row in rows)
              or bool(slow) or not all(map(complete, rows)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
