"""Links between reports: a report's .md file (and #heading) becomes its URL; a wrong one is an error."""
from __future__ import annotations

import html
import re

import pytest

from builder.__main__ import main
from builder.build import BuildOptions
from builder.check import check_site
from builder.errors import BuildError
from conftest import NOW, build_site, report, trendsite
from sitecheck import links_of, target_file


@pytest.fixture
def make_site(make_site):
    """Sites with a base_url, so that the findings are the ones a test is about."""
    return lambda files: make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/"\n', **files})


def test_a_link_to_a_report_file_and_heading_becomes_its_url(make_site):
    root = make_site({
        "content/ai/a.md": report("Alpha", body="See [beta](../b.md#the-outlook) and [gamma](c.md)."),
        "content/b.md": report("Beta", body="## The outlook\n\nText."),
        "content/ai/c.md": report("Gamma"),
    })
    build_site(root)
    page = (root / "output" / "reports" / "a" / "index.html").read_text()
    assert 'href="/reports/b/#the-outlook"' in page and 'href="/reports/c/"' in page


def test_a_link_follows_the_base_path(make_site):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/trends/"\n',
                      "content/a.md": report("Alpha", body="[b](b.md)"), "content/b.md": report("Beta")})
    build_site(root)
    assert 'href="/trends/reports/b/"' in (root / "output" / "reports" / "a" / "index.html").read_text()


@pytest.mark.parametrize("link, message", [
    ("gone.md", "links to content/gone.md, which does not exist"),
    ("b.md#nowhere", "links to a heading #nowhere that content/b.md does not have"),
])
def test_a_link_to_a_missing_report_or_heading_is_an_error_with_file_and_line(make_site, link, message):
    root = make_site({"content/a.md": report("Alpha", body=f"Intro.\n\nSee [it]({link})."),
                      "content/b.md": report("Beta")})
    with pytest.raises(BuildError) as error:
        build_site(root)
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == ("content/a.md", 8)
    assert message in problem.message
    assert not (root / "output").exists()


@pytest.mark.parametrize("link, written, message", [
    ("foo\\bar", "foo\\bar", "links to content/foo/bar, which does not exist"),  # CommonMark's own examples
    ("a&quot;b", "a&quot;b", 'links to content/a"b, which does not exist'),
    ("<my file.md>", "my file.md", "links to content/my file.md, which does not exist"),
    ("a%5Cb", "a%5Cb", "links to content/a\\b, which does not exist"),
])
def test_a_link_with_a_backslash_an_entity_or_a_space_is_named_as_written_on_its_line(make_site, link, written,
                                                                                       message):
    root = make_site({"content/a.md": report("Alpha", body=f"Intro.\n\nSee [it]({link}).")})
    with pytest.raises(BuildError) as error:
        build_site(root)
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == ("content/a.md", 8)
    assert problem.message == f"the link '{written}' {message}"


def test_a_link_written_with_backslashes_between_folders_reaches_the_file(make_site):
    root = make_site({"content/a.md": report("Alpha", body="![chart](img\\chart.png)"),
                      "content/img/chart.png": b"png"})
    build_site(root)
    assert 'src="/img/chart.png"' in (root / "output" / "reports" / "a" / "index.html").read_text()


@pytest.mark.parametrize("broken", ["---\ntitle: Beta\ndate: 2026-13-45\n---\nx\n", b"caf\xe9"])
def test_a_link_to_a_report_with_its_own_error_is_not_called_missing(make_site, broken):
    root = make_site({"content/a.md": report("Alpha", body="See [beta](b.md)."), "content/b.md": broken})
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert [p.path for p in error.value.problems] == ["content/b.md"]


@pytest.mark.parametrize("link", ["../bundle/", "../bundle", "../bundle/#part"])
def test_a_link_to_a_report_folder_is_a_link_to_that_report(make_site, link):
    root = make_site({"content/ai/a.md": report("Alpha", body=f"See [it]({link})."),
                      "content/bundle/index.md": report("Bundle", body="## Part\n\nText.")})
    build_site(root)
    page = (root / "output" / "reports" / "a" / "index.html").read_text()
    assert f'href="/reports/bundle/{"#part" if "#" in link else ""}"' in page


# (file name, the link to it as written in Markdown)
ODD_NAMES = [
    ("a#b.png", "a%23b.png"), ("a#b.png", "<a#b.png>"), ("what?.pdf", "what%3F.pdf"), ("what?.pdf", "what?.pdf"),
    ("50%.png", "50%25.png"), ("50%.png", "50%.png"), ('say "hi".png', '<say "hi".png>'),
    ("it's.png", "<it's.png>"), ("my file.png", "<my file.png>"), ("my file.png", "my%20file.png"),
    ("grüße.png", "grüße.png"), ("grüße.png", "gr%C3%BC%C3%9Fe.png"), ("a&b.png", "a&b.png"),
    ('x" onerror="alert(1)" y=".png', "x%22%20onerror=%22alert(1)%22%20y=%22.png"),
]


@pytest.mark.parametrize("name, written", ODD_NAMES)
def test_a_link_to_a_file_with_any_name_reaches_it_in_the_built_site(make_site, name, written):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/trends/"\n',
                      "content/ai/a.md": report("Alpha", body=f"[the file]({written}) ![a picture]({written})"),
                      f"content/ai/{name}": b"the file's bytes"})
    build_site(root)
    page = (root / "output" / "reports" / "a" / "index.html").read_text()
    links = [link for link in links_of(page) if link.startswith("/trends/ai/")]
    assert len(links) == 2
    for link in links:
        assert target_file(root / "output", "/trends/", link, "reports/a/").read_bytes() == b"the file's bytes"


