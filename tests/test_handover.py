"""Findings of the corpus in others' modules, as failing tests to hand over: each is a strict xfail naming
its owner, and starts passing (so failing here) when the owner fixes it."""
from __future__ import annotations

import pytest

from builder.__main__ import main
from conftest import report


@pytest.mark.xfail(strict=True, reason="content.py (links owner): a relative link holding a backslash or an "
                                        "entity (CommonMark's own examples) is said to point outside content/")
def test_a_link_with_a_backslash_is_not_said_to_leave_the_content_folder(make_site, capsys):
    root = make_site({"content/a.md": report("A", body="[x](foo\\bar) and [y](a&quot;b)")})
    main(["build", "--root", str(root)])
    assert "points outside the content folder" not in capsys.readouterr().err
