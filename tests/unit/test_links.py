"""Links between reports: a report's .md file (and #heading) becomes its URL; a wrong one is an error."""
from __future__ import annotations

import pytest

from builder.errors import BuildError
from conftest import build_site, report
from sitecheck import links_of, target_file


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
