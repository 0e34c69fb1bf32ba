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


# What a build leaves out unless given the option.
_LEFT_OUT = {"--drafts": "draft", "--future": "scheduled report"}


def summary_line(result: BuildResult, output: Path) -> str:
    """One line: reports built and left out, files written and unchanged, reports from the cache, seconds."""
    s = result.summary
    if not (s.written or s.removed):
        return f"nothing changed: {count_of(s.unchanged, 'file')} unchanged in {result.seconds:.2f}s -> {output}"
    site = result.site
    # Said, so that an editor missing a report from the site knows why, and which option shows it.
    left_out = " and ".join(f"{count_of(n, _LEFT_OUT[option])} ({option})" for option, n in site.left_out.items() if n)
    unpublished = f", leaving out {left_out}" if left_out else ""
    return (f"built {count_of(len(site.reports), 'report')}{unpublished}: {count_of(s.written, 'file')} written, "
            f"{s.unchanged:,} unchanged, {s.removed:,} removed; {count_of(site.reports_from_cache, 'report')} "
            f"from cache, in {result.seconds:.2f}s -> {output}")


def count_of(number: int, noun: str) -> str:
    """"1 report", "2 reports", "1,234 reports"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
