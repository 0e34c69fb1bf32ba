"""The importer reading each tool's sites: settings, front matter, fields, dates, drafts and old addresses."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import yaml

from builder.errors import BuildError
from builder.importer import import_site
from builder.importer.fields import map_fields, to_datetime
from builder.importer.headers import split_front_matter
from builder.importer.pelican import read_settings
from builder.model import SiteConfig
from conftest import write_site


def imported(tmp_path, tool: str, files: dict[str, str | bytes]):
    """Import an old site written inline; the import and the front matter of each report written, by path."""
    done = import_site(tool, write_site(tmp_path / "old", files), tmp_path / "site")
    reports = {}
    for path in sorted((tmp_path / "site" / "content").rglob("*.md")):
        text = path.read_text()
        reports[path.relative_to(tmp_path / "site" / "content").as_posix()] = yaml.safe_load(text.split("---")[1])
    return done, reports


def aliases(reports) -> dict[str, list[str]]:
    return {path: meta.get("aliases", []) for path, meta in reports.items()}


@pytest.mark.parametrize("text, kind, meta, body_line", [
    ('+++\ntitle = "A"\ntags = ["x"]\n+++\nBody', "toml", {"title": "A", "tags": ["x"]}, 5),
    ("---\ntitle: A\n---\nBody", "yaml", {"title": "A"}, 4),
    ('{\n  "title": "A"\n}\nBody', "json", {"title": "A"}, 4),
    ("Title: A\nTags: x, y\nSummary: one\n    two\n\nBody", "pelican",
     {"title": "A", "tags": "x, y", "summary": "one\ntwo"}, 6),
])
def test_front_matter_is_read_in_each_tools_format(text, kind, meta, body_line):
    split = split_front_matter(text, "x.md", pelican=kind == "pelican")
    assert (split.kind, split.meta, split.body, split.body_line) == (kind, meta, "Body", body_line)


@pytest.mark.parametrize("text, line, message", [
    ("---\ntitle: [a\n---\n", 2, "front matter is not valid YAML"),
    ('+++\ntitle = "A"\ndate = what\n+++\n', 3, "front matter is not valid TOML"),
    ('{\n  "title": "A",\n}\n', 3, "front matter is not valid JSON"),
    ("---\ntitle: A\n", 1, "front matter is never closed"),
])
def test_broken_front_matter_is_a_problem_naming_the_file_and_line(text, line, message):
    problem = split_front_matter(text, "posts/x.md")
    assert (problem.path, problem.line) == ("posts/x.md", line) and problem.message.startswith(message)


@pytest.mark.parametrize("written, expected", [
    ("2019-03-05 10:00:00 +0100", datetime(2019, 3, 5, 10, tzinfo=timezone(timedelta(hours=1)))),
    ("2019-03-05T10:00:00Z", datetime(2019, 3, 5, 10, tzinfo=timezone.utc)),
    ("2010-12-02 10:14", datetime(2010, 12, 2, 10, 14, tzinfo=timezone.utc)),
    ("2012/11/30", datetime(2012, 11, 30, tzinfo=timezone.utc)),
    ("Tue, 05 Mar 2019 10:00:00 +0000", datetime(2019, 3, 5, 10, tzinfo=timezone.utc)),
    ((2012, 3, 2, 14, 1, 1), datetime(2012, 3, 2, 14, 1, 1, tzinfo=timezone.utc)),
    ("soon", None),
])
def test_dates_are_read_as_each_tool_writes_them(written, expected):
    assert to_datetime(written, timezone.utc) == expected


def test_fields_of_other_tools_become_trendsites_and_the_rest_goes_under_extra():
    mapped = map_fields({"tags": ["AI", "ai"], "categories": "Law", "description": "A <b>bold</b> **move**",
                         "excerpt": "not this", "cover": {"image": "c.png"}, "authors": ["A", {"name": "B"}],
                         "weight": 3, "layout": "post"}, "x.md")
    assert mapped.fields == {"summary": "A bold move", "tags": ["AI", "Law"], "author": "A, B", "image": "c.png"}
    assert mapped.extra == {"weight": 3}
    assert mapped.used == ["description -> summary", "tags -> tags", "categories -> tags", "authors -> author",
                           "cover -> image"]
    assert map_fields({"authors": "Park, Lena; Kim, Joon"}, "x.md").fields["author"] == "Park, Lena; Kim, Joon"
    assert map_fields({"image": {"path": "/a.png"}, "tags": "a b"}, "x.md", separators=" ").fields == {
        "image": "/a.png", "tags": ["a", "b"]}


def test_jekyll_old_addresses_follow_the_permalink_style_categories_and_a_posts_own_permalink(tmp_path):
    posts = {"_posts/2019-03-05-My-Title.md": "---\ntitle: T\ncategories: [News]\n---\nx",
             "tech/_posts/2019-03-06-b.md": "---\ntitle: B\n---\nx",
             "_posts/2019-03-07-c.md": "---\ntitle: C\npermalink: /:categories/:year/c-page.html\n---\nx",
             "_posts/2019-03-08-d.md": "---\ntitle: D\npublished: false\n---\nx",
             "_drafts/e.md": "---\ntitle: E\ndate: 2019-01-01\n---\nx",
             "_posts/notes.md": "---\ntitle: N\n---\nx"}
    for style, first in (("date", "/news/2019/03/05/My-Title.html"), ("pretty", "/news/2019/03/05/My-Title/"),
                         ("none", "/news/My-Title.html"), ("/:year/:slug/", "/2019/my-title/")):
        done, reports = imported(tmp_path / style.strip("/:"), "jekyll",
                                 {"_config.yml": f"permalink: {style}\n", **posts})
        assert aliases(reports)["posts/My-Title.md"] == [first]
    assert aliases(reports) == {"posts/My-Title.md": ["/2019/my-title/"], "tech/b.md": ["/2019/b/"],
                                "posts/c.md": ["/2019/c-page.html"], "posts/d.md": [], "posts/e.md": []}
    assert (reports["posts/d.md"]["draft"], reports["posts/e.md"]["draft"]) == (True, True)
    assert reports["tech/b.md"]["tags"] == ["tech"]
    assert done.skipped == ["_posts/notes.md: Jekyll publishes only posts named YYYY-MM-DD-title"]


def test_hugo_old_addresses_follow_permalinks_url_slug_and_ugly_urls(tmp_path):
    files = {"content/posts/First Post.md": "---\ntitle: First!\ndate: 2020-02-03\n---\nx",
             "content/posts/b.md": "---\ntitle: B\ndate: 2020-02-03\nslug: bee\n---\nx",
             "content/posts/c.md": "---\ntitle: C\ndate: 2020-02-03\nurl: /custom/c/\naliases: [old-c]\n---\nx",
             "content/notes/Mixed Case/index.md": "---\ntitle: N\ndate: 2020-02-03\n---\nx"}
    _, reports = imported(tmp_path / "a", "hugo", {"hugo.toml": '[permalinks]\nposts = "/:year/:month/:title/"\n',
                                                   **files})
    assert aliases(reports) == {"notes/Mixed Case/index.md": ["/notes/mixed-case/"],
                                "posts/First Post.md": ["/2020/02/first/"], "posts/b.md": ["/2020/02/b/"],
                                "posts/c.md": ["/custom/c/", "/posts/old-c"]}
    assert reports["posts/b.md"]["slug"] == "bee"
    _, reports = imported(tmp_path / "b", "hugo", {"config.toml": "uglyURLs = true\n", **files})
    assert aliases(reports)["posts/b.md"] == ["/posts/bee.html"]


def test_pelican_old_addresses_follow_article_url_and_the_filename_date(tmp_path):
    files = {"pelicanconf.py": 'PATH = "content"\nARTICLE_URL = "posts/{date:%Y}/{category}/{slug}/"\n',
             "content/news/2021-06-01-the-title.md": "Title: The Title: Part 2!\nTags: a, b\n\nx",
             "content/b.md": "Title: B\nDate: 2021-01-02\nCategory: Deep Dives\nSlug: b-page\nStatus: hidden\n\nx",
             "content/c.md": "Title: C\nStatus: skip\n\nx"}
    done, reports = imported(tmp_path, "pelican", files)
    assert aliases(reports) == {"b.md": ["/posts/2021/deep-dives/b-page/"],
                                "news/2021-06-01-the-title.md": ["/posts/2021/news/the-title-part-2/"]}
    assert reports["news/2021-06-01-the-title.md"]["tags"] == ["a", "b", "news"]
    assert "content/c.md: Status: skip" in done.skipped
    assert any("hidden (unlisted) in Pelican" in note for note in done.plan.look)


def test_pelicanconf_is_read_without_running_it(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "pelicanconf.py").write_text(
        f'import os\nopen({str(marker)!r}, "w")\nSITENAME = "Lines"\nSITEURL = "https://x.org"\n'
        'ARTICLE_URL = "{slug}/"\nARTICLE_SAVE_AS = ARTICLE_URL + "index.html"\nNAME = f"{SITENAME} blog"\n'
        "DEFAULT_DATE = (2012, 3, 2)\nTHEME = os.path.join('a', 'b')\nlower = 1\n")
    notes: list[str] = []
    settings = read_settings(tmp_path / "pelicanconf.py", notes)
    assert settings == {"SITENAME": "Lines", "SITEURL": "https://x.org", "ARTICLE_URL": "{slug}/",
                        "ARTICLE_SAVE_AS": "{slug}/index.html", "NAME": "Lines blog", "DEFAULT_DATE": (2012, 3, 2)}
    assert notes == ["pelicanconf.py:9: THEME is computed, so it was not read"]
    assert not marker.exists()


def test_hugo_settings_in_config_default_are_read_with_the_root_file_first(tmp_path):
    done, _ = imported(tmp_path, "hugo", {
        "config/_default/hugo.yaml": "title: From the folder\nbaseURL: https://x.org/\n",
        "config/_default/params.toml": 'description = "Weekly"\n[author]\nname = "Desk"\n',
        "config.yaml": "title: From the root\npaginate: 7\n", "content/a.md": "---\ntitle: A\ndate: 2020-01-01\n---\n"})
    assert done.plan.settings == {"title": "From the root", "description": "Weekly", "author": "Desk",
                                  "base_url": "https://x.org/", "per_page": 7}
    assert SiteConfig(**done.plan.settings).per_page == 7


def test_reports_that_would_share_a_slug_or_a_file_get_their_own_and_it_is_listed(tmp_path):
    done, reports = imported(tmp_path, "jekyll", {
        "_posts/2019-01-01-same.md": "---\ntitle: One\n---\nx", "_posts/2020-01-01-same.md": "---\ntitle: Two\n---\nx",
        "_posts/sub/2021-01-01-same.md": "---\ntitle: Three\n---\nx"})
    assert sorted(reports) == ["posts/same-2.md", "posts/same.md", "posts/sub/same.md"]
    assert reports["posts/sub/same.md"]["slug"] == "same-3"
    assert "_posts/sub/2021-01-01-same.md: its slug is 'same-3', as 'same' is another report's" in done.plan.look


def test_an_old_address_where_trendsite_has_a_page_of_its_own_is_not_redirected_and_listed(tmp_path):
    done, reports = imported(tmp_path, "hugo", {
        "hugo.toml": "", "content/topics/a.md": "---\ntitle: A\ndate: 2020-01-01\n---\nx",
        "content/reports/b.md": "---\ntitle: B\ndate: 2020-01-01\n---\nx"})
    assert aliases(reports) == {"reports/b.md": [], "topics/a.md": []}
    assert any("its old address /topics/a/ is where trendsite has a page of its own" in n for n in done.plan.look)


def test_a_source_that_is_not_utf8_is_an_error_naming_it(tmp_path):
    with pytest.raises(BuildError) as error:
        imported(tmp_path, "hugo", {"hugo.toml": "", "content/a.md": b"---\ntitle: caf\xe9\n---\n"})
    assert str(error.value) == "content/a.md: is not UTF-8 (byte offset 14) (save it as UTF-8, then import again)"


def test_the_command_line_offers_every_tool_the_importer_reads():
    from builder import __main__ as cli, importer

    assert cli.IMPORTED_TOOLS == tuple(sorted(importer.TOOLS))
