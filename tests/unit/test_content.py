from datetime import datetime, timezone
from pathlib import Path

from builder.content import World, check_slugs, make_card, report_slug, resolve_report
from builder.model import SiteConfig, Source
from builder.markup import TITLES
from builder.prepare import prepare_chunk

NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)


def prepared(files: dict[str, str], config=SiteConfig()):
    """(card, entry) of each file, as the build makes them before links are resolved."""
    sources = [Source(Path(rel), rel, text) for rel, text in files.items()]
    out = []
    for source, (entry, problems) in zip(sources, prepare_chunk(sources, config, TITLES, timezone.utc)):
        assert problems == []
        out.append((make_card(source.rel, entry.head, config, NOW), entry))
    return out


def reports_from(files: dict[str, str], config=SiteConfig()):
    return [card for card, _ in prepared(files, config)]


def resolve_links(files: dict[str, str], assets, base_path: str):
    """(each report's resolved html, every problem) as the build resolves links between files."""
    made = prepared(files)
    entries = {card.source: entry for card, entry in made}
    world = World({card.source: card for card, _ in made}, anchors=lambda rel: entries[rel].head.anchors,
                  published=set(assets), failed=set())
    resolved = [resolve_report(card, entry.html, world, base_path, lambda rel=card.source: files[rel])
                for card, entry in made]
    return [r.html for r in resolved], [p for r in resolved for p in r.problems]


def doc(title="T", date="2026-01-01", extra="", body="Body."):
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def test_slug_comes_from_front_matter_file_name_or_bundle_folder():
    a, b, c = reports_from({"x.md": doc(extra="slug: chosen\n"), "Some File.md": doc(),
                            "eu/vendors/index.md": doc()})
    assert (a.slug, b.slug, c.slug) == ("chosen", "some-file", "vendors")
    assert report_slug.__doc__


def test_topics_summary_reading_time_and_flags():
    words = " ".join(["word"] * 460)
    ((r, entry),) = prepared({"a.md": doc(date="2027-01-01", extra="tags: [AI, Law]\ndraft: true\n", body=words)})
    assert [t.slug for t in r.topics] == ["ai", "law"]
    assert r.reading_minutes == 2 and entry.head.word_count == 460
    assert r.summary.endswith("…") and len(r.summary.split()) == 50
    assert r.draft and r.future


def test_duplicate_slugs_name_both_files():
    reports = reports_from({"a.md": doc(extra="slug: same\n"), "b.md": doc(extra="slug: same\n")})
    problems = check_slugs(reports)
    assert len(problems) == 2
    assert all("content/a.md" in p.message and "content/b.md" in p.message for p in problems)


def test_links_to_reports_headings_and_files_resolve():
    files = {"a.md": doc(body="[b](b.md#part) [pic](img/p.png) [ext](https://x.org/a.md) [top](#x)"),
             "b.md": doc(body="## Part\n\ntext")}
    resolved, problems = resolve_links(files, ["img/p.png"], "/sub/")
    assert problems == []
    html = resolved[0]
    assert 'href="/sub/reports/b/#part"' in html and 'href="/sub/img/p.png"' in html
    assert 'href="https://x.org/a.md"' in html and 'href="#x"' in html


def test_broken_links_are_errors_with_file_and_line():
    files = {"a.md": doc(body="Intro.\n\n[gone](missing.md)\n\n[bad anchor](b.md#nope)\n\n![x](nothing.png)"),
             "b.md": doc()}
    _, problems = resolve_links(files, [], "/")
    found = sorted((p.line, p.message) for p in problems)
    assert [line for line, _ in found] == [7, 9, 11]
    assert "content/missing.md, which does not exist" in found[0][1]
    assert "heading #nope" in found[1][1]
    assert all(p.path == "content/a.md" for p in problems)


def test_links_cannot_leave_the_content_folder():
    files = {"a.md": doc(body="[x](../../etc/passwd)")}
    _, problems = resolve_links(files, [], "/")
    assert "outside the content folder" in problems[0].message


def test_a_bad_image_is_an_error_on_its_line():
    files = {"a.md": doc(extra="tags: [AI]\nimage: missing.png\n"), "b.md": doc(extra="image: 'javascript:x'\n")}
    _, problems = resolve_links(files, [], "/")
    assert sorted((p.path, p.line) for p in problems) == [("content/a.md", 5), ("content/b.md", 4)]


def test_tags_that_name_one_topic_page_make_one_topic():
    (r,) = reports_from({"a.md": doc(extra="tags: [AI, ai, Law, 'Ai']\n")})
    assert [(t.name, t.slug) for t in r.topics] == [("AI", "ai"), ("Law", "law")]


def test_a_broken_link_is_found_on_its_line_not_on_an_image_field_naming_the_same_file():
    files = {"a.md": doc(extra="image: chart.png\n", body="Intro.\n\n![A chart](chart.png)\n\n![again][c]\n\n"
                                                          "[c]: chart.png")}
    _, problems = resolve_links(files, [], "/")
    assert sorted(p.line for p in problems) == [4, 8, 8]  # the image: field, then the first use, not line 4
