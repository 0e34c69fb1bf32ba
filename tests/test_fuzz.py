"""Fuzzing: any front matter and any Markdown body either build into valid output or give clean problems."""
from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.build import BuildOptions, build
from builder.errors import BuildError
from conftest import NOW, report, write_site

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that likes to break things: markup, quotes, YAML and Markdown syntax, controls, other scripts.
nasty = st.text(alphabet=st.sampled_from(list("aZ09 \t\n-_:#>*[]()!<>&\"'`|\\/.{}%@~=+^\x00\x07\x1b\u00e9\u05d0"
                                              "\u4e2d\u202e\ufeff\U0001f680"))
                # Lone surrogates cannot occur in text decoded from a file, so they are left out.
                | st.characters(exclude_categories=("Cs",)), max_size=40)
scalar = st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True) | nasty \
    | st.dates().map(str)
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty, inner, max_size=3),
                     max_leaves=8)
FIELDS = ["title", "date", "updated", "author", "summary", "tags", "highlights", "slug", "draft", "image", "extra",
          "titel", "topics"]
front_matter = st.fixed_dictionaries(
    {"title": nasty | scalar, "date": st.dates().map(str) | scalar},
    optional={name: value for name in FIELDS if name not in ("title", "date")})

# Markdown built from pieces with meaning, so the parser's paths are reached rather than plain text.
piece = st.sampled_from([
    "# ", "## ", "> ", "- ", "1. ", "    ", "```\n", "```python\n", "~~~\n", "---\n", "***", "**", "*", "_", "==",
    "`", "[", "]", "(", ")", "![", "[^1]", "[^1]: note\n", "<", ">", "<b>", "</b>", "<script>", "&amp;", "&#0;",
    "http://x.org/", "javascript:", "[a](b.md)", "[r]: /x\n", "|a|b|\n|-|-|\n", "!!! note\n", "*[AB]: x\n",
    "\n", "\n\n", "\t", " ", "{: #id .c }", "{#h}", ":", "\\", "\r", "\x00", "\u202e", "word", "Zürich", "中文",
])
body = st.lists(piece | nasty, max_size=60).map("".join)


def check_site(root: Path) -> None:
    """Generate the site; it must succeed with parseable output or raise BuildError with clean problems."""
    try:
        build(BuildOptions(root=root, output=root / "output", now=NOW))
    except BuildError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path.startswith(("content/", "pyproject.toml")), problem
            assert problem.line is None or problem.line >= 1, problem
            assert problem.message and "Traceback" not in str(problem)
        return
    for path in sorted((root / "output").rglob("*")):
        rel, data = path.name, path.read_bytes() if path.is_file() else b""
        if not path.is_file():
            continue
        if rel.endswith(".html"):
            parser = HTMLParser()
            parser.feed(data.decode("utf-8"))
            parser.close()
        elif rel.endswith(".xml"):
            etree.fromstring(data)
        elif rel.endswith(".json"):
            json.loads(data)


@FUZZ
@given(meta=front_matter, text=body)
def test_any_front_matter_and_body_build_or_fail_cleanly(meta, text):
    try:
        head = yaml.safe_dump(meta, allow_unicode=True)
    except yaml.YAMLError:
        return
    with tempfile.TemporaryDirectory() as folder:
        check_site(write_site(Path(folder), {"content/a.md": f"---\n{head}---\n{text}",
                                             "content/b.md": report("Neighbour", body="[a](a.md) text")}))


@FUZZ
@given(raw=st.lists(piece | nasty | st.sampled_from(["title: ", "date: ", "&a ", "*a", "!!", "? ", "- ", "{", "}",
                                                     "2026-01-01", "\n  "]), max_size=30).map("".join),
       text=body)
def test_any_raw_front_matter_text_builds_or_fails_cleanly(raw, text):
    with tempfile.TemporaryDirectory() as folder:
        check_site(write_site(Path(folder), {"content/a.md": f"---\ntitle: T\ndate: 2026-01-01\n{raw}\n---\n{text}"}))


@FUZZ
@given(data=st.binary(max_size=200))
def test_any_bytes_build_or_fail_cleanly(data):
    with tempfile.TemporaryDirectory() as folder:
        check_site(write_site(Path(folder), {"content/a.md": b"---\ntitle: T\ndate: 2026-01-01\n---\n" + data}))
