"""Nothing lost, nothing stale: output/ ends up as a clean build makes it, whatever was done to it, its
records or the cache folder in between."""
from __future__ import annotations

import json
import os
import shutil
import stat

import pytest

from builder.errors import BuildError
from builder.write import MANIFEST, STAGING
from conftest import build_site, published, report, trendsite, write_site

SITE = {"content/a.md": report("Alpha", body="First text."), "content/b.md": report("Beta", body="Second text.")}


def clean_build(make_site, root):
    """What a clean build of root's content makes."""
    clean = make_site({})
    shutil.copytree(root / "content", clean / "content")
    build_site(clean)
    return published(clean / "output")


@pytest.mark.parametrize("moves, remove", [
    ([["../../../outside.txt", "stolen.txt"]], []),          # a staged name leading out of the staging folder
    ([["0", "../escaped.txt"]], []),                          # a target outside output/
    ([["0", ".trendsite-manifest.json"]], []),                # over trendsite's own records
    ([], ["../outside.txt"]),                                 # a removal outside output/
    ([["link", "stolen.txt"]], []),                           # a staged file that is a link to anywhere
])
def test_a_forged_journal_is_thrown_away_unapplied_and_the_build_repairs_the_site(make_site, moves, remove):
    root = make_site(SITE)
    build_site(root)
    outside = write_site(root.parent, {"outside.txt": "private"}) / "outside.txt"
    staging = root / "output" / STAGING
    write_site(staging, {"0": "forged", "journal.json": json.dumps({"moves": moves, "remove": remove})})
    (staging / "link").symlink_to(outside)
    build_site(root)
    assert outside.read_text() == "private"
    assert published(root / "output") == clean_build(make_site, root)
    assert not (root / "output" / STAGING).exists() and not (root.parent / "escaped.txt").exists()


def test_a_staging_folder_that_is_a_link_is_removed_never_followed(make_site, tmp_path):
    root = make_site(SITE)
    build_site(root)
    elsewhere = write_site(tmp_path / "elsewhere", {"0": "x", "journal.json": '{"moves": [["0", "x.html"]], '
                                                                                '"remove": []}'})
    (root / "output" / STAGING).symlink_to(elsewhere)
    build_site(root)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["0", "journal.json"]
    assert published(root / "output") == clean_build(make_site, root)


def test_a_journal_that_cannot_be_applied_is_dropped_and_the_next_build_repairs_the_site(make_site):
    root = make_site(SITE)
    build_site(root)
    # A file where the new report's folder must go: the committed write fails halfway through.
    write_site(root, {"content/c.md": report("Gamma"), "output/reports/c": "in the way"})
    with pytest.raises(BuildError, match="reports/c"):
        build_site(root)
    (root / "content" / "c.md").unlink()  # the writer gives up on the report, the stray file stays
    build_site(root)
    assert not (root / "output" / STAGING).exists()
    assert published(root / "output") == clean_build(make_site, root) | {"reports/c": b"in the way"}


@pytest.mark.parametrize("how", ["renamed over", "written into"])
def test_a_page_changed_behind_the_manifests_back_is_written_again(make_site, how):
    root = make_site(SITE)
    build_site(root)
    page = root / "output" / "reports" / "a" / "index.html"
    good, status = page.read_bytes(), page.stat()
    forged = good.replace(b"First text.", b"Other text.")  # the same size: only the file's identity tells
    if how == "renamed over":  # as another build's journal would: a new file, though as old as the last
        write_site(root, {"output/reports/a/new.html": forged})
        os.replace(page.with_name("new.html"), page)
        os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
    else:  # the same file, a second later
        page.write_bytes(forged)
        os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    build_site(root)
    assert page.read_bytes() == good


def test_a_page_changed_behind_the_manifests_back_is_written_again_by_the_command_line(make_site):
    root = make_site(SITE)
    assert trendsite("build", root=root).returncode == 0
    assert "nothing changed" in trendsite("build", root=root).stdout
    page = root / "output" / "reports" / "a" / "index.html"
    good = page.read_bytes()
    write_site(root, {"output/reports/a/new.html": good.replace(b"First text.", b"Other text.")})
    os.replace(page.with_name("new.html"), page)
    result = trendsite("build", root=root)
    assert "nothing changed" not in result.stdout
    assert page.read_bytes() == good


def test_a_damaged_manifest_is_made_again_by_comparing_files_not_by_writing_them(make_site):
    root = make_site(SITE)
    build_site(root)
    (root / "output" / MANIFEST).write_text("{damaged")
    old = 1_000_000_000
    pages = list((root / "output").rglob("*.html"))
    for path in pages:
        os.utime(path, (old, old))
    assert build_site(root).summary.written == 0
    assert all(path.stat().st_mtime == old for path in pages)
    assert published(root / "output") == clean_build(make_site, root)


def test_an_unwritable_cache_never_makes_a_reverted_edit_nothing_changed(unprivileged_site, make_site):
    root = unprivileged_site(SITE)
    first = trendsite("build", root=root, unprivileged=True)
    assert first.returncode == 0, first.stderr
    for folder, _, names in os.walk(root / ".trendsite-cache"):
        os.chmod(folder, 0o555)
        for name in names:
            os.chmod(os.path.join(folder, name), 0o444)
    first = (root / "content" / "a.md").read_text()
    for text in (report("Alpha", body="A retracted claim."), first):
        (root / "content" / "a.md").write_text(text)
        result = trendsite("build", root=root, unprivileged=True)
        assert result.returncode == 0, result.stderr
        assert "nothing changed" not in result.stdout
    assert b"retracted" not in (root / "output" / "reports" / "a" / "index.html").read_bytes()
    assert published(root / "output") == clean_build(make_site, root)
    assert stat.S_IMODE((root / ".trendsite-cache").stat().st_mode) == 0o555
