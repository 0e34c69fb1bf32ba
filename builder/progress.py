"""A progress bar for long builds on a terminal, and the one-line build summary."""
from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from .build import BuildResult

WAIT = 1.0  # seconds before a bar appears: a quick build prints only its summary
WIDTH = 30
_REDRAW = 0.1  # seconds between redraws, so drawing never costs the build noticeable time


class ProgressBar:
    """Callable as BuildOptions.progress; draws on `stream` only when it is a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.active = stream.isatty()
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.active or now - self.started < WAIT or now - self.drawn_at < _REDRAW or total <= 0:
            return
        filled = WIDTH * done // total
        self.stream.write(f"\r{stage:<8} [{'#' * filled}{'.' * (WIDTH - filled)}] {done:,}/{total:,}")
        self.stream.flush()
        self.drawn_at, self.drawn = now, True

    def clear(self) -> None:
        """Erase the bar, so the summary or an error starts on a clean line."""
        if self.drawn:
            self.stream.write("\r" + " " * (WIDTH + 40) + "\r")
            self.stream.flush()
            self.drawn = False


def summary_line(result: BuildResult, output: Path) -> str:
    """One line: files written and unchanged, reports from the cache, seconds."""
    s = result.summary
    if result.site is None:
        return f"nothing changed: {s.unchanged:,} files unchanged in {result.seconds:.2f}s -> {output}"
    site = result.site
    return (f"built {len(site.reports):,} reports: {s.written:,} files written, {s.unchanged:,} unchanged, "
            f"{s.removed:,} removed; {site.reports_from_cache:,} reports from cache, in {result.seconds:.2f}s "
            f"-> {output}")
