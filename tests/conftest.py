"""Shared helpers: whole sites written inline into tmp_path, and builds of them."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from builder import engine, pages
from builder.build import BuildOptions, BuildResult, build
from builder.model import Report, TopicRef
from builder.store import Store

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "site"
# A fixed clock keeps "future" and dates deterministic whatever day the tests run.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def report(title: str, date: str = "2026-05-01", tags: tuple[str, ...] = ("AI",), body: str = "Some text.",
           **fields: str) -> str:
    """The Markdown of one report with front matter."""
    lines = ["---", f'title: "{title}"', f"date: {date}", f"tags: [{', '.join(tags)}]"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n---\n" + textwrap.dedent(body).strip() + "\n"


def report_object(slug: str, days: int = 0, topics: tuple[str, ...] = ("AI",)) -> Report:
    """A bare Report, dated `days` after 1 January 2026, for stages that take reports."""
    return Report(source=f"{slug}.md", slug=slug, title=slug.title(), date=START + timedelta(days=days),
                  updated=None, author="", summary="", topics=tuple(TopicRef(t, t.lower()) for t in topics),
                  highlights=(), html="", headings=(), word_count=1, reading_minutes=1, text="")


def picture(width: int = 64, height: int = 36, kind: str = "PNG", colour: str = "#3b7dd8") -> bytes:
    """The bytes of a real picture of that size, for reports' files."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, kind)
    return out.getvalue()


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (path relative to root -> text or bytes) and return root."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def published(output: Path) -> dict[str, bytes]:
    """Every file of an output folder, for comparing two."""
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def build_site(root: Path, output: Path | None = None, **options) -> BuildResult:
    """Build root into root/output (or `output`) with the fixed clock."""
    return build(BuildOptions(root=root, output=output or root / "output", now=NOW, **options))


def published_reports(root: Path, output: Path | None = None) -> tuple[Report, ...]:
    """The whole Report (body included) of every published report of the last build, newest first."""
    output = output or root / "output"
    with Store.open(root, output) as store:
        records = {r.slug: r for r in store.records().values()}
        cards = engine.published(store.records(), drafts=False, future=False)
        return tuple(pages.full_reports(cards, [(records[c.slug].entry, records[c.slug].html) for c in cards],
                                        store.entries))


@pytest.fixture(scope="module")
def fixture_output(tmp_path_factory) -> Path:
    """The output folder of tests/fixtures/site, built once per test module."""
    root = tmp_path_factory.mktemp("fixture")
    shutil.copytree(FIXTURE_SITE, root, dirs_exist_ok=True)
    build_site(root)
    return root / "output"


@pytest.fixture
def make_site(tmp_path):
    """make_site({"content/a.md": "..."}) writes a site into a fresh folder and returns its root."""
    counter = iter(range(1000))

    def make(files: dict[str, str | bytes]) -> Path:
        return write_site(tmp_path / f"site{next(counter)}", files)

    return make


NOBODY = 65534


def trendsite(*args: str, root: Path, unprivileged: bool = False) -> subprocess.CompletedProcess:
    """Run the command line in a child, which a hang cannot take the test run down with."""
    command = [sys.executable, "-m", "builder", *args, "--root", str(root)]
    if unprivileged and os.geteuid() == 0:
        # Root reads every file whatever its permissions: the build runs as nobody, as on CI.
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--", *command]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(root)}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, timeout=60)


@pytest.fixture
def unprivileged_site():
    """make_site for a site that nobody owns, in a folder of its own that nobody can reach (tmp_path is
    inside a folder only its owner may enter, which pytest closes again at the start of every run)."""
    folder = Path(tempfile.mkdtemp(prefix="trendsite-unprivileged-"))
    folder.chmod(0o755)

    def make(files: dict[str, str | bytes]) -> Path:
        root = write_site(folder / "site", files)
        if os.geteuid() == 0:
            for parent, _, names in os.walk(root):
                for path in (parent, *(os.path.join(parent, name) for name in names)):
                    os.chown(path, NOBODY, NOBODY)
        return root

    if os.geteuid() == 0:
        reach = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--",
                                sys.executable, "-c", "import markdown, jinja2"], capture_output=True, text=True)
        assert reach.returncode == 0, (
            f"nobody cannot import this environment's packages ({sys.prefix}): make its folders readable by "
            f"all (chmod 755) to run the unprivileged tests\n{reach.stderr}")
    yield make
    shutil.rmtree(folder)
