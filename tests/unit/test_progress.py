"""The progress bar shows only on a terminal after a second; the summary names what the build did."""
from __future__ import annotations

import io
from pathlib import Path

from builder import progress
from builder.build import BuildResult
from builder.write import WriteSummary
from conftest import build_site, report, write_site


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_the_output_is_not_a_terminal(monkeypatch):
    stream = io.StringIO()
    bar = progress.ProgressBar(stream)
    monkeypatch.setattr(progress, "WAIT", 0.0)
    bar("reports", 5, 10)
    bar.clear()
    assert stream.getvalue() == ""


def test_no_bar_in_the_first_second(monkeypatch):
    stream = _Terminal()
    progress.ProgressBar(stream)("reports", 5, 10)
    assert stream.getvalue() == ""


def test_a_long_build_on_a_terminal_draws_a_bar_and_clears_it(monkeypatch):
    monkeypatch.setattr(progress, "WAIT", 0.0)
    stream = _Terminal()
    bar = progress.ProgressBar(stream)
    bar("reports", 5, 10)
    assert "5/10" in stream.getvalue() and "#" * (progress.WIDTH // 2) in stream.getvalue()
    bar.clear()
    assert stream.getvalue().endswith("\r")


def test_a_skipped_build_says_nothing_changed():
    result = BuildResult(site=None, summary=WriteSummary(written=0, unchanged=1234, removed=0), seconds=0.2)
    assert progress.summary_line(result, Path("out")) == "nothing changed: 1,234 files unchanged in 0.20s -> out"


def test_the_summary_counts_in_words_that_agree_with_the_number(tmp_path):
    site = build_site(write_site(tmp_path, {"content/a.md": report("A")})).site
    result = BuildResult(site=site, summary=WriteSummary(written=1, unchanged=2, removed=0), seconds=0.5)
    assert progress.summary_line(result, Path("out")) == (
        "built 1 report: 1 file written, 2 unchanged, 0 removed; 0 reports from cache, in 0.50s -> out")


def test_the_summary_names_the_reports_left_out_and_the_option_that_shows_them(tmp_path):
    later = "2027-01-01"
    root = write_site(tmp_path, {"content/a.md": report("A"), "content/b.md": report("B", draft="true"),
                                 "content/c.md": report("C", draft="true"), "content/d.md": report("D", later),
                                 "content/e.md": report("E", later, draft="true")})
    line = progress.summary_line(build_site(root), Path("out"))
    assert line.startswith("built 1 report, leaving out 3 drafts (--drafts) and 1 scheduled report (--future): ")
    line = progress.summary_line(build_site(root, drafts=True), Path("out"))
    assert line.startswith("built 3 reports, leaving out 2 scheduled reports (--future): ")
    line = progress.summary_line(build_site(root, drafts=True, future=True), Path("out"))
    assert line.startswith("built 5 reports: ")
