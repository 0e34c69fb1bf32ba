"""Faults: a build killed (SIGKILL) or interrupted (Ctrl-C) at any moment never loses the published site."""
from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.store import state_file
from builder.write import MARKER, STAGING, digest
from conftest import REPO, build_site, report, write_site

# The child builds like the CLI but announces each disk operation of the write phase and slows it
# down, so the parent can kill it at a chosen step; no test switch lives in the production code.
CHILD = """
import os, sys, time
from pathlib import Path
from builder import pages, write
from builder.write import STAGING
from builder.__main__ import main

real_replace, real_write, real_render = os.replace, Path.write_bytes, pages._Worker.render

def announce(what):
    print(what, flush=True)
    time.sleep(0.004)

def replace(source, target):
    if STAGING in str(source):  # the write phase, not a cache file
        announce("replace")
    real_replace(source, target)

def write_bytes(self, data):
    if STAGING in str(self):
        announce("stage")
    return real_write(self, data)

def render(*args):
    announce("render")
    return real_render(*args)

write.os.replace, Path.write_bytes, pages._Worker.render = replace, write_bytes, render
sys.exit(main(sys.argv[1:]))
"""


def site_files(version: str) -> dict[str, str]:
    """Two versions of one site: B edits, adds and removes reports, so every kind of write happens."""
    files = {"pyproject.toml": f'[tool.trendsite]\ntitle = "Site {version}"\nbase_url = "https://example.org/"\n'}
    numbers = range(12) if version == "A" else range(3, 15)
    for n in numbers:
        edited = version == "B" and n % 3 == 0
        files[f"content/r{n}.md"] = report(f"Report {n}{' (edited)' if edited else ''}", date=f"2026-03-{n + 1:02d}",
                                           tags=(f"T{n % 4}", "Shared"), body=f"Report {n} body {version if edited else ''}.")
    return files


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER and STAGING not in p.parts}


