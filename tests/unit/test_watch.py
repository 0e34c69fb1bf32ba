"""The watcher: which paths matter, and how editors' saves become one change set per burst."""
from __future__ import annotations

import os
import shutil

import pytest

from builder.watch import ASSET, CONFIG, CONTENT, STATIC, STYLE, TEMPLATE, ChangeSet, Watcher, classify

WAIT = 5.0  # seconds: generous, a burst normally ends 50 ms after its last event


@pytest.mark.parametrize("path, kind", [
    ("content/a.md", CONTENT),
    ("content/ai/a.md", CONTENT),
    ("content/ai/chart.png", ASSET),
    ("templates/report.html", TEMPLATE),
    ("templates/static/style.css", STYLE),
    ("templates/static/site.js", STATIC),
    ("pyproject.toml", CONFIG),
    ("content/.a.md.swp", None),
    ("content/a.md~", None),
    ("content/#a.md#", None),
    ("content/.git/index", None),
    ("output/index.html", None),
    ("README.md", None),
])
def test_classify_names_the_kind_of_each_path(path, kind):
    assert classify(path) == kind


def test_a_folder_under_content_is_content_whatever_its_name():
    assert classify("content/ai", is_dir=True) == CONTENT


def test_only_stylesheet_changes_can_be_swapped_in_place():
    assert ChangeSet.of(["templates/static/style.css"]).styles_only
    assert not ChangeSet.of(["templates/static/style.css", "content/a.md"]).styles_only
    assert not ChangeSet.of(["content/a.md"]).styles_only


def test_change_set_drops_editor_litter():
    changes = ChangeSet.of(["content/a.md", "content/.a.md.swp", "content/b.md~"])
    assert changes.paths == ("content/a.md",)
    assert changes.kinds == {CONTENT}


@pytest.fixture
def site(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "templates" / "static").mkdir(parents=True)
    (tmp_path / "content" / "a.md").write_text("one")
    (tmp_path / "pyproject.toml").write_text("")
    return tmp_path


@pytest.fixture
def watcher(site):
    with Watcher(site) as running:
        yield running


def test_a_plain_save_is_one_change(site, watcher):
    (site / "content" / "a.md").write_text("two")
    assert watcher.next_changes(WAIT).paths == ("content/a.md",)
    assert watcher.next_changes(0.3) is None


def test_an_atomic_rename_save_names_the_real_file_only(site, watcher):
    temp = site / "content" / ".a.md.tmp123"
    temp.write_text("two")
    os.replace(temp, site / "content" / "a.md")
    assert watcher.next_changes(WAIT).paths == ("content/a.md",)


def test_a_temporary_file_without_an_ignored_name_that_vanishes_is_not_a_change(site, watcher):
    temp = site / "content" / "sedAb12Cd"  # how `sed -i` saves
    temp.write_text("two")
    os.replace(temp, site / "content" / "a.md")
    assert watcher.next_changes(WAIT).paths == ("content/a.md",)


def test_a_burst_of_saves_is_one_change_set(site, watcher):
    for number in range(20):
        (site / "content" / f"r{number % 4}.md").write_text(str(number))
    changes = watcher.next_changes(WAIT)
    assert changes.paths == tuple(f"content/r{n}.md" for n in range(4))
    assert watcher.next_changes(0.3) is None


def test_a_rename_names_both_the_old_and_the_new_file(site, watcher):
    os.rename(site / "content" / "a.md", site / "content" / "b.md")
    assert watcher.next_changes(WAIT).paths == ("content/a.md", "content/b.md")


def test_a_delete_is_a_change(site, watcher):
    (site / "content" / "a.md").unlink()
    assert watcher.next_changes(WAIT).paths == ("content/a.md",)


def test_a_folder_moved_in_and_out_is_a_content_change(site, watcher, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "ai").mkdir()
    (outside / "ai" / "x.md").write_text("x")
    shutil.move(str(outside / "ai"), str(site / "content" / "ai"))
    assert "content/ai" in watcher.next_changes(WAIT).paths
    shutil.move(str(site / "content" / "ai"), str(outside / "gone"))
    changes = watcher.next_changes(WAIT)
    assert "content/ai" in changes.paths and changes.kinds == {CONTENT}


def test_stylesheet_config_and_output_changes_are_told_apart(site, watcher):
    (site / "templates" / "static" / "style.css").write_text("body{}")
    assert watcher.next_changes(WAIT).styles_only
    (site / "pyproject.toml").write_text("[tool.trendsite]\n")
    assert watcher.next_changes(WAIT).kinds == {CONFIG}
    (site / "output").mkdir()
    (site / "output" / "index.html").write_text("x")
    assert watcher.next_changes(0.3) is None


def test_a_templates_folder_made_after_starting_is_watched(tmp_path):
    (tmp_path / "content").mkdir()
    with Watcher(tmp_path) as watcher:
        (tmp_path / "templates").mkdir()
        watcher.next_changes(0.3)  # the folder alone changes nothing the build reads
        (tmp_path / "templates" / "report.html").write_text("x")
        assert watcher.next_changes(WAIT).paths == ("templates/report.html",)
