"""The store: values survive a round trip, untrustworthy rows and files are made again, and builds that
take what they can from it produce exactly what a clean build does."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from builder import codec, prepare, store
from builder.build import BuildOptions, build
from builder.markup import TITLES
from builder.model import Card, SiteConfig, Source, TopicRef
from builder.store import CACHE_DIR, Store, state_file
from conftest import NOW, build_site, published, report


def _site(count: int = 6) -> dict[str, str]:
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
def test_a_card_survives_the_store_with_its_timezone_and_extra(when):
    card = Card(source="a.md", slug="a", title="T", date=when, updated=when + timedelta(days=1), author="A",
                summary="S", topics=(TopicRef("AI", "ai"),), highlights=("h",), reading_minutes=2,
                extra={"a": [1, 2.5, None], "when": when.date(), "at": when})
    again = codec.decode_card(codec.load(codec.dump(codec.encode_card(card))))
    assert again == card
    assert again.date.tzname() == card.date.tzname() and again.date.utcoffset() == card.date.utcoffset()


def test_a_second_build_takes_every_report_from_the_store_and_writes_nothing(make_site):
    root = make_site(_site())
    first = build_site(root)
    second = build_site(root)
    assert first.site.reports_from_cache == 0
    assert second.site.reports_from_cache == 6
    assert second.summary.written == 0 and second.site.rendered == ()


def test_an_edit_renders_only_the_pages_that_show_the_report_and_matches_a_clean_build(make_site, tmp_path):
    root = make_site(_site())
    build_site(root)
    path = root / "content" / "r4.md"
    path.write_text(path.read_text().replace("Words about", "New words about"), encoding="utf-8")
    result = build_site(root)
    assert "reports/r4/index.html" in result.site.rendered
    assert "reports/r0/index.html" not in result.site.rendered
    shutil.rmtree(root / CACHE_DIR)
    build_site(root, output=tmp_path / "clean")
    assert published(tmp_path / "clean") == published(root / "output")


def test_a_deleted_output_page_is_rendered_again(make_site):
    root = make_site(_site())
    build_site(root)
    (root / "output" / "reports" / "r1" / "index.html").unlink()
    result = build_site(root)
    assert result.site.rendered == ("reports/r1/index.html",)
    assert (root / "output" / "reports" / "r1" / "index.html").is_file()


def test_a_scheduled_report_is_published_once_the_clock_passes_its_date(make_site):
    root = make_site(_site(2) | {"content/later.md": report("Later", "2026-12-01")})
    build_site(root)
    assert build_site(root).summary.written == 0
    due = build(BuildOptions(root=root, output=root / "output", now=NOW + timedelta(days=7)))
    assert due.summary.written > 0
    assert (root / "output" / "reports" / "later" / "index.html").is_file()


@pytest.fixture
def another_python(monkeypatch):
    """The store's version stamp as a different Python would compute it."""
    store.code_version.cache_clear()
    monkeypatch.setattr(store.sys, "version", "3.99.0 (another build)")
    yield
    store.code_version.cache_clear()


def test_a_store_made_by_another_python_version_is_discarded_with_a_notice(make_site, request):
    root = make_site(_site(2))
    build_site(root)
    request.getfixturevalue("another_python")
    result = build_site(root)
    assert result.site.reports_from_cache == 0
    assert any("made by another version of trendsite, Python or a library" in p.message for p in result.site.warnings)


def test_a_damaged_store_is_made_again_and_gives_the_same_site(make_site, tmp_path):
    root = make_site(_site())
    build_site(root)
    for path in (root / CACHE_DIR).glob("*.sqlite"):
        path.write_bytes(b"SQLite format 3\x00" + b"\x00broken" * 200)
    result = build_site(root, output=tmp_path / "again")
    assert result.site.reports_from_cache == 0
    assert any("is damaged" in p.message for p in result.site.warnings)
    assert published(tmp_path / "again") == published(root / "output")


@pytest.mark.parametrize("field, value", [(4, 5), (5, ("AI", 3)), (8, "yes"), (2, "2026-01-01"), (10, ("x", 1))])
def test_a_well_formed_entry_of_the_wrong_types_is_made_again_not_a_traceback(make_site, tmp_path, field, value):
    root = make_site(_site(2))
    build_site(root)
    with sqlite3.connect(root / CACHE_DIR / "values.sqlite") as db:
        for key, head in db.execute("SELECT key, head FROM entries").fetchall():
            plain = codec.load(head)
            meta = plain[0][:field] + (value,) + plain[0][field + 1:]
            db.execute("UPDATE entries SET head = ? WHERE key = ?", (codec.dump((meta, *plain[1:])), key))
    result = build_site(root, output=tmp_path / "again")
    assert result.site.reports_from_cache == 0
    assert published(tmp_path / "again") == published(root / "output")


