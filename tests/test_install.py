"""The README's first command on a fresh machine: a new virtual environment, the project installed from a
copy of its tracked files, then `trendsite build`, in the project and in a folder holding only content/."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from readme import readme_commands


def _tracked_copy(target: Path) -> Path:
    """The files git tracks (a clean clone's), else the tree without generated folders."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True)
    if listed.returncode == 0:
        for rel in filter(None, listed.stdout.decode().split("\0")):
            if (REPO / rel).is_file():
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / rel, target / rel)
    else:
        shutil.copytree(REPO, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("output", ".trendsite-cache", "*.egg-info", "__pycache__", ".*"))
    return target


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """(project copy, venv bin folder, the result of running README command 1 in the copy)."""
    base = tmp_path_factory.mktemp("fresh")
    project = _tracked_copy(base / "project")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    # Only the new environment on PATH: nothing installed for the test run can stand in for a dependency.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin", "VIRTUAL_ENV": str(venv)}
    env.pop("PYTHONPATH", None)
    install_and_build = readme_commands()[0]
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", install_and_build], cwd=project, env=env,
                          capture_output=True, text=True, timeout=900)
    return project, bin_dir, done


def test_the_readme_install_command_builds_the_bundled_site_in_a_fresh_environment(fresh_install):
    project, _, done = fresh_install
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert (project / "output" / "index.html").is_file()
    assert len(list((project / "output" / "reports").iterdir())) == len(list((project / "content").glob("*.md")))


def test_the_fresh_install_builds_a_folder_holding_only_content(fresh_install, tmp_path):
    project, bin_dir, done = fresh_install
    assert done.returncode == 0
    site = tmp_path / "site"
    shutil.copytree(project / "content", site / "content")
    built = subprocess.run([str(bin_dir / "trendsite"), "build"], cwd=site, capture_output=True, text=True,
                           timeout=300, env={"PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path)})
    assert built.returncode == 0, built.stderr
    assert (site / "output" / "index.html").is_file()
    assert (site / "output" / "static").is_dir()  # the bundled theme shipped with the package


def test_trendsite_version_names_the_installed_version(fresh_install):
    _, bin_dir, _ = fresh_install
    shown = subprocess.run([str(bin_dir / "trendsite"), "--version"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    assert shown.stdout.strip().startswith("trendsite ")
    assert shown.stdout.split()[1][0].isdigit()
