"""Findings of the fuzzer (tests/test_fuzz.py) and the corpus in others' modules, as failing tests to hand
over: each is a strict xfail naming its owner, and starts passing (so failing here) when the owner fixes
it. The fuzzer leaves these inputs out meanwhile."""
from __future__ import annotations

import os

import pytest

from conftest import report, trendsite


@pytest.mark.xfail(strict=True, reason="load.py / store.py (the lead): a name os.fsdecode keeps as lone surrogates "
                                        "reaches SQLite, which cannot encode it: 'trendsite failed unexpectedly: "
                                        "UnicodeEncodeError', a bug caught at the last boundary")
def test_a_file_name_that_is_not_utf8_is_a_problem_naming_the_file(make_site):
    root = make_site({"content/a.md": report("A")})
    with open(os.fsencode(root / "content") + b"/caf\xe9.md", "wb") as handle:
        handle.write(report("B").encode())
    done = trendsite("build", root=root)
    assert "failed unexpectedly" not in done.stderr
    assert "error: content/caf" in done.stderr


@pytest.mark.xfail(strict=True, reason="write.py / load.py (the lead): a file beside reports whose name holds a "
                                        "backslash is refused by the writer's guard, naming its output path and not "
                                        "the file: 'a\\b.png: would be written outside the output folder'")
def test_a_file_beside_reports_with_a_backslash_in_its_name_is_published_or_named(make_site):
    root = make_site({"content/a.md": report("A"), "content/a\\b.png": b"png"})
    done = trendsite("build", root=root)
    assert done.returncode == 0 or "error: content/a\\b.png" in done.stderr, done.stderr


@pytest.mark.xfail(strict=True, reason="content.py (links owner): links are found in the page's HTML by a pattern "
                                        "that also matches text, so a code sample holding href=\"...\" is checked "
                                        "(and rewritten) as a link: the corpus's warnings name code samples")
def test_a_code_sample_holding_a_link_is_shown_as_written_and_not_checked(make_site):
    body = 'Code:\n\n    <a href="missing.md">x</a>\n\n```html\n<img src="b.md">\n```\n\nand `<a href="c.md">`\n'
    root = make_site({"content/a.md": report("A", body=body), "content/b.md": report("B"),
                      "content/c.md": report("C")})
    done = trendsite("build", root=root)
    assert done.returncode == 0, done.stderr
    page = (root / "output/reports/a/index.html").read_text(encoding="utf-8")
    assert '&lt;a href="c.md"&gt;' in page  # not rewritten to /reports/c/
