"""The build cache: entries survive a round trip, untrustworthy files are ignored, and cached or
incremental builds produce exactly what a clean build does."""
from __future__ import annotations

import marshal
import shutil
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from builder import cache, prepare
from builder.build import BuildOptions, build
from builder.cache import CACHE_DIR, Entry, ReportCache, cache_salt, code_digest, decode_entry, encode_entry
from builder.markup import MarkdownRenderer
from builder.memory import Memory
from builder.model import FrontMatter, SiteConfig, Source
from conftest import NOW, build_site, published, report


def _entry(**meta) -> Entry:
    fields = {"title": "T", "date": datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))} | meta
    rendered = MarkdownRenderer().render("## Heading\n\nText with 'quotes' -- and a [link](x.md).\n")
    return Entry(meta=FrontMatter(**fields), body_line=5, rendered=rendered,
                 terms=(("heading", 2.5), ("text", 1.0)), index_terms=((1, ("heading", "text")),))


def _sitepublished(count: int = 6) -> dict[str, str]:
    files = {f"content/r{i}.md": report(f"Report {i}", f"2026-0{1 + i % 9}-1{i % 10}", ("AI", f"T{i % 3}"),
                                        f"## Part\n\nWords about chips {i} and 'models' -- more.\n")
             for i in range(count)}
    files["pyproject.toml"] = "[tool.trendsite]\nper_page = 2\nrelated_count = 2\n"
    return files


@pytest.mark.parametrize("when", [
    datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Europe/Berlin")),
    datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc),
    datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2), "EET")),
])
def test_an_entry_survives_marshal_with_its_timezone(when):
    entry = _entry(date=when, updated=when + timedelta(days=1), tags=("AI", "Law"), extra={"a": [1, 2.5, None]})
    back = decode_entry(marshal.loads(marshal.dumps(encode_entry(entry))))
    assert back == entry
    assert back.meta.date.tzname() == when.tzname()


def test_an_extra_with_a_date_is_not_cached():
    assert encode_entry(_entry(extra={"when": datetime(2026, 1, 1)})) is None


def test_a_cache_entry_is_read_back(tmp_path):
    cache = ReportCache(tmp_path, "salt")
    key = cache.key("text")
    cache.put(key, encode_entry(_entry()))
    assert ReportCache(tmp_path, "salt").get(key) == _entry()


@pytest.mark.parametrize("damage", [
    b"garbage",                                              # not ours at all
    b"trendsite-cache-1\n" + b"\xff\x00\x13",                # our header, then junk
    b"trendsite-cache-1\n" + marshal.dumps(("too", "short")),  # the wrong shape
    b"trendsite-cache-1\n" + marshal.dumps(((), 1, ("", (), "", "", 1), (), ())),  # wrong front matter
])
def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path, damage):
    cache = ReportCache(tmp_path, "salt")
    key = cache.key("text")
    cache.put(key, encode_entry(_entry()))
    path = next((tmp_path / "reports").rglob(key))
    path.write_bytes(damage)
    assert ReportCache(tmp_path, "salt").get(key) is None


def test_settings_that_change_rendering_change_the_salt():
    salts = {cache_salt(False, "UTC"), cache_salt(True, "UTC"), cache_salt(False, "Europe/Paris")}
    assert len(salts) == 3


def test_a_second_build_takes_every_report_from_the_cache(make_site):
    root = make_site(_sitepublished())
    first = build_site(root)
    second = build_site(root)
    assert first.site.reports_from_cache == 0
    assert second.site.reports_from_cache == 6
    assert second.summary.written == 0


def test_entries_no_build_uses_are_deleted_by_one_off_and_by_warm_builds(make_site):
    root = make_site(_sitepublished(2))
    entries = root / CACHE_DIR / "reports"

    def edit_and_build(memory: Memory, title: str) -> None:
        (root / "content" / "r0.md").write_text(report(title, "2026-01-10"))
        memory.forget(["content/r0.md"])
        build(BuildOptions(root=root, output=root / "output", now=NOW), memory)
        assert len([p for p in entries.rglob("*") if p.is_file()]) == 2  # one entry a report, no old versions

    edit_and_build(Memory(warm=False), "First")
    (entries / "zz").mkdir()
    (entries / "zz" / "left-by-another-version").write_bytes(b"old")
    warm = Memory()
    for title in ("Second", "Third"):  # the first warm build lists the folder, the next one need not
        edit_and_build(warm, title)


def test_a_corrupt_cache_is_rebuilt_and_gives_the_same_site(make_site, tmp_path):
    root = make_site(_sitepublished())
    build_site(root)
    for path in (root / CACHE_DIR).rglob("*"):
        if path.is_file():
            path.write_bytes(b"trendsite-cache-1\n\x00broken")
    result = build_site(root, output=tmp_path / "again")
    assert result.site.reports_from_cache == 0
    assert published(tmp_path / "again") == published(root / "output")


