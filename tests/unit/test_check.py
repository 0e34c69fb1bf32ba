"""`trendsite check`: the build's errors and an editor's warnings, as text or JSON, writing nothing."""
from __future__ import annotations

import json
import shutil

import pytest

from builder import build as build_module
from builder.__main__ import main
from builder.build import BuildOptions
from builder.check import check_site, editor_warnings, format_findings
from builder.store import Store
from conftest import NOW, build_site, picture, report


@pytest.fixture
def make_site(make_site):
    """Sites with a base_url, so that the findings are the ones a test is about."""
    return lambda files: make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/"\n', **files})


def findings_of(root, **options):
    return check_site(BuildOptions(root=root, output=root / "output", now=NOW, **options))


def complete(title: str, tags=("AI",), body: str = "Text.") -> str:
    return report(title, tags=tags, body=body, summary="A summary.", highlights="[One point]")


def messages(findings, path: str) -> list[str]:
    return [f.message for f in findings if f.path == path]


def test_a_complete_site_has_no_findings_and_nothing_is_written(make_site):
    root = make_site({"content/a.md": complete("Alpha", ("AI", "Law")), "content/b.md": complete("Beta", ("AI", "Law"))})
    assert findings_of(root) == []
    assert not (root / "output").exists()


def test_missing_summary_and_highlights_are_warnings(make_site):
    root = make_site({"content/a.md": report("Alpha")})
    found = findings_of(root)
    assert {f.message for f in found} == {"has no summary", "has no highlights"}
    assert {f.severity for f in found} == {"warning"}
    assert {f.line for f in found} == {1}


def test_an_empty_summary_or_highlights_field_is_warned_about_on_its_line(make_site):
    root = make_site({"content/a.md": report("Alpha", summary='""', highlights="[]")})
    assert {(f.message, f.line) for f in findings_of(root)} == {("has no summary", 5), ("has no highlights", 6)}


def test_a_long_title_is_a_warning_on_its_line(make_site):
    root = make_site({"content/a.md": complete("Word " * 20)})
    (title,) = findings_of(root)
    assert "over 90" in title.message and title.line == 2


def test_a_topic_used_once_that_looks_like_another_is_flagged(make_site):
    root = make_site({
        "content/a.md": complete("Alpha", ("Telecoms",)), "content/b.md": complete("Beta", ("Telecoms",)),
        "content/c.md": complete("Gamma", ("Telecom",)), "content/d.md": complete("Delta", ("Law",)),
    })
    (typo,) = findings_of(root)
    assert typo.path == "content/c.md" and typo.line == 4
    assert "'Telecom' is used only here and looks like 'Telecoms'" in typo.message


def test_images_without_alt_text_are_warnings_outside_code(make_site):
    body = "![](chart.png)\n\n![A chart](chart.png)\n\n```\n![](not-an-image.png)\n```\n\n`![](code.png)`\n"
    root = make_site({"content/a.md": complete("Alpha", body=body), "content/chart.png": picture()})
    (image,) = findings_of(root)
    assert image.message == "an image has no alt text" and image.line == 8


def test_duplicate_titles_name_both_files(make_site):
    root = make_site({"content/a.md": complete("Same Title"), "content/b.md": complete("same  title")})
    found = findings_of(root)
    assert [f.path for f in found] == ["content/a.md", "content/b.md"]
    assert all("content/a.md, content/b.md" in f.message for f in found)


def test_build_errors_are_errors_alongside_warnings(make_site):
    root = make_site({"content/a.md": "---\ntitle: x\n---\n", "content/b.md": report("Beta")})
    found = findings_of(root)
    assert ("content/a.md", "error") in {(f.path, f.severity) for f in found}
    assert "has no summary" in messages(found, "content/b.md")


def test_a_link_to_a_draft_is_a_broken_link_on_its_line(make_site):
    root = make_site({"content/a.md": complete("Alpha", body="See [the draft](b.md)."),
                      "content/b.md": report("Beta", draft="true", summary="S", highlights="[H]")})
    (broken,) = findings_of(root)
    assert (broken.path, broken.line, broken.severity) == ("content/a.md", 8, "error")
    assert "content/b.md, which is a draft" in broken.message
    assert findings_of(root, drafts=True) == []