def start_child(root: Path, output: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", CHILD, "build", "--root", str(root), "--output", str(output)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=root)


def journal_pending(root: Path, output: Path) -> bool:
    """Whether the store holds a committed write not yet applied to output/."""
    with sqlite3.connect(state_file(root, output)) as db:
        return db.execute("SELECT count(*) FROM journal").fetchone()[0] > 0


def run_until(child: subprocess.Popen, marker: str, count: int) -> bool:
    """Read the child's announcements until the count-th `marker`; False if it finished first."""
    seen = 0
    for line in child.stdout:
        seen += line.strip() == marker
        if seen == count:
            return True
    return False


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The site whose content the tests switch between versions, and each version's expected output."""
    base = tmp_path_factory.mktemp("faults")
    # A private copy of the theme: the expected trees must not move if templates/ is edited meanwhile.
    theme = base / "theme"
    shutil.copytree(REPO / "templates", theme)
    expected = {}
    for version in "AB":
        root = write_site(base / f"site{version}", site_files(version))
        shutil.copytree(theme, root / "templates")
        build_site(root, base / f"expected{version}")
        expected[version] = tree(base / f"expected{version}")
    assert expected["A"] != expected["B"]
    return base / "siteA", expected


def switch(root: Path, version: str) -> Path:
    """Edit the site in place into `version`, as a writer would."""
    for old in (root / "content").glob("*.md"):
        old.unlink()
    return write_site(root, site_files(version))


def kill_points(old: dict[str, bytes], new: dict[str, bytes]) -> list[tuple[str, int]]:
    """Every phase: rendering, staging files, right after the commit (before the first move), moves, the last move."""
    changed = sum(old.get(rel) != data for rel, data in new.items())
    points = [("render", 1), ("stage", 1), ("stage", changed)]
    return points + [("replace", n) for n in (1, 2, changed // 2, changed - 1, changed)]


def test_a_killed_build_leaves_a_whole_site_and_the_next_build_repairs_it(sites, tmp_path):
    root, expected = sites
    output = tmp_path / "output"
    build_site(switch(root, "A"), output)
    # Alternate between the versions: A -> B, then B -> A, ... at chosen steps, then at a few random
    # moments to catch what the chosen steps miss (seeded, so reproducible).
    points = kill_points(expected["A"], expected["B"])
    points = [p if i % 2 == 0 else kill_points(expected["B"], expected["A"])[i] for i, p in enumerate(points)]
    points += [("time", m) for m in random.Random(6).sample(range(5, 50), 3)]
    old, new = "A", "B"
    for marker, count in points:
        assert tree(output) == expected[old]
        child = start_child(switch(root, new), output)
        if marker == "time":
            time.sleep(count / 100)
            reached = True  # finishing first is fine too
        else:
            reached = run_until(child, marker, count)
        child.send_signal(signal.SIGKILL)
        child.communicate()
        assert reached, f"the build finished before {marker} #{count}"
        state = tree(output)
        # Every file is whole, either its old or its new version; nothing old is gone before the commit.
        for rel, data in state.items():
            assert data in (expected[old].get(rel), expected[new].get(rel)), rel
        if not journal_pending(root, output):
            assert state in (expected[old], expected[new]), f"killed at {marker} #{count}"
        build_site(root, output)
        assert tree(output) == expected[new], f"not repaired after a kill at {marker} #{count}"
        assert not (output / STAGING).exists()
        old, new = new, old


@pytest.mark.parametrize("marker, count", [("render", 1), ("stage", 2), ("replace", 3)])
def test_ctrl_c_exits_cleanly_and_leaves_a_whole_site(sites, tmp_path, marker, count):
    root, expected = sites
    output = tmp_path / "output"
    build_site(switch(root, "A"), output)
    child = start_child(switch(root, "B"), output)
    assert run_until(child, marker, count)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    # Before the commit the old site stays; after it the write is finished: whole either way, no litter.
    assert tree(output) == (expected["B"] if marker == "replace" else expected["A"])
    assert not (output / STAGING).exists()


def test_a_failed_build_writes_nothing(sites, tmp_path):
    root, expected = sites
    output = tmp_path / "output"
    build_site(switch(root, "A"), output)
    broken = write_site(switch(root, "B"), {"content/bad.md": "---\ntitle: [unclosed\n---\n"})
    child = subprocess.run([sys.executable, "-m", "builder", "build", "--root", str(broken), "--output", str(output)],
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert child.returncode == 1
    assert tree(output) == expected["A"]


def test_two_builds_at_once_both_finish_and_leave_the_site_of_the_last_with_a_true_state(sites, tmp_path):
    root, expected = sites
    output = tmp_path / "output"
    build_site(switch(root, "A"), output)
    first = start_child(switch(root, "B"), output)
    assert run_until(first, "stage", 1)
    first.send_signal(signal.SIGSTOP)  # halfway through writing, for as long as the second takes to start
    second = subprocess.Popen([sys.executable, "-m", "builder", "build", "--root", str(switch(root, "A")),
                               "--output", str(output)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=root)
    told = second.stderr.readline()
    first.send_signal(signal.SIGCONT)
    first_err = first.communicate(timeout=60)[1]
    second_err = second.communicate(timeout=60)[1]
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert told == f"waiting for trendsite build (process {first.pid}) to finish writing {output}\n"
    assert tree(output) == expected["A"]
    with sqlite3.connect(state_file(root, output)) as db:
        recorded = dict(db.execute("SELECT path, digest FROM outputs"))
    assert recorded.keys() == tree(output).keys()
    assert all(made == digest((output / rel).read_bytes()) for rel, made in recorded.items())
    assert build_site(root, output).summary.written == 0


def test_a_build_beside_serve_is_refused_and_takes_over_once_serve_is_killed(sites, tmp_path):
    root, expected = sites
    output = tmp_path / "output"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--root", str(switch(root, "A")),
                               "--output", str(output), "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env, cwd=root)
    try:
        assert any("serving" in line for line in server.stdout)  # built, and holding the lock
        assert tree(output) == expected["A"]  # its own builds take the lock it holds
        build = subprocess.run([sys.executable, "-m", "builder", "build", "--root", str(switch(root, "B")),
                                "--output", str(output)], capture_output=True, text=True, env=env, timeout=60)
        assert build.returncode == 1
        assert f"error: {output}: is in use by trendsite serve (process {server.pid}), which rebuilds it on every " \
               "change (stop it with Ctrl-C first, or give this command another --output)" in build.stderr
    finally:
        server.send_signal(signal.SIGKILL)
        server.communicate()
    # The lock of a process that was killed is free: the next build takes it.
    build = subprocess.run([sys.executable, "-m", "builder", "build", "--root", str(root), "--output", str(output)],
                           capture_output=True, text=True, env=env, timeout=60)
    assert build.returncode == 0, build.stderr
    assert tree(output) == expected["B"]
