"""load.py: sorted discovery, editor litter skipped, UTF-8 with BOM and any line ending, nothing from outside."""
from __future__ import annotations

import os

from builder import load
from builder.load import scan_content

LIMIT = 100_000


def load_content(root, limit):
    """content/ scanned as a first build scans it, knowing no earlier stamps."""
    return scan_content(root, limit, {})


def site(tmp_path, files: dict[str, bytes]):
    for rel, data in files.items():
        path = tmp_path / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp_path


def test_sources_and_assets_in_sorted_order_without_litter(tmp_path):
    root = site(tmp_path, {"b.md": b"b", "a/z.md": b"z", "a/pic.png": b"p", ".a.md.swp": b"", "c.md~": b"",
                           "#c.md#": b"", "_draft/x.md": b"", ".git/config": b""})
    tree = load_content(root, LIMIT)
    assert list(tree.sources) == ["b.md", "a/z.md"]  # each folder's files, then its folders
    assert list(tree.assets) == ["a/pic.png"]
    assert tree.problems == ()


def test_a_bom_and_crlf_or_cr_line_endings_are_normalised(tmp_path):
    root = site(tmp_path, {"a.md": "\ufeff---\r\ntitle: T\r---\n".encode()})
    assert load_content(root, LIMIT).read["a.md"].text == "---\ntitle: T\n---\n"


def test_non_utf8_names_line_and_byte(tmp_path):
    root = site(tmp_path, {"a.md": b"line one\nline two \x80\n"})
    problem, = load_content(root, LIMIT).problems
    assert (problem.path, problem.line) == ("content/a.md", 2)
    assert "byte 0x80 at offset 18" in problem.message


def test_files_over_the_limit_are_not_read(tmp_path):
    root = site(tmp_path, {"a.md": b"x" * 2000})
    tree = load_content(root, 1000)
    assert tree.sources == {}
    assert "over the limit of 1,000" in tree.problems[0].message


def test_links_outside_content_are_problems_and_never_read(tmp_path):
    root = site(tmp_path, {"a.md": b"a"})
    (tmp_path / "secret.md").write_text("secret")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "b.md").write_text("b")
    (root / "content" / "leak.md").symlink_to(tmp_path / "secret.md")
    (root / "content" / "dir").symlink_to(tmp_path / "private")
    tree = load_content(root, LIMIT)
    assert list(tree.sources) == ["a.md"]
    assert sorted(p.path for p in tree.problems) == ["content/dir", "content/leak.md"]


def test_a_missing_content_folder_is_a_problem(tmp_path):
    assert load_content(tmp_path, LIMIT).problems[0].message == f"no content/ folder in {tmp_path}"


def test_a_missing_content_folder_inside_a_site_names_the_site(tmp_path):
    (tmp_path / "content" / "ai").mkdir(parents=True)
    (problem,) = load_content(tmp_path / "content" / "ai", LIMIT).problems
    assert str(problem) == f"content: no content/ folder in {tmp_path / 'content' / 'ai'} (it is inside the site " \
                           f"{tmp_path}: run trendsite there, or pass --root {tmp_path})"


def test_markdown_not_named_md_is_a_problem_not_published_as_its_source(tmp_path):
    site(tmp_path, {"a.MD": b"x", "ai/b.markdown": b"x", "c.csv": b"x"})
    tree = load_content(tmp_path, LIMIT)
    assert list(tree.assets) == ["c.csv"]
    assert [str(p) for p in tree.problems] == [
        "content/a.MD: is Markdown, but only files ending in .md are reports (rename it to a.md)",
        "content/ai/b.markdown: is Markdown, but only files ending in .md are reports (rename it to b.md)"]


def test_a_file_whose_stamp_is_unchanged_is_not_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "RACY_NS", 0)  # as if the files were written long before the scan
    root = site(tmp_path, {"a.md": b"first", "b.md": b"second", "pic.png": b"p"})
    first = load_content(root, LIMIT)
    known = {f.rel: (f.stamp, f.digest) for f in (*first.sources.values(), *first.assets.values())}
    (root / "content" / "b.md").write_bytes(b"changed")
    again = scan_content(root, LIMIT, known)
    assert list(again.read) == ["b.md"]
    assert again.sources["a.md"] == first.sources["a.md"] and again.assets == first.assets
    assert again.sources["b.md"].digest != first.sources["b.md"].digest


def test_a_file_changed_within_a_clock_tick_of_its_scan_is_read_again(tmp_path):
    root = site(tmp_path, {"a.md": b"one"})
    first = load_content(root, LIMIT)
    known = {f.rel: (f.stamp, f.digest) for f in first.sources.values()}
    status = (root / "content" / "a.md").stat()
    (root / "content" / "a.md").write_bytes(b"two")  # the same size, perhaps the same mtime
    os.utime(root / "content" / "a.md", ns=(status.st_atime_ns, status.st_mtime_ns))
    again = scan_content(root, LIMIT, known)
    assert again.read["a.md"].text == "two" and again.sources["a.md"].digest != first.sources["a.md"].digest
