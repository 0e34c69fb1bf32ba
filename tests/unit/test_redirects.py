"""Aliases: a report's old addresses published as redirect pages and as `_redirects` lines."""
from __future__ import annotations

import pytest

from builder.__main__ import main
from builder.build import BuildOptions
from builder.check import check_site
from builder.errors import BuildError
from conftest import NOW, build_site, report

SETTINGS = '[tool.trendsite]\nbase_url = "https://x.org/trends/"\n'


def test_each_alias_is_a_redirect_page_and_a_line_of_redirects(make_site):
    root = make_site({"pyproject.toml": SETTINGS,
                      "content/a.md": report("Alpha", aliases='["/2019/03/05/alpha/", "/old", "/a.html", "/café/"]'),
                      "content/b.md": report("Beta")})
    build_site(root)
    output = root / "output"
    for path in ("2019/03/05/alpha/index.html", "old/index.html", "a.html", "café/index.html"):
        page = (output / path).read_text()
        assert '<meta http-equiv="refresh" content="0; url=/trends/reports/a/">' in page
        assert '<link rel="canonical" href="https://x.org/trends/reports/a/">' in page
        assert '<meta name="robots" content="noindex">' in page
        assert '<a href="/trends/reports/a/">Alpha</a>' in page
    assert (output / "_redirects").read_text() == (
        "/trends/2019/03/05/alpha/ /trends/reports/a/ 301\n"
        "/trends/a.html /trends/reports/a/ 301\n"
        "/trends/caf%C3%A9/ /trends/reports/a/ 301\n"
        "/trends/old/ /trends/reports/a/ 301\n")
    assert "2019/03/05" not in (output / "sitemap.xml").read_text()


def test_a_site_without_aliases_has_no_redirects_file_and_a_drafts_aliases_are_not_published(make_site):
    root = make_site({"content/a.md": report("Alpha", draft="true", aliases="[/old/]"),
                      "content/b.md": report("Beta")})
    build_site(root)
    assert not (root / "output" / "_redirects").exists() and not (root / "output" / "old").exists()
    build_site(root, drafts=True)
    assert (root / "output" / "old" / "index.html").is_file() and (root / "output" / "_redirects").is_file()


@pytest.mark.parametrize("aliases, message", [
    ("[old/]", "the alias 'old/' must be a path from the site's root, such as /2019/03/old-title/"),
    ("[https://x.org/old/]", "the alias 'https://x.org/old/' must be a path from the site's root"),
    ('["/old?id=3"]', "the alias '/old?id=3' has a ? or #, which a redirect page cannot answer to"),
    ("[/a/../b/]", "the alias '/a/../b/' must name one path, without '.', '..' or '//'"),
    ('["/a b/"]', "the alias '/a b/' has spaces or control characters: %-encode them"),
    ("/old/", "'aliases' must be a list, got the text '/old/'"),
])
def test_an_alias_that_is_no_path_of_the_site_is_an_error_on_its_line(make_site, aliases, message):
    root = make_site({"content/a.md": report("Alpha", aliases=aliases)})
    with pytest.raises(BuildError) as error:
        build_site(root)
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == ("content/a.md", 5) and problem.message.startswith(message)


@pytest.mark.parametrize("aliases, where, message", [
    ("[/topics/]", 5, "the alias /topics/ is the address of the page /topics/"),
    ("[/reports/b/]", 5, "the alias /reports/b/ is the address of content/b.md"),
    ("[/reports/a]", 5, "the alias /reports/a is this report's own address"),
    ("[/chart.png]", 5, "the alias /chart.png is the address of content/chart.png"),
    ("[/feed.xml/x/]", 5, "the alias /feed.xml/x/ needs a file where the site has a folder, or a folder where it has"),
])
def test_an_alias_at_the_address_of_a_page_or_file_is_an_error_naming_both(make_site, aliases, where, message):
    root = make_site({"content/a.md": report("Alpha", aliases=aliases), "content/b.md": report("Beta"),
                      "content/chart.png": b"png"})
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert [(p.path, p.line) for p in error.value.problems if p.message.startswith(message)] == [("content/a.md", where)]


def test_two_reports_with_the_same_alias_are_an_error_naming_both(make_site):
    root = make_site({"content/a.md": report("Alpha", aliases="[/old/]"),
                      "content/b.md": report("Beta", aliases="[/new/, /old]")})
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert sorted((p.path, p.line, p.message) for p in error.value.problems) == [
        ("content/a.md", 5, "the alias /old/ is also an alias of content/b.md"),
        ("content/b.md", 5, "the alias /old is also an alias of content/a.md")]


def test_a_renamed_report_makes_build_and_check_suggest_the_alias_that_keeps_its_address(make_site, capsys):
    root = make_site({"pyproject.toml": SETTINGS, "content/a.md": report("Alpha"),
                      "content/b.md": report("Beta")})
    assert main(["build", "--root", str(root)]) == 0
    (root / "content" / "a.md").rename(root / "content" / "alpha.md")
    (root / "content" / "b.md").unlink()
    options = BuildOptions(root=root, output=root / "output", now=NOW)
    renamed = ("content/alpha.md: its report was published at /reports/a/ by the last build, and is now at "
               "/reports/alpha/ (add `aliases: [/reports/a/]` to its front matter, so that links to the old "
               "address still work)")
    removed = "content/b.md: was published at /reports/b/ by the last build, and that address is gone"
    found = [str(p) for p in check_site(options) if p.severity == "warning"]
    assert renamed in found and any(f.startswith(removed) for f in found)
    assert main(["build", "--root", str(root)]) == 0
    printed = capsys.readouterr().err
    assert f"warning: {renamed}" in printed and f"warning: {removed}" in printed
    # The next build knows only the new address; with the alias the old one works again.
    (root / "content" / "alpha.md").write_text(report("Alpha", aliases="[/reports/a/]"))
    assert main(["build", "--root", str(root)]) == 0
    assert "warning: content/alpha.md" not in capsys.readouterr().err
    assert "url=/trends/reports/alpha/" in (root / "output" / "reports" / "a" / "index.html").read_text()


def test_a_report_made_a_draft_is_not_taken_for_a_rename(make_site, capsys):
    root = make_site({"content/a.md": report("Alpha"), "content/b.md": report("Beta")})
    assert main(["build", "--root", str(root)]) == 0
    (root / "content" / "a.md").write_text(report("Alpha", draft="true"))
    assert main(["build", "--root", str(root)]) == 0
    assert "last build" not in capsys.readouterr().err
