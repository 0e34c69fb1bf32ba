"""Bad input through the command line: one clear error naming the file and line, exit code 1, no traceback."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from builder.__main__ import main
from conftest import REPO, report, trendsite

GOOD = report("Fine report")


def run(root, capsys, *extra: str) -> tuple[int, str]:
    """`trendsite build --root ROOT`, in process: any exception other than a clean exit fails the test."""
    code = main(["build", "--root", str(root), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def refuses(make_site, capsys, files: dict, *expected: str) -> str:
    """Build `files` beside a good report; assert exit 1, every `expected` text in the errors, no output."""
    root = make_site({"content/good.md": GOOD, **files})
    code, err = run(root, capsys)
    assert code == 1, err
    for text in expected:
        assert text in err
    assert not (root / "output").exists()
    return err


def test_malformed_yaml_names_file_and_line(make_site, capsys):
    refuses(make_site, capsys, {"content/a.md": "---\ntitle: Fine\ndate: 2026-01-01\ntags: [open\n---\nx\n"},
            "content/a.md:4:", "not valid YAML")


def test_missing_and_mistyped_fields_are_all_reported(make_site, capsys):
    err = refuses(make_site, capsys, {"content/a.md": "---\ntitle: T\ntags: AI\ndraft: maybe\ntilte: x\n---\nx\n"},
                  "'date' is required", "content/a.md:3: 'tags' must be a list", "content/a.md:4: 'draft'",
                  "did you mean 'title'?")
    assert "4 problem(s)" in err


def test_an_impossible_date_is_an_error_on_its_line(make_site, capsys):
    refuses(make_site, capsys, {"content/a.md": "---\ntitle: T\ndate: 2026-13-45\n---\nx\n"},
            "content/a.md:3:", "month must be in 1..12", "(write a real date, as YYYY-MM-DD)")


def test_an_unclosed_quote_is_an_error_where_it_opens(make_site, capsys):
    refuses(make_site, capsys, {"content/a.md": '---\ntitle: "Open\ndate: 2026-01-01\ntags: [AI]\n---\nx\n'},
            "content/a.md:2: front matter is not valid YAML: a quoted value is never closed (add the closing quote)")


def test_non_utf8_bytes_say_where(make_site, capsys):
    refuses(make_site, capsys, {"content/a.md": b"---\ntitle: T\ndate: 2026-01-01\n---\nok\ncaf\xe9\n"},
            "content/a.md:6:", "not UTF-8", "byte 0xe9")


def test_a_bom_and_crlf_line_endings_just_work(make_site, capsys):
    root = make_site({"content/a.md": "\ufeff---\r\ntitle: Windows\r\ndate: 2026-01-01\r\n---\r\nBody\r\n".encode()})
    code, err = run(root, capsys)
    assert code == 0, err
    page = (root / "output/reports/a/index.html").read_text()
    assert "Windows" in page and "\r" not in page


def test_an_empty_file_is_an_error(make_site, capsys):
    refuses(make_site, capsys, {"content/a.md": ""}, "content/a.md:1: is empty")


def test_a_file_that_is_only_front_matter_builds(make_site, capsys):
    # An empty body is a valid report (a placeholder); `trendsite check` is where it is worth a warning.
    root = make_site({"content/a.md": "---\ntitle: Placeholder\ndate: 2026-01-01\n---"})
    code, err = run(root, capsys)
    assert code == 0, err
    assert "Placeholder" in (root / "output/reports/a/index.html").read_text()


def test_unclosed_front_matter_asks_about_the_closing_line(make_site, capsys):
    refuses(make_site, capsys, {"content/a.md": "---\ntitle: T\ndate: 2026-01-01\nBody\n"},
            "content/a.md:1:", "closing `---`")


def test_a_yaml_alias_bomb_is_refused_not_expanded(make_site, capsys):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    bomb = "---\ntitle: T\ndate: 2026-01-01\nextra:\n" + "".join(f"  {line}\n" for line in levels) + "---\nx\n"
    started = time.perf_counter()
    refuses(make_site, capsys, {"content/a.md": bomb}, "content/a.md:6:", "aliases")
    assert time.perf_counter() - started < 10  # expanded, 9**10 items would never finish


def test_python_tags_in_yaml_are_refused(make_site, capsys):
    refuses(make_site, capsys, {"content/a.md": "---\ntitle: !!python/object/apply:os.system [ls]\ndate: 2026-01-01\n---\n"},
            "content/a.md:2:", "not valid YAML")


def test_a_file_over_the_size_limit_is_refused(make_site, capsys):
    refuses(make_site, capsys, {"pyproject.toml": "[tool.trendsite]\nmax_file_bytes = 5000\n",
                                "content/a.md": report("Big", body="word " * 2000)},
            "content/a.md:", "over the limit of 5,000", "max_file_bytes")


def test_a_huge_line_under_the_limit_builds(make_site, capsys):
    root = make_site({"content/a.md": report("Long line", body="word " * 50_000)})
    code, err = run(root, capsys)
    assert code == 0, err


@pytest.mark.parametrize("body", [
    ">" * 10_000 + " deep quote",
    "".join("    " * level + "- item\n" for level in range(200)),
    "".join(">" * level + " quote\n" for level in range(1, 500)),
    "[" * 10_000 + "x" + "]" * 10_000,
    "![" * 5_000 + "x" + "]" * 5_000,
    "*" * 5_000 + "x" + "*" * 5_000,
], ids=["quote-markers", "lists", "quote-lines", "brackets", "images", "emphasis"])
def test_pathological_nesting_is_refused_quickly(make_site, capsys, body):
    started = time.perf_counter()
    refuses(make_site, capsys, {"content/a.md": report("Deep", body=body)}, "content/a.md:", "nested too deeply")
    assert time.perf_counter() - started < 20  # each took from 18 s to minutes before the nesting check


def test_two_reports_with_one_slug_name_both_files(make_site, capsys):
    err = refuses(make_site, capsys, {"content/a.md": report("A", slug="same"), "content/b/same.md": report("B")},
                  "content/a.md", "content/b/same.md", "same slug 'same'")
    assert err.count("same slug") == 2


@pytest.mark.parametrize("slug", ["../../etc", "a/b", "/abs", "..", "a b"])
def test_a_slug_that_would_leave_its_folder_is_refused(make_site, capsys, slug):
    refuses(make_site, capsys, {"content/a.md": report("A", slug=f'"{slug}"')}, "content/a.md:5:", "'slug' must be")


def test_links_out_of_content_are_refused(make_site, capsys, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (tmp_path / "secrets").mkdir()
    root = make_site({"content/good.md": GOOD})
    (root / "content/leak.txt").symlink_to(outside)
    (root / "content/folder").symlink_to(tmp_path / "secrets")
    code, err = run(root, capsys)
    assert code == 1
    assert "content/leak.txt: is a link to something outside content/" in err
    assert "content/folder: is a link to something outside content/" in err


def test_a_link_between_files_inside_content_is_fine(make_site, capsys):
    root = make_site({"content/good.md": GOOD, "content/pictures/chart.png": b"png"})
    (root / "content/alias").symlink_to(root / "content/pictures")
    code, err = run(root, capsys)
    assert code == 0, err
    assert (root / "output/pictures/chart.png").read_bytes() == b"png"


@pytest.mark.parametrize("name, title, slug", [
    ("rtl.md", "שלום עולם", "rtl"),
    ("שלום.md", "שלום עולם", "שלום"),
    ("中文.md", "人工智能的趋势", "中文"),
    ("🚀.md", "🚀 Launch", "rocket"),
    ("x.md", "x", "x"),
])
def test_unicode_file_names_and_titles_give_usable_slugs(make_site, capsys, name, title, slug):
    root = make_site({f"content/{name}": report(title, tags=("🚀", "AI", "人工智能"))})
    code, err = run(root, capsys)
    assert code == 0, err
    page = root / "output/reports" / slug / "index.html"
    assert title in page.read_text()
    assert (root / "output/topics/rocket/index.html").is_file()
    assert (root / "output/topics/人工智能/index.html").is_file()


def test_an_emoji_only_title_in_an_emoji_file_still_gets_a_slug(make_site, capsys):
    root = make_site({"content/🔥.md": report("🔥🔥")})
    code, err = run(root, capsys)
    assert code == 0, err
    assert (root / "output/reports/fire/index.html").is_file()


@pytest.mark.parametrize("where", ["home", "content", "root", "inside content", "inside templates"])
def test_dangerous_output_folders_are_errors(make_site, capsys, monkeypatch, tmp_path, where):
    home = tmp_path / "home"
    (home / "notes.txt").parent.mkdir()
    (home / "notes.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    root = make_site({"content/good.md": GOOD})
    output = {"home": "~", "content": str(root / "content"), "root": ".", "inside content": "content/site",
              "inside templates": "templates/site"}[where]
    monkeypatch.chdir(root)
    code, err = run(root, capsys, "--output", os.path.expanduser(output))
    assert code == 1
    assert "cannot be the output folder" in err
    assert not (root / "content/site").exists() and not (root / "templates/site").exists()
    assert (home / "notes.txt").read_text() == "mine"
    assert (root / "content/good.md").read_text() == GOOD


def test_the_real_command_prints_no_traceback(make_site):
    root = make_site({"content/a.md": "---\ntitle: [\n---\n", "content/b.md": b"\xff\xfe"})
    child = subprocess.run([sys.executable, "-m", "builder", "build", "--root", str(root)], capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert child.returncode == 1
    assert "Traceback" not in child.stderr
    assert "content/a.md:" in child.stderr and "content/b.md:1: is not UTF-8" in child.stderr


def test_a_field_given_twice_is_an_error_on_the_second(make_site, capsys):
    refuses(make_site, capsys, {"content/a.md": "---\ntitle: T\ndate: 2026-01-01\ntags: [AI]\ntags: [Law]\n---\nx\n"},
            "content/a.md:5: 'tags' is given twice, on lines 4 and 5")


def test_serve_refuses_a_port_out_of_range_before_building(make_site, capsys):
    root = make_site({"content/good.md": GOOD})
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--root", str(root), "--port", "99999"])
    assert exit_.value.code == 2
    assert "'99999' is not a port number from 0 to 65535" in capsys.readouterr().err
    assert not (root / "output").exists()


def test_a_file_name_that_is_not_utf8_is_a_problem_naming_the_file(make_site):
    root = make_site({"content/a.md": report("A")})
    with open(os.fsencode(root / "content") + b"/caf\xe9.md", "wb") as handle:
        handle.write(report("B").encode())
    done = trendsite("build", root=root)
    assert "failed unexpectedly" not in done.stderr
    assert "error: content/caf" in done.stderr


def test_a_file_beside_reports_with_a_backslash_in_its_name_is_named_with_how_to_rename_it(make_site):
    root = make_site({"content/a.md": report("A"), "content/a\\b.png": b"png"})
    done = trendsite("build", root=root)
    assert done.returncode == 1 and "error: content/a\\b.png: has a backslash in its name" in done.stderr, done.stderr