def test_a_mistyped_record_in_the_state_is_made_again(make_site):
    root = make_site(_site(2))
    build_site(root)
    with sqlite3.connect(state_file(root, root / "output")) as db:
        db.execute("UPDATE reports SET card = ?", (codec.dump(("not", "a", "card")),))
    result = build_site(root, drafts=True)  # another option: the update reads the records (there is no draft)
    assert result.site.reports_from_cache == 0
    assert result.summary.written == 0  # made again, the same bytes


def test_entries_no_report_uses_are_pruned(make_site):
    root = make_site(_site(2))
    for title in ("First", "Second", "Third"):
        (root / "content" / "r0.md").write_text(report(title, "2026-01-10"))
        build_site(root)
        with sqlite3.connect(root / CACHE_DIR / "values.sqlite") as db:
            assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 2  # one a report, no old versions


def test_workers_prepare_the_same_entries_as_one_process(monkeypatch, tmp_path):
    sources = {f"r{i}.md": (f"key{i}", Source(tmp_path / f"r{i}.md", f"r{i}.md", report(f"R {i}", body=f"Body {i}.")))
               for i in range(6)}

    def entries(folder, workers):
        with Store.open(folder, folder / "output") as opened:
            keys, problems = prepare.prepare_entries(sources, SiteConfig(), TITLES, timezone.utc, opened, workers)
            return problems, {key: (opened.heads([key])[key], opened.bodies([key])[key]) for key in keys.values()}

    alone = entries(tmp_path / "a", 1)
    monkeypatch.setattr(prepare, "PARALLEL_MIN", 2)
    monkeypatch.setattr(prepare, "CHUNK", 2)
    assert entries(tmp_path / "b", 2) == alone


def salt(config: SiteConfig, titles: tuple[str, str] = TITLES) -> str:
    return prepare.prepare_salt(config, titles)


def test_an_entry_is_keyed_by_the_settings_markdown_reads():
    assert salt(SiteConfig()) == salt(SiteConfig(per_page=3))
    assert salt(SiteConfig()) != salt(SiteConfig(unsafe_html=True))
    assert salt(SiteConfig()) != salt(SiteConfig(timezone="Europe/Berlin"))


def test_an_entry_is_keyed_by_what_the_language_changes_in_it():
    assert salt(SiteConfig(language="es")) != salt(SiteConfig())  # Spanish stopwords
    assert salt(SiteConfig(language="es")) == salt(SiteConfig(language="es-MX"))
    assert salt(SiteConfig(), ("Enlace a esta sección", TITLES[1])) != salt(SiteConfig())


@pytest.fixture
def reads_data(monkeypatch):
    """Markdown that shows the bytes of data.csv beside the report, as a chart made from it would."""
    from builder import markup
    real = markup.MarkdownRenderer.render

    def render(self, body, files=None, made=None):
        rendered = real(self, body, files, made)
        if files is not None and "DATA-HERE" in body:
            return rendered.__class__(**{**rendered.__dict__, "html": rendered.html.replace(
                "DATA-HERE", files.bytes_of("data.csv").decode())})
        return rendered

    monkeypatch.setattr(markup.MarkdownRenderer, "render", render)


def test_a_report_is_made_again_when_a_file_its_markdown_read_changes(make_site, tmp_path, reads_data):
    root = make_site({"content/ai/a.md": report("A", body="Data: DATA-HERE"), "content/ai/data.csv": "x,1\n",
                      "content/b.md": report("B")})
    build_site(root)
    (root / "content" / "ai" / "data.csv").write_text("x,2\n")
    result = build_site(root)
    assert "reports/a/index.html" in result.site.rendered and "reports/b/index.html" not in result.site.rendered
    assert "x,2" in (root / "output" / "reports" / "a" / "index.html").read_text()
    shutil.rmtree(root / CACHE_DIR)
    build_site(root, output=tmp_path / "clean")
    assert published(tmp_path / "clean") == published(root / "output")


def test_a_file_a_report_reads_must_stay_inside_content(tmp_path):
    from builder.load import ReportFiles
    (tmp_path / "content" / "ai").mkdir(parents=True)
    (tmp_path / "secret.csv").write_text("no")
    (tmp_path / "content" / "ai" / "link.csv").symlink_to(tmp_path / "secret.csv")
    files = ReportFiles(tmp_path / "content", "ai/a.md")
    for target in ("../../secret.csv", "/etc/passwd", "link.csv"):
        with pytest.raises(ValueError):
            files.bytes_of(target)
    assert files.read == {}


def test_a_made_value_is_kept_by_its_key_for_worker_processes_too(tmp_path):
    with Store.open(tmp_path, tmp_path / "output") as opened:
        calls = []
        assert opened.made.make("k1", lambda: calls.append(1) or b"svg") == b"svg"
        assert opened.made.make("k1", lambda: calls.append(1) or b"other") == b"svg" and calls == [1]
        elsewhere = store.Made.open(opened.made.path)  # as a worker process opens it
        assert elsewhere.get("k1") == b"svg" and elsewhere.get("k2") is None
        elsewhere.put("k2", b"png")
        assert opened.made.get("k2") == b"png"
