"""`trendsite import`: fixture sites of Hugo, Jekyll and Pelican written in each tool's real layout, settings and
syntax (tests/fixtures/import/), and Pelican's own samples (tests/import_samples.py), imported and built:
every report builds, every old address redirects to its report, every tag left over is listed with its line."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import import_samples
from builder.__main__ import main
from builder.build import BuildResult
from conftest import build_site
from test_html_valid import validator

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
_LISTED = re.compile(r"^  (content/[^:]+):(\d+): the (?:Hugo shortcode|Jekyll tag|Pelican tag) (.+) is left in place",
                     re.M)
_ALIAS = re.compile(r"^  (/\S*) -> (/reports/\S+/)$", re.M)


def run_import(capsys, tool: str, source: Path, root: Path, *options: str) -> str:
    assert main(["import", tool, str(source), "--root", str(root), *options]) == 0
    return capsys.readouterr().out


def pelican_samples() -> Path:
    try:
        return import_samples.pelican_site()
    except import_samples.SampleError as error:
        pytest.fail(f"Pelican's samples could not be assembled (the test needs PyPI): {error}")


def imported_and_built(capsys, tmp_path, tool: str, source: Path) -> tuple[str, Path, BuildResult]:
    """The import's report, the root of the site it made and its build (of every report: drafts, and a draft
    dated today by its file, too)."""
    root = tmp_path / "site"
    printed = run_import(capsys, tool, source, root)
    return printed, root, build_site(root, drafts=True, future=True)


@pytest.mark.parametrize("tool, fixture, reports, aliases, leftovers", [
    ("hugo", "hugo", 5, {"/2024/03/open-ran-in-practice/": "open-ran", "/old/open-ran/": "open-ran",
                         "/2024/02/chips-rebound/": "chips-rebound", "/spectrum-auction/": "spectrum",
                         "/about/": "about"},
     ['{{< tweet user="operator" id="1234567890" >}}', "{{% note %}}", "{{% /note %}}"]),
    ("hugo", "hugo-yaml", 2, {"/reports/2024/retail-robots/": "retail-robots",
                              "/reports/2024/hiring-law/": "hiring-law"}, ["{{< instagram BWNjjyYFxVx >}}"]),
    ("jekyll", "jekyll", 5, {"/2023/04/12/remote-work-rebound/": "remote-work-rebound",
                             "/2023/06/01/ai-hiring-tools/": "ai-hiring-tools", "/edge/": "edge-computing"},
     ['{% include callout.html text="Updated in July" %}', "{{ page.title }}"]),
    ("pelican", "pelican", 3, {"/2024/01/foundry-capacity-2024/": "foundry-capacity-2024",
                               "/2024/03/export-controls-tighten/": "export-controls-tighten"}, []),
])
def test_a_fixture_site_imports_builds_and_keeps_every_old_address(capsys, tmp_path, tool, fixture, reports, aliases,
                                                                   leftovers):
    printed, root, built = imported_and_built(capsys, tmp_path, tool, FIXTURES / fixture)
    assert printed.startswith(f"Imported {reports} reports")
    assert len(list((root / "output" / "reports").glob("*/index.html"))) == reports
    assert dict(_ALIAS.findall(printed)) == {old: f"/reports/{slug}/" for old, slug in aliases.items()}
    base = re.search(r'^base_url = "https?://[^/]+(/.*)"$', (root / "trendsite.toml").read_text(), re.M).group(1)
    assert sorted((root / "output" / "_redirects").read_text().splitlines()) == sorted(
        f"{base}{old.lstrip('/')} {base}reports/{slug}/ 301" for old, slug in aliases.items())
    assert [tag for _, _, tag in _LISTED.findall(printed)] == leftovers
    # Each at the file and line where the build warns that it is shown as typed, and each such warning listed.
    warned = {(p.path, p.line) for p in built.site.warnings if "is shown as typed" in p.message}
    assert {(path, int(line)) for path, line, _ in _LISTED.findall(printed)} == warned
    for path, line, tag in _LISTED.findall(printed):
        assert tag in (root / path).read_text().split("\n")[int(line) - 1]


def test_old_addresses_are_computed_from_each_tools_permalink_settings(capsys, tmp_path):
    _, root, _ = imported_and_built(capsys, tmp_path, "jekyll", FIXTURES / "jekyll")
    page = (root / "output" / "2023" / "04" / "12" / "remote-work-rebound" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/blog/reports/remote-work-rebound/">' in page
    assert '<link rel="canonical" href="https://jekyll.example.org/blog/reports/remote-work-rebound/">' in page


def test_pelicans_own_samples_import_and_build(capsys, tmp_path):
    source = pelican_samples()
    printed, root, _ = imported_and_built(capsys, tmp_path, "pelican", source)
    written = sorted(p.relative_to(root / "content").as_posix() for p in (root / "content").rglob("*.md"))
    markdown = sorted(p.relative_to(source / "content").as_posix() for p in (source / "content").rglob("*")
                      if p.suffix in (".md", ".markdown", ".mdown", ".mkd") and "pages" not in p.parts)
    # Every Markdown article but the empty ones and the one marked `Status: skip` became a report.
    assert [Path(p).with_suffix("").as_posix() for p in written] == [
        Path(p).with_suffix("").as_posix() for p in markdown
        if p not in ("empty.md", "empty_with_bom.md", "article_skip.md")]
    assert len(list((root / "output" / "reports").glob("*/index.html"))) == len(written)
    assert "  content/article_skip.md: Status: skip" in printed
    assert "  content/cat1/article1.rst: not Markdown: convert it by hand" in printed
    # Each article published (not a draft) keeps its address, ARTICLE_URL's default '{slug}.html'.
    lines = (root / "output" / "_redirects").read_text().splitlines()
    assert len(lines) == len(written) - 1 and "and 6 more" in printed
    assert "/a-markdown-powered-article.html /reports/a-markdown-powered-article/ 301" in lines
    assert "/python-virtualenv-on-mac-osx-mountain-lion-10.8.html " \
           "/reports/python-virtualenv-on-mac-osx-mountain-lion-10-8/ 301" in lines
    report = (root / "content" / "article_with_duplicate_tags_authors.md").read_text()
    assert 'tags: ["foo", "bar", "foobar", "test"]' in report and 'author: "Author, First; Author, Second"' in report
    assert "content/cat1/markdown-article.md:11: the link '|filename|/unbelievable.rst' names nothing" in printed


def test_an_import_run_again_writes_nothing_and_never_overwrites_an_edit_without_force(capsys, tmp_path):
    root = tmp_path / "site"
    first = run_import(capsys, "hugo", FIXTURES / "hugo", root)
    written = int(re.search(r"Files: (\d+) written", first).group(1))
    assert run_import(capsys, "hugo", FIXTURES / "hugo", root).splitlines()[1] == \
        f"Files: 0 written, {written} unchanged."
    edited = root / "content" / "posts" / "open-ran.md"
    edited.write_text(edited.read_text().replace("Operators took", "Operators, we found, took"))
    again = run_import(capsys, "hugo", FIXTURES / "hugo", root)
    assert "1 kept as they were (they exist and differ; --force overwrites them): content/posts/open-ran.md" in again
    assert "we found" in edited.read_text()
    run_import(capsys, "hugo", FIXTURES / "hugo", root, "--force")
    assert "we found" not in edited.read_text()


def test_settings_go_nowhere_when_pyproject_has_them_and_the_report_says_which(capsys, tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.trendsite]\ntitle = "Mine"\n')
    printed = run_import(capsys, "jekyll", FIXTURES / "jekyll", root)
    assert not (root / "trendsite.toml").exists()
    assert "Settings: pyproject.toml has [tool.trendsite] already, so none were written" in printed
    assert "title = 'Workplace Trends'" in printed
    build_site(root)


def test_a_folder_that_is_not_a_site_of_the_tool_is_an_error_without_a_traceback(capsys, tmp_path):
    for tool, what in (("hugo", "hugo.toml"), ("jekyll", "_config.yml"), ("pelican", "pelicanconf.py")):
        assert main(["import", tool, str(tmp_path), "--root", str(tmp_path / "site")]) == 1
        printed = capsys.readouterr().err
        assert f"is not a {tool.capitalize()} site" in printed and what in printed and "Traceback" not in printed
    assert main(["import", "hugo", str(tmp_path / "missing")]) == 1
    assert "missing: is not a folder" in capsys.readouterr().err


def test_broken_front_matter_in_the_old_site_is_named_with_its_file_and_line(capsys, tmp_path):
    source = tmp_path / "old"
    shutil.copytree(FIXTURES / "hugo", source)
    (source / "content" / "posts" / "broken.md").write_text('+++\ntitle = "A"\ndate = what\n+++\n')
    assert main(["import", "hugo", str(source), "--root", str(tmp_path / "site")]) == 1
    assert "error: content/posts/broken.md:3: front matter is not valid TOML" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_redirect_pages_are_valid_html(capsys, tmp_path):
    _, root, _ = imported_and_built(capsys, tmp_path, "hugo", FIXTURES / "hugo")
    pages = [str(root / "output" / line.split()[0].lstrip("/") / "index.html")
             for line in (root / "output" / "_redirects").read_text().splitlines()]
    done = subprocess.run([*validator(), "--format", "json", *pages], capture_output=True, text=True, timeout=600)
    report = json.loads(done.stdout) if done.stdout.strip() else {"messages": []}
    assert [m["message"] for m in report["messages"] if m["type"] in ("error", "non-document-error")] == []
