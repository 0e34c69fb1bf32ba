"""Save-to-screen latency of `trendsite serve`: `python -m benchmarks.serve_latency 1000 10000`.

For each site size: generate the reports (benchmarks/generate.py), start the real `trendsite serve`
in a subprocess, open one report in headless Chromium, then repeatedly save a new title into that
report (an atomic rename, as editors save) and time until the open page has reloaded by itself and
shows the new title. The server's own log gives the rebuild time inside each measurement, which
says what bounds the rest (the 50 ms debounce, the event, the reload).
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.generate import generate

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TARGETS_MS = {1000: 200, 10000: 500}
_REBUILD = re.compile(r"(\d+) written, (\d+) removed, (\d+) unchanged in (\d+) ms")


class Server:
    """`trendsite serve` in a subprocess, its log collected line by line."""

    def __init__(self, root: Path, port: int):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--root", str(root), "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = ""
        threading.Thread(target=self._read, daemon=True).start()
        while not self.url:
            if self.process.poll() is not None:
                raise SystemExit("serve exited:\n" + "\n".join(self.lines))
            time.sleep(0.05)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if match := re.search(r"at (http://\S+) ", line):
                self.url = match.group(1)

    def rebuild_times(self) -> list[int]:
        return [int(m.group(4)) for line in self.lines if (m := _REBUILD.search(line))]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)


def save(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def measure(count: int, runs: int, port: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="serve-latency-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        paths = generate(count, root / "content")
        generated = time.perf_counter() - started
        started = time.perf_counter()
        server = Server(root, port)
        first_build = time.perf_counter() - started
        target = paths[len(paths) // 2]
        slug = target.stem
        original = target.read_text(encoding="utf-8")
        title_line = next(line for line in original.split("\n") if line.startswith("title:"))
        latencies = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"{server.url}reports/{slug}/", wait_until="load")
                page.wait_for_timeout(500)  # let the page's event stream connect
                builds_before = len(server.rebuild_times())
                for run in range(runs):
                    marker = f"Latency probe {run} {time.time_ns()}"
                    text = original.replace(title_line, f'title: "{marker}"', 1)
                    with page.expect_navigation(wait_until="domcontentloaded", timeout=60_000):
                        started = time.perf_counter()
                        save(target, text)
                    latency = time.perf_counter() - started
                    if marker not in page.title():
                        raise SystemExit(f"the page reloaded without the new title: {page.title()!r}")
                    latencies.append(latency * 1000)
                    page.wait_for_timeout(300)  # a pause between saves, as an editor makes
                browser.close()
        except Exception:
            print("\n".join(server.lines[-20:]), file=sys.stderr)
            raise
        finally:
            server.stop()
        rebuilds = server.rebuild_times()[builds_before:]
    return {"count": count, "generate_s": generated, "first_build_s": first_build, "latencies_ms": latencies,
            "rebuild_ms": rebuilds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", type=int, nargs="+", help="site sizes, e.g. 1000 10000")
    parser.add_argument("--runs", type=int, default=7, help="saves timed per site size")
    parser.add_argument("--port", type=int, default=8391)
    args = parser.parse_args()
    for count in args.counts:
        result = measure(count, args.runs, args.port)
        latencies, rebuilds = result["latencies_ms"], result["rebuild_ms"]
        target = TARGETS_MS.get(count)
        median = statistics.median(latencies)
        verdict = "" if target is None else f" (target {target} ms: {'met' if median <= target else 'MISSED'})"
        print(f"{count} reports: generated in {result['generate_s']:.1f} s, first build + start "
              f"{result['first_build_s']:.1f} s")
        print(f"  save -> page shows the change: median {median:.0f} ms, min {min(latencies):.0f}, "
              f"max {max(latencies):.0f} over {len(latencies)} saves{verdict}")
        print(f"  of which the rebuild (serve's log): median {statistics.median(rebuilds):.0f} ms "
              f"{sorted(rebuilds)}")


if __name__ == "__main__":
    main()
