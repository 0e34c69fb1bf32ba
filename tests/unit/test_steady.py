"""A build that finds nothing changed stands on the last one (engine.last_site): it says what that one
said and writes nothing, and each thing that changes the site makes it a whole update again."""
from __future__ import annotations

import os
import time
from datetime import timedelta

from conftest import NOW, build_site, published, report
from builder.build import BuildOptions, build
from builder.load import RACY_NS
from builder.store import state_file


def _site(root_maker, **extra: str):
    return root_maker({"content/a.md": report("Alpha", "2026-03-01", ("AI",), "See [b](b.md).", summary="A."),
                       "content/b.md": report("Beta", "2026-04-01", ("Law",), "Text.", summary="B."), **extra})


def test_a_second_build_with_nothing_changed_stands_on_the_first(make_site):
    root = _site(make_site)
    first = build_site(root)
    second = build_site(root)
    assert not first.site.steady and second.site.steady
    assert second.summary.written == 0 and second.summary.unchanged == first.summary.written
    assert second.site.reports_from_cache == 2


def test_it_says_the_warnings_the_last_build_said(make_site):
    root = _site(make_site, **{"content/c.md": report("Gamma", "2026-05-01", body="![](missing-alt.png)"),
                               "content/missing-alt.png": b"not read"})
    first = build_site(root)
    second = build_site(root)
    assert second.site.steady and first.site.warnings and second.site.warnings == first.site.warnings


def test_a_renamed_reports_lost_address_is_said_once(make_site):
    root = _site(make_site)
    build_site(root)
    (root / "content" / "a.md").rename(root / "content" / "alpha.md")
    renamed = build_site(root)
    assert any("/reports/a/" in p.message for p in renamed.site.warnings)
    again = build_site(root)
    assert again.site.steady and not any("/reports/a/" in p.message for p in again.site.warnings)


def test_a_deleted_or_edited_output_file_is_made_again(make_site):
    root = _site(make_site)
    build_site(root)
    before = published(root / "output")
    (root / "output" / "index.html").unlink()
    (root / "output" / "reports" / "a" / "index.html").write_text("edited by hand")
    repaired = build_site(root)
    assert not repaired.site.steady and published(root / "output") == before


def test_without_its_state_every_file_is_compared_then_recorded(make_site):
    root = _site(make_site)
    build_site(root)
    state_file(root, root / "output").unlink()
    compared = build_site(root)
    assert not compared.site.steady and compared.summary.written == 0
    assert build_site(root).site.steady


def test_a_touched_but_unchanged_file_is_looked_at_then_the_build_is_steady_again(make_site):
    root = _site(make_site)
    build_site(root)
    time.sleep(RACY_NS / 1e9 + 0.1)
    build_site(root)  # the files' stamps are trusted from now on
    stamp = (root / "content" / "a.md").stat().st_mtime
    os.utime(root / "content" / "a.md", (stamp + 60, stamp + 60))
    touched = build_site(root)
    assert not touched.site.steady and touched.summary.written == 0
    assert build_site(root).site.steady


def test_options_and_the_clock_make_a_whole_update(make_site):
    root = _site(make_site, **{"content/due.md": report("Due", (NOW + timedelta(days=2)).date().isoformat()),
                               "content/draft.md": report("Draft", "2026-02-01", draft="true")})
    first = build_site(root)
    assert first.site.next_change is not None
    assert not build_site(root, drafts=True).site.steady
    assert build_site(root, drafts=True).site.steady
    assert not build_site(root).site.steady  # drafts left out again
    came = build(BuildOptions(root=root, output=root / "output", now=NOW + timedelta(days=3)))
    assert not came.site.steady and any(r.title == "Due" for r in came.site.reports)


def test_a_settings_or_theme_change_makes_a_whole_update(make_site):
    root = _site(make_site)
    build_site(root)
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text('{% extends "!base.html" %}')
    assert not build_site(root).site.steady
    assert build_site(root).site.steady
    (root / "pyproject.toml").write_text('[tool.trendsite]\ntitle = "Renamed"\n')
    renamed = build_site(root)
    assert not renamed.site.steady and "Renamed" in (root / "output" / "index.html").read_text()


def test_a_file_just_written_when_the_last_build_looked_is_read_again_and_then_stands(make_site):
    root = _site(make_site)
    first = build_site(root)  # its files were written a moment before: their stamps are not trusted
    time.sleep(RACY_NS / 1e9 + 0.1)
    again = build_site(root)
    assert again.site.steady and again.summary.written == 0 and not first.site.steady
