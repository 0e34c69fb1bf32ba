"""Every input of the site, changed on its own: an incremental build, warm (the Store `serve` keeps
open) and cold (a new Store over the state on disk, as a new process opens it), must give exactly what
a clean build gives. A value keyed without one of its inputs keeps a stale page, and fails here.

Each scenario is (files of a site, the edit): the site is built, edited, built again both ways, and
compared with a clean build of the edited site. The list covers every front matter field, every
setting, every bundled template and static file, files beside reports and what reads them, the build
options, and the clock; tests/test_keys_cover.py checks that it does.
"""
from __future__ import annotations

import shutil
from dataclasses import fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Callable

import pytest

from builder.build import BuildOptions, build
from builder.errors import BuildError
from builder.model import FrontMatter, SiteConfig
from builder.store import CACHE_DIR, Store
from conftest import NOW, REPO, published

BASE = {"per_page": "2", "related_count": "2", "feed_size": "2", "toc_min_headings": "2"}
CONFIG = "[tool.trendsite]\n" + "".join(f"{k} = {v}\n" for k, v in BASE.items())


def report(title: str, date: str = "2026-05-01", tags: str = "[AI, Chips]", body: str = "Chips and models.",
           **fields: str) -> str:
    lines = ["---", f'title: "{title}"', f"date: {date}", f"tags: {tags}", *(f"{k}: {v}" for k, v in fields.items())]
    return "\n".join(lines) + "\n---\n" + body + "\n"


BODY = "Intro about chips, " + "with more words " * 40 + "\n\n## First part\n\nModels.\n\n## Second part\n\nNetworks.\n\n[Beta](b.md#findings)"
SITE = {
    "pyproject.toml": CONFIG,
    "content/a.md": report("Alpha", "2026-05-01", body=BODY, image="pic.png", summary='"Alpha in short."',
                           highlights='["A point."]', author='"Mara Quint"', updated="2026-06-01"),
    "content/b.md": report("Beta", "2026-04-01", "[AI, Law]", "## Findings\n\nCourts and ~~old~~ chips.",
                           series='"Legal watch"'),
    "content/c.md": report("Gamma", "2026-03-01", "[Law, ai]", "Courts, law and <b>hiring</b>.",
                           series='"Legal watch"'),
    # Chips rises: two of the 90 days' reports, against one of the year's before.
    "content/e.md": report("Epsilon", "2026-10-01", "[Chips]", "Chips, again."),
    "content/f.md": report("Zeta", "2026-11-01", "[Chips, Robots]", "Chips and robots."),
    "content/later.md": report("Later", "2026-12-01", "[AI]", "Chips to come."),
    "content/pic.png": b"a picture",
    "content/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>',
}

Edit = Callable[[Path], None]


