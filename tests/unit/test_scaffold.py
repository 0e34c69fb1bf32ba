"""`trendsite new`: a report file with front matter that builds, never overwriting."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from builder.__main__ import main
from builder.errors import BuildError
from builder.scaffold import create_report
from conftest import build_site

TODAY = date(2026, 11, 20)


def test_new_report_has_front_matter_filled_in_and_builds(tmp_path):
    path = create_report(tmp_path, 'AI chips: "the next" wave', ["AI", "Chips"], TODAY)
    assert path == tmp_path / "content" / "ai-chips-the-next-wave.md"
    text = path.read_text()
    assert text.startswith('---\ntitle: "AI chips: \\"the next\\" wave"\ndate: 2026-11-20\n'
                           'tags: ["AI", "Chips"]\nsummary: ""\nhighlights: []\n---\n')
    result = build_site(tmp_path)
    (report,) = result.site.reports
    assert report.title == 'AI chips: "the next" wave' and [t.name for t in report.topics] == ["AI", "Chips"]


def test_an_existing_file_is_never_overwritten(tmp_path):
    create_report(tmp_path, "Same", [], TODAY)
    (tmp_path / "content" / "same.md").write_text("mine")
    with pytest.raises(BuildError) as error:
        create_report(tmp_path, "Same", ["AI"], TODAY)
    assert "already exists" in str(error.value)
    assert (tmp_path / "content" / "same.md").read_text() == "mine"


def test_a_title_without_letters_is_refused(tmp_path):
    with pytest.raises(BuildError):
        create_report(tmp_path, "???", [], TODAY)


def test_the_command_prints_the_path(tmp_path, capsys):
    assert main(["new", "Open RAN friction", "--topic", "Telecoms", "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "content" / "open-ran-friction.md")


@pytest.mark.parametrize("existing", ["content/same-name/index.md", "content/other.md"])
def test_a_slug_another_report_has_is_refused(tmp_path, existing):
    (tmp_path / existing).parent.mkdir(parents=True)
    (tmp_path / existing).write_text("---\ntitle: Old\ndate: 2026-01-01\nslug: same-name\n---\nx\n")
    with pytest.raises(BuildError) as error:
        create_report(tmp_path, "Same name", [], TODAY)
    assert f"{existing}: already has the slug 'same-name'" in str(error.value)
    assert not (tmp_path / "content" / "same-name.md").exists()


def test_new_run_from_inside_content_does_not_nest_a_second_content_folder(tmp_path):
    create_report(tmp_path, "First", [], TODAY)
    with pytest.raises(BuildError) as error:
        create_report(tmp_path / "content", "Second", [], TODAY)
    assert f"pass --root {tmp_path}" in str(error.value)
    assert not (tmp_path / "content" / "content").exists()


def test_a_file_named_content_is_an_error_not_a_traceback(tmp_path, capsys):
    (tmp_path / "content").write_text("notes")
    assert main(["new", "Hello", "--root", str(tmp_path)]) == 1
    assert "error: content: is a file, not a folder" in capsys.readouterr().err
    assert (tmp_path / "content").read_text() == "notes"


@pytest.mark.parametrize("zone", ["Etc/GMT-14", "Etc/GMT+12"])  # 26 hours apart: one is another day than here
def test_new_dates_the_report_today_in_the_site_timezone(tmp_path, capsys, zone):
    (tmp_path / "pyproject.toml").write_text(f'[tool.trendsite]\ntimezone = "{zone}"\n')
    assert main(["new", "Fresh", "--root", str(tmp_path)]) == 0
    assert f"date: {datetime.now(ZoneInfo(zone)).date().isoformat()}\n" in (tmp_path / "content/fresh.md").read_text()


def test_init_writes_a_starter_site_that_builds_and_asks_for_base_url(tmp_path, capsys):
    folder = tmp_path / "site"
    assert main(["init", str(folder)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {folder / 'trendsite.toml'}" in printed and "fill in base_url" in printed
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".gitignore", "content/welcome.md", "trendsite.toml"]
    assert '# base_url = "https://example.org/"' in (folder / "trendsite.toml").read_text()
    assert {"/output/", "/.trendsite-cache/", "/.output.trendsite-lock"} <= set(
        (folder / ".gitignore").read_text().splitlines())
    assert main(["check", "--root", str(folder)]) == 0
    findings = capsys.readouterr().out
    assert "warning: trendsite.toml: base_url is not set" in findings and "0 error(s), 1 warning(s)" in findings
    assert main(["build", "--root", str(folder)]) == 0
    assert (folder / "output" / "reports" / "welcome" / "index.html").is_file()


def test_init_never_overwrites_and_leaves_settings_in_pyproject_alone(tmp_path, capsys):
    (tmp_path / ".gitignore").write_text("mine\n")
    (tmp_path / "pyproject.toml").write_text('[tool.trendsite]\ntitle = "Mine"\n')
    assert main(["init", str(tmp_path)]) == 0
    assert f"kept {tmp_path / '.gitignore'}: it exists already" in capsys.readouterr().out
    assert (tmp_path / ".gitignore").read_text() == "mine\n"
    assert not (tmp_path / "trendsite.toml").exists()  # settings in both files would be an error
    assert main(["init", str(tmp_path)]) == 0
    assert "wrote" not in capsys.readouterr().out
    assert main(["build", "--root", str(tmp_path)]) == 0
