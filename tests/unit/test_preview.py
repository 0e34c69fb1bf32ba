"""The serve loop's rebuilds: what they report, and what they tell open pages."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from queue import Queue
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from builder import preview as preview_module
from builder.build import BuildOptions
from builder.check import check_site
from builder.errors import BUG_HINT
from builder.preview import DUE, Preview, notify
from builder.serve import Hub
from builder.watch import ChangeSet
from conftest import NOW, report


def site_with_reports(make_site, count: int = 4):
    files = {f"content/r{n}.md": report(f"Report {n}", f"2026-0{n + 1}-01", ("AI",)) for n in range(count)}
    files["pyproject.toml"] = "[tool.trendsite]\nrelated_count = 3\n"
    return make_site(files)


def preview_of(root, **options) -> Preview:
    return Preview(BuildOptions(root=root, output=root / "output", now=NOW, **options))


def events(hub: Hub) -> list[bytes]:
    listener = hub.subscribe()
    hub_events = []
    while not listener.empty():
        hub_events.append(listener.get())
    return hub_events


def listening(root) -> tuple[Preview, Hub, Queue]:
    """A preview of root after its first build, a hub, and a listener of it past its hello."""
    preview = preview_of(root)
    preview.rebuild(None)
    hub = Hub()
    listener = hub.subscribe()
    listener.get()
    return preview, hub, listener


def told(preview: Preview, hub: Hub, listener: Queue, *paths: str) -> str:
    """The event open pages get after a rebuild for a change to these site paths."""
    changes = ChangeSet.of(paths)
    notify(hub, preview.rebuild(changes), changes)
    return listener.get_nowait().decode()


def test_a_title_change_explains_which_pages_show_it(make_site):
    root = site_with_reports(make_site)
    preview = preview_of(root)
    preview.rebuild(None)
    (root / "content" / "r1.md").write_text(report("A new title", "2026-02-01", ("AI",)))
    outcome = preview.rebuild(ChangeSet.of(["content/r1.md"]))
    log = "\n".join(outcome.log)
    assert "changed: content/r1.md" in log
    assert "reports/r1/: its own page; Explore more of 3 report(s) shows its title" in log
    assert "listing(s) show it" in log
    assert "reports/r1/index.html" in outcome.written and "feed.xml" in outcome.written
    assert "A new title" in (root / "output" / "reports" / "r0" / "index.html").read_text()


def test_a_deleted_report_is_named_and_its_page_removed(make_site):
    root = site_with_reports(make_site)
    preview = preview_of(root)
    preview.rebuild(None)
    (root / "content" / "r2.md").unlink()
    outcome = preview.rebuild(ChangeSet.of(["content/r2.md"]))
    assert "reports/r2/index.html" in outcome.removed
    assert any(line.strip().startswith("reports/r2/: page removed") for line in outcome.log)


def test_a_failed_rebuild_keeps_the_last_good_site_and_shows_the_overlay(make_site):
    root = site_with_reports(make_site)
    preview = preview_of(root)
    preview.rebuild(None)
    before = (root / "output" / "reports" / "r1" / "index.html").read_bytes()
    (root / "content" / "r1.md").write_text("---\ntitle: [unclosed\n---\n")
    hub = Hub()
    failed = preview.rebuild(ChangeSet.of(["content/r1.md"]))
    notify(hub, failed, ChangeSet.of(["content/r1.md"]))
    assert failed.site is None and failed.problems[0].path == "content/r1.md"
    assert failed.log[0] == "1 problem; still serving the last good site:"
    assert (root / "output" / "reports" / "r1" / "index.html").read_bytes() == before
    sent = events(hub)
    assert b"event: problem" in sent[1] and b'"line": 2' in sent[1]
    (root / "content" / "r1.md").write_text(report("Fixed", "2026-02-01"))
    fixed = preview.rebuild(ChangeSet.of(["content/r1.md"]))
    notify(hub, fixed, ChangeSet.of(["content/r1.md"]))
    assert fixed.site is not None
    assert len(events(hub)) == 1  # a page opened now sees no overlay, just the hello


def test_a_stylesheet_change_swaps_styles_instead_of_reloading(make_site):
    root = site_with_reports(make_site, 2)
    (root / "templates" / "static").mkdir(parents=True)
    (root / "templates" / "static" / "style.css").write_text("body { color: red }")
    preview, hub, listener = listening(root)
    (root / "templates" / "static" / "style.css").write_text("body { color: blue }")
    sent = told(preview, hub, listener, "templates/static/style.css")
    assert sent.startswith("event: styles") and '"style.css": "static/style.' in sent
    assert listener.empty()


def test_a_content_change_reloads_the_pages_it_wrote(make_site):
    root = site_with_reports(make_site, 2)
    preview, hub, listener = listening(root)
    (root / "content" / "r0.md").write_text(report("Other", "2026-01-01"))
    sent = told(preview, hub, listener, "content/r0.md")
    assert sent.startswith("event: reload") and "reports/r0/index.html" in sent


def test_serve_with_drafts_shows_drafts_and_build_does_not(make_site):
    root = make_site({"content/a.md": report("Draft one", draft="true"), "content/b.md": report("Public")})
    preview_of(root, drafts=True).rebuild(None)
    assert (root / "output" / "reports" / "a" / "index.html").is_file()
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--root", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert not (root / "output" / "reports" / "a").exists()


def test_ctrl_c_stops_serve_cleanly(make_site):
    root = site_with_reports(make_site, 2)
    process = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--root", str(root), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 30
        while "serving" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
        assert "http://127.0.0.1:" in line
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    assert process.returncode == 0
    assert "Traceback" not in err and "stopped" in out


def test_serve_outlives_any_failure_of_a_rebuild_and_shows_it_in_the_overlay(make_site, monkeypatch):
    root = site_with_reports(make_site, 2)
    preview = preview_of(root)
    preview.rebuild(None)
    real = preview_module.build

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(preview_module, "build", broken)
    (root / "content" / "r0.md").write_text(report("Changed", "2026-01-01"))
    changes = ChangeSet.of(["content/r0.md"])
    failed = preview.rebuild(changes)
    hub = Hub()
    notify(hub, failed, changes)
    (problem,) = failed.problems
    assert problem.path == "content/r0.md" and "RecursionError: maximum recursion depth" in problem.message
    assert problem.hint == BUG_HINT and "--debug" in failed.log[1]
    assert b"event: problem" in events(hub)[1]
    monkeypatch.setattr(preview_module, "build", real)
    fixed = preview.rebuild(ChangeSet.of(["content/r1.md"]))
    assert fixed.site is not None and "Changed" in (root / "output" / "reports" / "r0" / "index.html").read_text()


def test_templates_in_a_loop_are_an_overlay_naming_the_files_not_the_end_of_serve(make_site):
    root = site_with_reports(make_site, 2)
    preview = preview_of(root)
    preview.rebuild(None)
    (root / "templates").mkdir()
    (root / "templates" / "report.html").write_text('{% extends "page.html" %}')
    (root / "templates" / "page.html").write_text('{% extends "report.html" %}')
    failed = preview.rebuild(ChangeSet.of(["templates/report.html", "templates/page.html"]))
    assert failed.site is None
    assert "templates/report.html -> templates/page.html -> templates/report.html" in failed.problems[0].message


class StopAtOnce:
    """A watcher whose first wait is Ctrl-C, so serve() returns after its first build."""

    def __init__(self, root):
        pass

    def start(self):
        pass

    def stop(self):
        pass

    def next_changes(self, timeout=None):
        raise KeyboardInterrupt


def test_serve_with_debug_prints_the_traceback_of_a_failure_nobody_foresaw(make_site, monkeypatch):
    root = site_with_reports(make_site, 1)

    def broken(*args, **kwargs):
        raise ValueError("an invented failure")

    monkeypatch.setattr(preview_module, "build", broken)
    monkeypatch.setattr(preview_module, "Watcher", StopAtOnce)
    options = BuildOptions(root=root, output=root / "output", now=NOW)
    quiet, loud = io.StringIO(), io.StringIO()
    assert preview_module.serve(options, port=0, out=quiet) == 0
    assert preview_module.serve(options, port=0, out=loud, debug=True) == 0
    assert "could not be rebuilt: ValueError: an invented failure" in quiet.getvalue()
    assert "Traceback" not in quiet.getvalue() and "Traceback (most recent call last)" in loud.getvalue()


def test_a_scheduled_report_joins_the_site_when_it_comes_due_without_a_save(make_site):
    root = make_site({"content/now.md": report("Now", "2026-11-01"),
                      "content/later.md": report("Later", (NOW + timedelta(hours=1)).isoformat())})
    preview = preview_of(root)
    preview.rebuild(None)
    assert not preview.due() and not (root / "output" / "reports" / "later").exists()
    preview.options = replace(preview.options, now=NOW + timedelta(hours=1))
    assert preview.due()
    outcome = preview.rebuild(DUE)
    assert "reports/later/index.html" in outcome.written and "index.html" in outcome.written
    assert outcome.log[0] == "a scheduled report is due" and outcome.log[1].startswith("  reports/later/: new page;")
    assert not preview.due()


def test_serve_publishes_a_scheduled_report_when_it_comes_due(make_site):
    soon = (datetime.now(timezone.utc) + timedelta(seconds=4)).replace(microsecond=0)
    root = make_site({"content/now.md": report("Now", "2026-01-01"),
                      "content/later.md": report("Later", soon.isoformat())})
    process = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--root", str(root), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page = root / "output" / "reports" / "later" / "index.html"
        deadline = time.monotonic() + 30
        while not page.exists() and time.monotonic() < deadline and process.poll() is None:
            assert datetime.now(timezone.utc) < soon + timedelta(seconds=20), "not published when due"
            time.sleep(0.1)
        assert page.exists() and datetime.now(timezone.utc) >= soon
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)


def test_open_pages_of_a_renamed_report_are_sent_to_its_new_url(make_site):
    root = site_with_reports(make_site, 3)
    preview, hub, listener = listening(root)
    (root / "content" / "r1.md").rename(root / "content" / "renamed.md")
    sent = told(preview, hub, listener, "content/r1.md", "content/renamed.md")
    assert json.loads(sent.split("data: ")[1])["moved"] == {"reports/r1/index.html": "reports/renamed/"}
    (root / "content" / "r2.md").write_text(report("Report 2", "2026-03-01", ("AI",), slug="new-slug"))
    sent = told(preview, hub, listener, "content/r2.md")
    assert json.loads(sent.split("data: ")[1])["moved"] == {"reports/r2/index.html": "reports/new-slug/"}


def test_the_warnings_are_those_check_gives_and_serve_prints_them(make_site, monkeypatch):
    root = make_site({"content/a.md": report("Alpha", summary="One line.", highlights="[A point.]"),
                      "content/b.md": report("Beta")})
    preview = preview_of(root)
    preview.rebuild(None)
    # All but base_url's: a preview served on this computer needs none.
    findings = [p for p in check_site(preview.options) if p.severity == "warning" and p.path != "pyproject.toml"]
    assert preview.warnings() == tuple(findings) and [w.path for w in findings] == ["content/b.md"] * 2
    monkeypatch.setattr(preview_module, "Watcher", StopAtOnce)
    out = io.StringIO()
    preview_module.serve(preview.options, port=0, out=out)
    printed = out.getvalue()
    assert "warning: content/b.md:1: has no summary (add `summary:`" in printed and "2 warnings in all" in printed


def test_serve_after_a_build_lists_every_report_so_a_rename_moves_open_tabs(make_site):
    root = site_with_reports(make_site)
    preview_of(root).rebuild(None)  # as `trendsite build` left it: nothing changed since
    preview = preview_of(root)
    first = preview.rebuild(None)
    assert not first.site.steady and len(first.site.reports) == 4
    (root / "content" / "r1.md").rename(root / "content" / "renamed.md")
    outcome = preview.rebuild(ChangeSet.of(["content/r1.md", "content/renamed.md"]))
    assert preview_module.moves(outcome.before, outcome.site) == {"reports/r1/index.html": "reports/renamed/"}