def test_an_image_field_naming_a_file_with_any_name_reaches_it(make_site):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/trends/"\n',
                      "content/ai/a.md": report("Alpha", image="'chart #1 \"final\".png'"),
                      'content/ai/chart #1 "final".png': b"png"})
    build_site(root)
    page = (root / "output" / "reports" / "a" / "index.html").read_text()
    assert '<meta property="og:image" content="https://x.org/trends/ai/chart%20%231%20%22final%22.png">' in page


@pytest.mark.parametrize("left_out, option", [({"draft": "true"}, "drafts"), ({"date": "2027-01-01"}, "future")])
def test_build_and_check_agree_that_a_link_to_a_report_left_out_is_broken(make_site, left_out, option):
    root = make_site({"content/a.md": report("Alpha", body="Intro.\n\nSee [beta](b.md)."),
                      "content/b.md": report("Beta", **left_out)})
    with pytest.raises(BuildError) as error:
        build_site(root)
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == ("content/a.md", 8)
    assert "the link 'b.md' links to content/b.md, which is " in problem.message
    assert problem in findings(root)
    build_site(root, **{option: True})


SITE_PATHS = ["/", "/reports/b/", "/reports/b", "/reports/b/#part", "/topics/ai/", "/topics/ai/feed.xml", "/feed.xml",
              "/sitemap.xml", "/archive/", "/page/2/", "/search/", "/404.html", "/ai/chart%20one.png",
              "/static/style.css", "/trends/reports/b/", "/trends/ai/chart%20one.png"]


def test_site_absolute_links_reach_what_they_name_under_the_base_path(make_site):
    body = "\n\n".join(f"[link {n}]({target})" for n, target in enumerate(SITE_PATHS))
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/trends/"\nper_page = 1\n',
                      "content/ai/a.md": report("Alpha", body=body), "content/ai/chart one.png": b"png",
                      "content/b.md": report("Beta", body="## Part\n\nText.")})
    build_site(root)
    page = (root / "output" / "reports" / "a" / "index.html").read_text()
    links = [html.unescape(link) for link in re.findall(r'<a href="([^"]*)">link \d+</a>', page)]
    assert len(links) == len(SITE_PATHS)
    for link in links:
        target = target_file(root / "output", "/trends/", link, "reports/a/")
        assert target.is_file() or (target / "index.html").is_file(), link  # a server adds the folder's slash


@pytest.mark.parametrize("link", ["/nowhere/", "/reports/gone/?a=1&b=2", "/trends/gone.png"])
def test_a_site_absolute_link_to_nothing_is_an_error_on_its_line_in_build_and_check(make_site, link):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/trends/"\n',
                      "content/a.md": report("Alpha", body=f"Intro.\n\nSee [it]({link}).")})
    with pytest.raises(BuildError) as error:
        build_site(root)
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == ("content/a.md", 8)
    assert problem.message.startswith(f"the link '{link}' points at /")
    assert [f for f in findings(root) if f.is_error] == [problem]


def findings(root):
    """What `trendsite check` finds in the site."""
    return check_site(BuildOptions(root=root, output=root / "output", now=NOW))


def test_every_broken_link_is_reported_at_once(make_site):
    root = make_site({"content/a.md": report("Alpha", body="[one](gone.md)\n\n[two](/gone/)\n\n[three](b.md#nope)"),
                      "content/b.md": report("Beta")})
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert [p.line for p in error.value.problems] == [6, 8, 10]


def test_a_site_absolute_image_field_is_under_the_base_path_and_checked(make_site):
    config = '[tool.trendsite]\nbase_url = "https://x.org/trends/"\n'
    root = make_site({"pyproject.toml": config, "content/a.md": report("Alpha", image="/ai/chart.png"),
                      "content/ai/chart.png": b"png"})
    build_site(root)
    page = (root / "output" / "reports" / "a" / "index.html").read_text()
    assert '<meta property="og:image" content="https://x.org/trends/ai/chart.png">' in page
    root = make_site({"pyproject.toml": config, "content/a.md": report("Alpha", image="/gone.png")})
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert [(p.path, p.line) for p in error.value.problems] == [("content/a.md", 5)]


def test_broken_links_warn_publishes_the_site_and_names_each_link_in_build_check_and_the_command_line(
        make_site, capsys):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbroken_links = "warn"\n',
                      "content/a.md": report("Alpha", body="[one](gone.md)\n\n[two](/gone/)\n\n[three](b.md#nope)\n\n"
                                                           "[four](c.md)\n\n[five](../../x.md)"),
                      "content/b.md": report("Beta"), "content/c.md": report("Gamma", draft="true")})
    result = build_site(root)
    assert (root / "output" / "reports" / "a" / "index.html").is_file()
    warnings = sorted((p.path, p.line, p.severity) for p in result.site.warnings if p.message.startswith("the link"))
    assert warnings == [("content/a.md", line, "warning") for line in (6, 8, 10, 12, 14)]
    assert sorted((f.path, f.line, f.severity) for f in findings(root) if f.message.startswith("the link")) == warnings
    assert main(["build", "--root", str(root)]) == 0
    assert capsys.readouterr().err.count("warning: content/a.md:") == 5


def test_a_code_sample_holding_a_link_is_shown_as_written_and_not_checked(make_site):
    body = 'Code:\n\n    <a href="missing.md">x</a>\n\n```html\n<img src="b.md">\n```\n\nand `<a href="c.md">`\n'
    root = make_site({"content/a.md": report("A", body=body), "content/b.md": report("B"),
                      "content/c.md": report("C")})
    done = trendsite("build", root=root)
    assert done.returncode == 0, done.stderr
    page = (root / "output/reports/a/index.html").read_text(encoding="utf-8")
    assert '&lt;a href="c.md"&gt;' in page  # not rewritten to /reports/c/
