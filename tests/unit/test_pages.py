"""The render stage: pages rendered across worker processes are the very bytes one process makes, and a
failing template is named the same way."""
from __future__ import annotations

import shutil

import pytest

from builder import pages
from builder.errors import BuildError
from conftest import FIXTURE_SITE, build_site, published


@pytest.fixture
def in_workers(monkeypatch):
    """Every page rendered by worker processes, a few at a time."""
    monkeypatch.setattr(pages, "PARALLEL_MIN", 1)
    monkeypatch.setattr(pages, "CHUNK", 3)


def test_pages_rendered_by_workers_are_the_bytes_one_process_makes(tmp_path, in_workers):
    shutil.copytree(FIXTURE_SITE, tmp_path / "site")
    build_site(tmp_path / "site", tmp_path / "workers", workers=2)
    build_site(tmp_path / "site", tmp_path / "one", workers=1)
    assert published(tmp_path / "workers") == published(tmp_path / "one")


def test_workers_write_only_the_pages_whose_bytes_changed(tmp_path, in_workers):
    shutil.copytree(FIXTURE_SITE, tmp_path / "site")
    build_site(tmp_path / "site", workers=2)
    (tmp_path / "site" / "templates").mkdir(exist_ok=True)
    (tmp_path / "site" / "templates" / "404.html").write_text(
        '{% extends "!404.html" %}{% block content %}<p>Nothing here.</p>{% endblock %}')
    result = build_site(tmp_path / "site", workers=2)  # every page is rendered again: the theme changed
    assert result.summary.changed == ("404.html",)


def test_a_template_failing_in_workers_is_named_with_every_page_it_stopped(make_site, in_workers):
    root = make_site({**{f"content/r{n}.md": f"---\ntitle: R{n}\ndate: 2026-01-0{n + 1}\n---\nText.\n"
                         for n in range(4)},
                      "templates/report.html": '{% extends "base.html" %}{% block content %}{{ report.nope }}'
                                               '{% endblock %}'})
    with pytest.raises(BuildError) as error:
        build_site(root, workers=2)
    (problem,) = error.value.problems
    assert problem.path == "templates/report.html" and "rendering /reports/r0/, /reports/r1/" in problem.message
    assert not (root / "output").exists()
