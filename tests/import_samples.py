"""Pelican's own sample site, assembled from its source package at test time, for `trendsite import pelican`.

Nothing of Pelican's goes into this repository: its source distribution is downloaded with pip into
~/.cache/trendsite-import (as tests/corpus.py does for the corpus), and a Pelican site is made of it there:
samples/pelican.conf.py as pelicanconf.py, samples/content/ as content/, and the Markdown articles and
pages Pelican's own tests read (pelican/tests/content/, TestPages/) among them.

    python tests/import_samples.py     # assemble (or reuse) the site and print where it is
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CACHE = Path.home() / ".cache" / "trendsite-import"
PELICAN = "4.12.0"  # pinned: the samples change between releases
MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")


class SampleError(Exception):
    """Pelican's package could not be downloaded or unpacked; the message says why."""


def pelican_site() -> Path:
    """The folder of Pelican's sample site, assembled on first use; raises SampleError when pip fails."""
    root = CACHE / f"pelican-{PELICAN}-site"
    if (root / "pelicanconf.py").is_file():
        return root
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as folder:
        download = Path(folder)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                   "-d", str(download), f"pelican=={PELICAN}"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SampleError(f"{' '.join(command)} failed: {error}") from None
        if done.returncode != 0:
            raise SampleError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
        (archive,) = download.glob("pelican-*.tar.gz")
        with tarfile.open(archive) as unpacked:
            unpacked.extractall(download, filter="data")
        package = download / f"pelican-{PELICAN}"
        staging = download / "site"
        shutil.copytree(package / "samples" / "content", staging / "content")
        shutil.copy(package / "samples" / "pelican.conf.py", staging / "pelicanconf.py")
        tests = package / "pelican" / "tests"
        for path in sorted((tests / "content").iterdir()):
            if path.suffix in MARKDOWN:
                shutil.copy(path, staging / "content" / path.name)
        for path in sorted((tests / "TestPages").glob("*.md")):
            shutil.copy(path, staging / "content" / "pages" / path.name)
        shutil.rmtree(root, ignore_errors=True)
        staging.rename(root)
    return root


if __name__ == "__main__":
    try:
        print(pelican_site())
    except SampleError as error:
        sys.exit(f"import samples: {error}")
