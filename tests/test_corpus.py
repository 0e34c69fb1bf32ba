"""Over a thousand real Markdown files written by other projects (tests/corpus.py assembles them from
their packages, outside the tree) build into one page each, with valid HTML, well-formed feeds, and no
control characters or parser placeholders anywhere in the output."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as etree

import feedparser
import pytest

import corpus
from builder.__main__ import main
from test_html_valid import validator

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Python-Markdown's placeholders, as they show once their control characters are gone.
_PLACEHOLDER = re.compile(r"(?:klzzwxh|wzxhzdk|hzzhzkh):\d+")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The corpus site, copied without its build cache and built with the real command."""
    try:
        source = corpus.site()
    except corpus.CorpusError as error:
        pytest.fail(f"the corpus could not be assembled (the test needs PyPI, npm and Debian's archive): {error}")
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(source / "content", root / "content")
    shutil.copy(source / "pyproject.toml", root)  # broken_links = "warn": links to what a package does not ship
    code = main(["build", "--root", str(root)])
    return root, code, corpus.manifest(source)


def test_the_corpus_is_over_a_thousand_files_with_their_sources_and_licences(built):
    _, _, sources = built
    assert sum(s["files"] for s in sources) >= corpus.MIN_FILES
    assert all(s["version"] and s["licence"] for s in sources)


def test_every_file_builds_into_one_page(built):
    root, code, sources = built
    assert code == 0
    assert len(list((root / "output/reports").glob("*/index.html"))) == sum(s["files"] for s in sources)


def test_every_page_is_valid_html(built):
    root, _, _ = built
    pages = sorted(str(p) for p in (root / "output").rglob("*.html"))
    done = subprocess.run([*validator(), "--format", "json", *pages], capture_output=True, text=True, timeout=1800)
    report = json.loads(done.stdout) if done.stdout.strip() else {"messages": []}
    errors = [f"{m['url'].removeprefix('file:')}:{m.get('lastLine', '?')}: {m['message']}"
              for m in report["messages"] if m["type"] in ("error", "non-document-error")]
    assert errors == [], "\n".join(errors[:50])


def test_every_feed_is_well_formed(built):
    root, _, _ = built
    feeds = sorted((root / "output").rglob("feed.xml"))
    assert len(feeds) > 10
    for feed in feeds:
        etree.fromstring(feed.read_bytes())
        assert feedparser.parse(feed.read_bytes()).bozo == 0, feed


def test_no_output_holds_a_control_character_or_a_parser_placeholder_the_writer_did_not_type(built):
    root, _, _ = built
    # Python-Markdown's own documentation names its placeholders: a report may show those it typed.
    typed = {path: set(_PLACEHOLDER.findall(path.read_text(encoding="utf-8")))
             for path in (root / "content").rglob("*.md")}
    slugs = {re.search(r"^slug: (.*)$", path.read_text(encoding="utf-8"), re.M).group(1): found
             for path, found in typed.items()}
    anywhere = set().union(*typed.values())
    found = []
    for path in sorted((root / "output").rglob("*")):
        if path.suffix not in (".html", ".xml", ".json", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root / "output").parts
        allowed = slugs.get(rel[1], set()) if rel[0] == "reports" and len(rel) == 3 else anywhere
        found += [f"{path}: {match.group()!r}" for match in _CONTROL.finditer(text)]
        found += [f"{path}: {token!r}" for token in set(_PLACEHOLDER.findall(text)) - allowed]
    assert found == []