def test_json_output_lists_file_line_severity_and_message(make_site, capsys):
    root = make_site({"content/a.md": "---\ntitle: x\n---\n"})
    assert main(["check", "--root", str(root), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 1
    assert data["findings"][0] == {"file": "content/a.md", "line": 2, "severity": "error",
                                   "message": "'date' is required", "hint": "add a line `date: ...` to the front matter"}


def test_warnings_alone_exit_zero_and_text_output_counts_them(make_site, capsys):
    root = make_site({"content/a.md": report("Alpha")})
    assert main(["check", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "warning: content/a.md:1: has no summary" in out and out.rstrip().endswith("0 error(s), 2 warning(s)")


def test_format_findings_counts_errors_and_warnings():
    assert format_findings([], "text") == "0 error(s), 0 warning(s)"


def test_a_template_error_is_a_finding_in_json_too(make_site, capsys):
    root = make_site({"content/a.md": complete("Alpha"), "templates/report.html": "{{ oops\n"})
    assert main(["check", "--root", str(root), "--format", "json"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["file"], finding["line"], finding["severity"]) == ("templates/report.html", 1, "error")


def test_a_template_link_to_nothing_names_the_template(make_site):
    template = '{% extends "base.html" %}{% block content %}<a href="{{ url(\'about/\') }}">About</a>{% endblock %}'
    root = make_site({"content/a.md": complete("Alpha"), "templates/report.html": template})
    (broken,) = findings_of(root)
    assert (broken.path, broken.line, broken.severity) == ("templates/report.html", None, "error")
    assert broken.message == "the page /reports/a/index.html links to /about/, which the site does not have"


def test_check_lists_a_site_with_an_unparseable_link_without_failing(make_site, capsys):
    root = make_site({"content/a.md": report("A", body="[v6](http://[x/)")})
    assert main(["check", "--root", str(root)]) == 0
    assert "failed unexpectedly" not in capsys.readouterr().err


def site_with_findings(make_site):
    """A built site with a warning of every kind and a template link to nothing on every report's page."""
    template = '{% extends "base.html" %}{% block content %}<a href="{{ url(\'about/\') }}">About</a>{% endblock %}'
    root = make_site({
        "content/a.md": complete("Alpha", ("AI", "Law")), "content/b.md": complete("Beta", ("ai", "Trade")),
        "content/c.md": report("Gamma", tags=("AI", "Laws"), summary="S."), "content/d.md": complete("alpha"),
        "content/e.md": complete("Word " * 20, ("Law",)), "templates/report.html": template,
    })
    build_site(root)
    return root


def test_check_after_an_edit_finds_what_it_finds_on_a_clean_copy_rendering_only_what_changed(make_site, monkeypatch):
    root = site_with_findings(make_site)
    with (root / "content/a.md").open("a") as edited:
        edited.write("One more sentence.\n")
    rendered: list[str] = []
    render = build_module.pages.render_pages
    monkeypatch.setattr(build_module.pages, "render_pages",
                        lambda jobs, *args: (rendered.extend(j.slot.path for j in jobs), render(jobs, *args))[1])
    warm = findings_of(root)
    assert "reports/a/index.html" in rendered
    kept = [page for page in ("reports/b/index.html", "reports/c/index.html", "reports/d/index.html")
            if page not in rendered]
    assert kept  # their links are the state's
    clean = make_site({})
    for name in ("content", "templates", "pyproject.toml"):
        (shutil.copytree if (root / name).is_dir() else shutil.copy)(root / name, clean / name)
    assert warm == findings_of(clean)
    assert {f"the page /{page} links to /about/, which the site does not have" for page in kept} <= {
        f.message for f in warm if f.path == "templates/report.html"}
    assert {"has no highlights", "has the same title as another report (content/a.md, content/d.md)"} <= {
        f.message for f in warm}
    assert "reports/a/index.html" in build_site(root).site.rendered  # check committed nothing


def test_the_editor_warnings_of_the_records_are_those_of_the_files(make_site):
    root = site_with_findings(make_site)
    options = BuildOptions(root=root, output=root / "output", now=NOW)
    with Store.open(root, options.output) as store:
        records = list(store.records().values())
    published = {r.source for r in records}
    assert editor_warnings(options, published, records) == editor_warnings(options, published)
    assert len(editor_warnings(options, published)) >= 5