def test_an_edit_renders_only_the_pages_that_show_the_report_and_matches_a_clean_build(make_site, tmp_path):
    root = make_site(_sitepublished())
    build_site(root)
    path = root / "content" / "r4.md"
    path.write_text(path.read_text().replace("Words about", "New words about"), encoding="utf-8")
    result = build_site(root)
    rendered = set(result.site.files)
    assert "reports/r4/index.html" in rendered and "archive/index.html" in rendered
    assert "reports/r0/index.html" in result.site.kept
    shutil.rmtree(root / CACHE_DIR)
    build_site(root, output=tmp_path / "clean")
    assert published(tmp_path / "clean") == published(root / "output")


def test_a_deleted_output_page_is_rendered_again(make_site):
    root = make_site(_sitepublished())
    build_site(root)
    (root / "output" / "reports" / "r1" / "index.html").unlink()
    result = build_site(root)
    assert "reports/r1/index.html" in result.site.files
    assert (root / "output" / "reports" / "r1" / "index.html").is_file()


def test_an_unchanged_site_is_skipped_and_a_change_is_not(make_site):
    root = make_site(_sitepublished())
    build_site(root, skip_unchanged=True)
    assert build_site(root, skip_unchanged=True).site is None
    (root / "content" / "r2.md").write_text(report("Changed", "2026-02-02"), encoding="utf-8")
    result = build_site(root, skip_unchanged=True)
    assert result.site is not None and result.summary.written > 0


def test_a_scheduled_report_ends_the_skipping_when_it_is_due(make_site):
    files = _sitepublished(2) | {"content/later.md": report("Later", "2026-12-01")}
    root = make_site(files)
    build_site(root, skip_unchanged=True)
    assert build_site(root, skip_unchanged=True).site is None
    due = build(BuildOptions(root=root, output=root / "output", now=NOW + timedelta(days=7), skip_unchanged=True))
    assert due.site is not None
    assert (root / "output" / "reports" / "later" / "index.html").is_file()


def test_workers_prepare_the_same_reports_as_one_process(monkeypatch, tmp_path):
    sources = [Source(tmp_path / f"r{i}.md", f"r{i}.md", report(f"R {i}", body=f"Body 'x' {i} -- y."))
               for i in range(6)]
    config = SiteConfig()
    alone, _ = prepare.prepare_reports(sources, config, timezone.utc, NOW, ReportCache(tmp_path / "a", "s"))
    monkeypatch.setattr(prepare, "PARALLEL_MIN", 2)
    monkeypatch.setattr(prepare, "CHUNK", 2)
    shared, _ = prepare.prepare_reports(sources, config, timezone.utc, NOW, ReportCache(tmp_path / "b", "s"), workers=2)
    assert shared == alone


def test_a_source_prepared_by_an_earlier_build_is_reused_only_under_the_same_salt(tmp_path):
    source = Source(tmp_path / "r.md", "r.md", report("R", body="Body."))
    config, known = SiteConfig(), {}
    first, _ = prepare.prepare_reports([source], config, timezone.utc, NOW, ReportCache(tmp_path, "s"), known=known)
    again = ReportCache(tmp_path, "s")
    second, _ = prepare.prepare_reports([source], config, timezone.utc, NOW, again, known=known)
    assert second[0] is first[0] and again.hits == 1 and again.used == {first[0].key}
    salted, _ = prepare.prepare_reports([source], config, timezone.utc, NOW, ReportCache(tmp_path, "t"), known=known)
    assert salted[0].key != first[0].key


@pytest.mark.parametrize("field, value", [("summary", (0, 5)), ("tags", (2, ("AI", 3))), ("draft", (0, "yes")),
                                          ("updated", (0, "2026-01-01")), ("extra", (0, {"a": {1, 2}}))])
def test_a_well_formed_entry_of_the_wrong_types_is_rebuilt_not_a_traceback(make_site, tmp_path, field, value):
    root = make_site(_sitepublished(2))
    build_site(root)
    at = [f.name for f in fields(FrontMatter)].index(field)
    for path in (root / CACHE_DIR / "reports").rglob("*"):
        if path.is_file():
            plain = marshal.loads(path.read_bytes().removeprefix(b"trendsite-cache-1\n"))
            meta = plain[0][:at] + (value,) + plain[0][at + 1:]
            path.write_bytes(b"trendsite-cache-1\n" + marshal.dumps((meta, *plain[1:])))
    result = build_site(root, output=tmp_path / "again")
    assert result.site.reports_from_cache == 0
    assert published(tmp_path / "again") == published(root / "output")


@pytest.fixture
def another_python(monkeypatch):
    """The build cache's code digest as a different Python version would compute it."""
    code_digest.cache_clear()
    monkeypatch.setattr(cache.sys, "version", "3.99.0 (another build)")
    yield
    code_digest.cache_clear()


def test_a_cache_written_by_another_python_version_is_not_reused(make_site, request):
    root = make_site(_sitepublished(2))
    build_site(root)
    request.getfixturevalue("another_python")
    assert build_site(root).site.reports_from_cache == 0
