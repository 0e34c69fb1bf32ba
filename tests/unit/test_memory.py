"""memory.py and what the pipeline keeps in it: nothing is reused once what it was made from changed."""
from __future__ import annotations

import gc
import os

import builder.build
from builder.build import BuildOptions, build
from builder.cache import CACHE_DIR, OutputState, OutputStateFile
from builder.load import load_content
from builder.memory import Memory
from builder.write import MANIFEST
from conftest import NOW, published, report
from conftest import write_site as write_files

LIMIT = 100_000


def test_an_unchanged_source_is_not_read_again_and_a_changed_one_is(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("first")
    (content / "b.md").write_text("other")
    known: dict = {}
    before = {s.rel: s for s in load_content(tmp_path, LIMIT, known).sources}
    (content / "a.md").write_text("again")  # same size
    after = {s.rel: s for s in load_content(tmp_path, LIMIT, known).sources}
    assert after["b.md"] is before["b.md"]
    assert after["a.md"].text == "again"
    (content / "b.md").unlink()
    load_content(tmp_path, LIMIT, known)
    assert set(known) == {"a.md"}


def test_a_save_that_keeps_the_stamp_is_read_again_once_the_watcher_names_it(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    path = content / "a.md"
    path.write_text("first")
    stamp = os.stat(path)
    memory = Memory()
    memory.content(tmp_path, LIMIT)
    path.write_text("again")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # ctime still moves: forge it in memory
    memory.sources["a.md"] = (memory.sources["a.md"][0][:3] + (os.stat(path).st_ctime_ns,),
                              memory.sources["a.md"][1])
    assert memory.content(tmp_path, LIMIT).sources[0].text == "first"
    memory.forget(["content/a.md"])
    assert memory.content(tmp_path, LIMIT).sources[0].text == "again"


def _texts(memory: Memory, root) -> dict[str, str]:
    return {s.rel: s.text for s in memory.content(root, LIMIT).sources}


def test_a_watched_memory_reads_only_the_files_the_watcher_named(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for name in ("a.md", "b.md"):
        (content / name).write_text("first")
    memory = Memory(watched=True)
    _texts(memory, tmp_path)
    (content / "a.md").write_text("named")
    (content / "b.md").write_text("unnamed")  # no event for it: serve's watcher would have named it
    memory.forget(["content/a.md"])
    assert _texts(memory, tmp_path) == {"a.md": "named", "b.md": "first"}


def test_a_watched_memory_walks_content_when_a_named_file_is_not_an_edit_of_a_plain_source(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for name in ("a.md", "b.md", "c.md"):
        (content / name).write_text("first")
    memory = Memory(watched=True)
    _texts(memory, tmp_path)
    (content / "a.md").unlink()
    (content / "new.md").write_text("new")
    memory.forget(["content/a.md", "content/new.md"])  # a file deleted and one created: walked
    assert _texts(memory, tmp_path) == {"b.md": "first", "c.md": "first", "new.md": "new"}
    os.link(content / "b.md", tmp_path / "elsewhere.md")  # a second name outside content/
    memory.forget(["content/b.md"])
    _texts(memory, tmp_path)
    (tmp_path / "elsewhere.md").write_text("through the other name")
    (content / "c.md").write_text("edited")
    memory.forget(["content/c.md"])  # b.md changed with no event for its path: the walk sees it
    assert _texts(memory, tmp_path) == {"b.md": "through the other name", "c.md": "edited", "new.md": "new"}


def test_stored_files_are_known_unchanged_while_they_are_the_bytes_written_and_output_is_untouched(make_site):
    root = make_site({"content/a.md": report("Alpha"), "content/b.md": report("Beta")})
    output = root / "output"
    memory = Memory()
    stored = dict(build(BuildOptions(root=root, output=output, now=NOW), memory).site.files.stored())
    assert "search/index.json" in stored and "feed.xml" in stored
    assert memory.unchanged_files(output, stored) == set(stored)
    equal = {path: bytes(bytearray(data)) for path, data in stored.items()}  # equal bytes, other objects
    assert memory.unchanged_files(output, equal) == set()
    assert memory.unchanged_files(root / "elsewhere", stored) == set()
    os.utime(output / MANIFEST, ns=(1, 1))  # someone else wrote output/
    assert memory.unchanged_files(output, stored) == set()


def test_the_output_state_is_read_again_only_when_someone_else_saved_it(make_site):
    root = make_site({"content/a.md": report("Alpha")})
    options = BuildOptions(root=root, output=root / "output", now=NOW)
    memory = Memory()
    build(options, memory)
    state_file = OutputStateFile(root / CACHE_DIR, options.output)
    assert memory.output_state(state_file) is memory.state[2]
    assert memory.output_state(state_file).pages == state_file.load().pages
    state_file.save(OutputState(inputs="another build's"))
    assert memory.output_state(state_file).inputs == "another build's"


def test_a_value_is_made_again_only_when_its_inputs_change():
    memory, made = Memory(), []

    def make():
        made.append(1)
        return len(made)

    assert memory.value("feed.xml", ["a", "b"], make) == 1
    assert memory.value("feed.xml", ["a", "b"], make) == 1
    assert memory.value("feed.xml", ["ab"], make) == 2


def test_a_warm_rebuild_writes_what_a_clean_build_writes(make_site):
    root = make_site({"content/a.md": report("Alpha", body="See [b](b.md)."), "content/b.md": report("Beta")})
    options = BuildOptions(root=root, output=root / "output", now=NOW)
    memory = Memory()
    build(options, memory)
    (root / "content" / "b.md").write_text(report("Beta renamed"))
    memory.forget(["content/b.md"])
    build(options, memory)
    clean = make_site({"content/a.md": report("Alpha", body="See [b](b.md)."),
                       "content/b.md": report("Beta renamed")})
    build(BuildOptions(root=clean, output=clean / "output", now=NOW))
    assert published(root / "output") == published(clean / "output")
    assert b"Beta renamed" in (root / "output" / "reports" / "a" / "index.html").read_bytes()


def test_a_one_off_build_keeps_neither_the_sources_nor_the_indexes_updates_need(make_site):
    root = make_site({"content/a.md": report("A", body="Alpha text."), "content/b.md": report("B", body="Beta.")})
    one_off, warm = Memory(warm=False), Memory()
    for memory in (one_off, warm):
        build(BuildOptions(root=root, output=root / f"out-{memory.warm}", now=NOW), memory)
    assert not one_off.sources and not one_off.prepared and one_off.ranking is None and one_off.search is None
    assert warm.sources and warm.prepared and warm.ranking is not None and warm.search is not None


def test_a_warm_rebuild_dates_the_sitemap_entry_of_a_report_whose_updated_date_changed(make_site):
    root = make_site({"content/a.md": report("Alpha"), "content/b.md": report("Beta", date="2026-05-02")})
    options = BuildOptions(root=root, output=root / "output", now=NOW)
    memory = Memory()
    build(options, memory)
    (root / "content" / "a.md").write_text(report("Alpha", updated="2026-06-01"))
    memory.forget(["content/a.md"])
    build(options, memory)
    assert b"<lastmod>2026-06-01</lastmod>" in (root / "output" / "sitemap.xml").read_bytes()


def test_a_one_off_build_leaves_its_model_out_of_collections_and_the_collector_as_it_was(tmp_path, monkeypatch):
    seen = []

    def spy(stage: str) -> None:  # records whether automatic collection is on, and objects are frozen
        real = getattr(builder.build, stage)

        def record(*args, **kwargs):
            seen.append((stage, gc.isenabled(), gc.get_freeze_count() > 0))
            return real(*args, **kwargs)
        monkeypatch.setattr(builder.build, stage, record)
    spy("generate")
    spy("write_site")
    root = write_files(tmp_path, {"content/a.md": report("A")})
    options = BuildOptions(root=root, output=root / "output", now=NOW)
    build(options)
    assert seen == [("generate", False, False), ("write_site", True, True)]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    seen.clear()
    build(options, Memory())  # as `serve` builds: it manages the collector itself
    assert seen == [("generate", True, False), ("write_site", True, False)]