def rewrite(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def write(rel: str, data: str | bytes) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return edit


def remove(rel: str) -> Edit:
    return lambda root: (root / rel).unlink()


def setting(line: str) -> Edit:
    key, value = line.split(" = ", 1)
    return write("pyproject.toml", "[tool.trendsite]\n" + "".join(f"{k} = {v}\n" for k, v in {**BASE, key: value}.items()))


FRONT_MATTER = {
    "title": rewrite("content/b.md", 'title: "Beta"', 'title: "Beta, renamed"'),
    "date": rewrite("content/c.md", "date: 2026-03-01", "date: 2026-07-01"),
    "updated": rewrite("content/a.md", "updated: 2026-06-01", "updated: 2026-08-09"),
    "author": rewrite("content/a.md", 'author: "Mara Quint"', 'author: "Theo Lind"'),
    "summary": rewrite("content/a.md", '"Alpha in short."', '"Alpha, said otherwise."'),
    "tags": rewrite("content/c.md", "tags: [Law, ai]", "tags: [Law, Hiring]"),
    "highlights": rewrite("content/a.md", '["A point."]', '["Another point."]'),
    "slug": rewrite("content/b.md", "date: 2026-04-01", "date: 2026-04-01\nslug: beta-two"),
    "draft": rewrite("content/c.md", "date: 2026-03-01", "date: 2026-03-01\ndraft: true"),
    "image": rewrite("content/a.md", "image: pic.png", "image: logo.svg"),
    "extra": rewrite("content/b.md", "date: 2026-04-01", "date: 2026-04-01\nextra: {mood: sunny}"),
    "aliases": rewrite("content/b.md", "date: 2026-04-01", "date: 2026-04-01\naliases: [/2019/old-beta/]"),
    "series": rewrite("content/c.md", 'series: "Legal watch"', 'series: "Court watch"'),
}
SETTINGS = {
    "title": 'title = "Signals"', "description": 'description = "All about chips."',
    "base_url": 'base_url = "https://example.org/sub/"', "language": 'language = "es"',
    "author": 'author = "The desk"', "per_page": "per_page = 3", "related_count": "related_count = 1",
    "feed_size": "feed_size = 1", "toc_min_headings": "toc_min_headings = 9", "words_per_minute": "words_per_minute = 50",
    "unsafe_html": "unsafe_html = true", "max_file_bytes": "max_file_bytes = 1000", "timezone": 'timezone = "Asia/Tokyo"',
    "broken_links": 'broken_links = "warn"', "markdown_extensions": 'markdown_extensions = ["pymdownx.tilde"]',
    "extra": 'extra = {tagline = "Signals first"}', "stale_after_days": "stale_after_days = 200",
    "rising_window_days": "rising_window_days = 30", "rising_baseline_days": "rising_baseline_days = 60",
    "social_cards": "social_cards = false",
}
SCENARIOS: dict[str, Edit] = {
    **{f"front matter: {name}": edit for name, edit in FRONT_MATTER.items()},
    **{f"setting: {name}": setting(line) for name, line in SETTINGS.items()},
    **{f"template: {name}": write(f"templates/{name}", (REPO / "templates" / name).read_text().replace(
        "</", "<!-- the site's own -->\n</", 1)) for name in sorted(p.name for p in (REPO / "templates").glob("*.html"))},
    **{f"static file: {name}": write(f"templates/static/{name}", (REPO / "templates" / "static" / name).read_bytes()
                                     + b"\n") for name in sorted(p.name for p in (REPO / "templates" / "static").iterdir())},
    "body: a sentence": rewrite("content/c.md", "Courts, law", "Courts, new law"),
    "body: a heading another report links to": rewrite("content/b.md", "## Findings", "## Results"),
    "body: a link to another report": rewrite("content/a.md", "[Beta](b.md#findings)", "[Gamma](c.md)"),
    "a new report": write("content/d.md", report("Delta", "2026-05-02", body="Chips and more chips.")),
    "a report removed": remove("content/c.md"),
    "a report renamed": lambda root: (root / "content" / "b.md").rename(root / "content" / "beta.md"),
    "a file beside a report: its bytes": write("content/pic.png", b"another picture"),
    "a file beside a report: an SVG": write("content/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg">'
                                                                 '<circle r="4"/></svg>'),
    "a file beside a report: a new one": write("content/notes.txt", "notes"),
    # Two reports now write "ai", one "AI": every page showing the topic takes the spelling most use.
    "a topic's spelling, by how most reports write it": rewrite("content/b.md", "tags: [AI, Law]", "tags: [ai, Law]"),
}
# Scenarios that start from a site of their own: (files added to SITE, the edit).
LAW = {f"content/law{n}.md": report(f"Law {n}", f"2026-02-0{n}", "[Law]", body)
       for n, body in enumerate(("Courts and judges.", "Tribunals and fines.", "Statutes and courts.",
                                  "Fines and tribunals."), 1)}
STARTING_ELSEWHERE: dict[str, tuple[dict, Edit]] = {
    # Four reports of one topic, one pick each: the words of a body decide which.
    "body: words that bring a report closer to another": (
        {"pyproject.toml": CONFIG.replace("related_count = 2", "related_count = 1"), **LAW},
        rewrite("content/law3.md", "Statutes and courts.", "Tribunals, fines, tribunals and fines.")),
    "setting: unsafe_html off, with a web page beside the reports": (
        {"pyproject.toml": CONFIG + "unsafe_html = true\n", "content/embed.html": "<p>A chart.</p>"},
        write("pyproject.toml", CONFIG)),
}
OPTIONS = {"drafts": {"drafts": True}, "future": {"future": True}, "base_url": {"base_url": "https://preview.example/"},
           "clock": {"now": NOW + timedelta(days=10)}}


def built(root: Path, output: Path, store: Store | None = None, **options) -> None:
    build(BuildOptions(root=root, output=output, now=options.pop("now", NOW), **options), store)


def check_against_clean(tmp_path: Path, edit: Edit, start: dict | None = None, **options) -> None:
    root = tmp_path / "site"
    for rel, data in {**SITE, **(start or {})}.items():
        write(rel, data)(root)
    warm = Store.open(root, tmp_path / "warm")
    try:
        built(root, tmp_path / "warm", warm)
        built(root, tmp_path / "cold")
        edit(root)
        outcomes = {"warm": outcome(lambda: built(root, tmp_path / "warm", warm, **options))}
    finally:
        warm.close()
    outcomes["cold"] = outcome(lambda: built(root, tmp_path / "cold", **options))
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(CACHE_DIR))
    expected = outcome(lambda: built(clean, clean / "output", **options))
    assert outcomes == {"warm": expected, "cold": expected}  # the same problems, when the edit breaks the site
    if not expected:
        assert published(tmp_path / "warm") == published(tmp_path / "cold") == published(clean / "output")


def outcome(run: Callable[[], None]) -> list[str]:
    """The problems a build stops with, [] when it succeeds."""
    try:
        run()
    except BuildError as error:
        return [str(p) for p in error.problems]
    return []


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_an_input_changed_alone_rebuilds_as_a_clean_build(tmp_path, name):
    check_against_clean(tmp_path, SCENARIOS[name])


@pytest.mark.parametrize("name", sorted(STARTING_ELSEWHERE))
def test_an_input_changed_alone_from_another_site_rebuilds_as_a_clean_build(tmp_path, name):
    start, edit = STARTING_ELSEWHERE[name]
    check_against_clean(tmp_path, edit, start)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_an_option_or_the_clock_changed_alone_rebuilds_as_a_clean_build(tmp_path, name):
    check_against_clean(tmp_path, lambda root: None, **OPTIONS[name])


def test_the_scenarios_cover_every_front_matter_field_setting_template_and_static_file():
    assert set(FRONT_MATTER) == {f.name for f in fields(FrontMatter)}
    assert set(SETTINGS) == {f.name for f in fields(SiteConfig)}
    theme = {p.name for p in (REPO / "templates").glob("*.html")} | {
        p.name for p in (REPO / "templates" / "static").iterdir()}
    assert theme == {name.split(": ")[1] for name in SCENARIOS if name.startswith(("template: ", "static file: "))}
    assert set(OPTIONS) == {f.name for f in fields(BuildOptions)} - {"root", "output", "workers", "progress",
                                                                      "waiting", "now"} | {"clock"}
