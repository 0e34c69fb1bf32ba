"""Fuzzing: hostile file names, file kinds, Markdown constructs and front matter either build into
well-formed output (HTML, XML and JSON that parse, HTML the Nu checker accepts where writers are not
trusted with raw HTML, links that reach their files) or fail with clean problems naming files: never a
traceback, never a bug caught at an error boundary, never a hang."""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import xml.etree.ElementTree as etree
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.build import BuildOptions, build
from builder.errors import BUG_HINT, BuildError
from conftest import NOBODY, NOW, report, trendsite, write_site
from sitecheck import broken_links
from test_html_valid import ON_CI, validator

# A fixed seed on CI, where a failure must be one a developer can run again; a new one elsewhere.
FUZZ = settings(max_examples=40, deadline=None, derandomize=ON_CI, suppress_health_check=[HealthCheck.too_slow])
BUILD_SECONDS = 30  # these sites build in well under a second: longer is a hang
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]|klzzwxh:|wzxhzdk:|hzzhzkh:")
SITE_SETTINGS = '[tool.trendsite]\nbase_url = "https://x.org/"\nunsafe_html = {unsafe}\nbroken_links = "{links}"\n'
# The HTML pages of sites whose writers are not trusted with raw HTML, for the Nu checker (the last test).
PAGES: dict[str, tuple[str, str]] = {}  # digest -> (page, what made it)


class Hang(Exception):
    """A build took longer than BUILD_SECONDS."""


@contextmanager
def time_limit(seconds: float):
    def expire(signum, frame):
        raise Hang(f"the build took over {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_site(root: Path, made_of: str, nu: bool = True, links: bool = True) -> None:
    """Build the site in this process; it must succeed with sound output or raise clean problems."""
    try:
        with time_limit(BUILD_SECONDS):
            result = build(BuildOptions(root=root, output=root / "output", now=NOW))
    except BuildError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path.startswith(("content", "pyproject.toml")), problem
            assert problem.line is None or problem.line >= 1, problem
            assert problem.message and problem.hint != BUG_HINT, problem
        return
    assert all(p.hint != BUG_HINT for p in result.site.warnings), result.site.warnings
    check_output(root / "output", made_of, nu, links)


def check_output(output: Path, made_of: str, nu: bool, links: bool = True) -> None:
    """Every file of a built site parses as its kind says, holds no control character or Python-Markdown
    placeholder, and (`links`: unless broken links only warn, or raw HTML has its own) every link between
    its files reaches one."""
    content = output.parent / "content"
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        if path.suffix not in (".html", ".xml", ".json", ".txt") or (content / path.relative_to(output)).exists():
            continue  # a file beside the reports is published as it is
        text = path.read_bytes().decode("utf-8")
        assert not _NOT_TEXT.search(text), (path, _NOT_TEXT.search(text))
        if path.suffix == ".html":
            parser = HTMLParser()
            parser.feed(text)
            parser.close()
            if nu:
                PAGES.setdefault(hashlib.sha256(text.encode()).hexdigest(), (text, made_of))
        elif path.suffix == ".xml":
            etree.fromstring(text.encode())
        elif path.suffix == ".json":
            json.loads(text)
    assert not links or broken_links(output, "/") == []


def settings_of(unsafe: bool, warn: bool) -> str:
    return SITE_SETTINGS.format(unsafe="true" if unsafe else "false", links="warn" if warn else "error")


# -- front matter and bodies ------------------------------------------------------------------------

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


@FUZZ
@given(meta=front_matter, text=body)
def test_any_front_matter_and_body_build_or_fail_cleanly(meta, text):
    try:
        head = yaml.safe_dump(meta, allow_unicode=True)
    except yaml.YAMLError:
        return
    with tempfile.TemporaryDirectory() as folder:
        check_site(write_site(Path(folder), {"content/a.md": f"---\n{head}---\n{text}",
                                             "content/b.md": report("Neighbour", body="[a](a.md) text")}),
                   f"front matter {meta!r}, body {text!r}")


@FUZZ
@given(raw=st.lists(piece | nasty | st.sampled_from(["title: ", "date: ", "&a ", "*a", "!!", "? ", "- ", "{", "}",
                                                     "2026-01-01", "\n  "]), max_size=30).map("".join),
       text=body)
def test_any_raw_front_matter_text_builds_or_fails_cleanly(raw, text):
    with tempfile.TemporaryDirectory() as folder:
        check_site(write_site(Path(folder), {"content/a.md": f"---\ntitle: T\ndate: 2026-01-01\n{raw}\n---\n{text}"}),
                   f"front matter {raw!r}")


@FUZZ
@given(data=st.binary(max_size=200))
def test_any_bytes_build_or_fail_cleanly(data):
    with tempfile.TemporaryDirectory() as folder:
        check_site(write_site(Path(folder), {"content/a.md": b"---\ntitle: T\ndate: 2026-01-01\n---\n" + data}),
                   f"bytes {data!r}")


# -- Markdown constructs ----------------------------------------------------------------------------

words = st.text(st.sampled_from(list("ab Z9-_.'\"*=&#<>[]()`!:|\\{}é中🚀")), max_size=12)
# Not `style`: its value is the writer's CSS, passed on as written, on which the checker's CSS parser can crash.
attribute = st.tuples(st.sampled_from(["id", "class", "title", "onclick", "lang", "data-x", "aria-label", "_a.b",
                                       "TLI", "foo", "href", "src", "width", "x:y", "1a"]), words)
constructs = st.one_of(
    st.builds(lambda depth, mark, text: mark * depth + text, st.integers(1, 40),  # nesting, past the limit too
              st.sampled_from(["> ", "- ", "1. ", "    ", "* > ", "["]), words),
    st.builds(lambda rows, cols: "\n".join("|" + "|".join(rows) + "|" for _ in range(cols)) + "\n",  # tables
              st.lists(words, min_size=1, max_size=4), st.integers(1, 4)).map(lambda t: t.replace("\n", "\n|-|\n", 1)),
    st.builds("Text[^{0}] and [^{1}].\n\n[^{0}]: Note *{2}*[^{1}]\n\n[^{1}]: {2}\n".format, words, words, words),
    st.sampled_from(["<div>\n*md* in HTML\n</div>", "<!-- open comment", "<script>alert(1)</script>",
                     "<img src=x onerror=alert(1)>", "<style>p{}</style>", "<?php echo 1; ?>", "<![CDATA[ x ]]>",
                     "<a href='javascript:alert(1)'>x</a>", "<b>unclosed", "</p></div>", "<http://a.b/c d>",
                     "<a@b.c>", "<a\\+b@c.d>"]),  # raw HTML, with unsafe_html off and on
    st.builds(lambda text, attrs: text + "{: " + " ".join(f'{n}="{v}"' for n, v in attrs) + " }",
              st.sampled_from(["*em*", "## H ", "![i](i.png)", "[l](l.md)", "para\n"]), st.lists(attribute, max_size=3)),
    st.builds(lambda fence, lang, text: f"{fence}{lang}\n{text}", st.sampled_from(["```", "~~~", "````"]),  # unterminated
              st.sampled_from(["", "python", "{.x}", "nosuchlanguage"]), words),
    st.builds(lambda name, url, title: f"[{name}]: {url} {title}\n\n[{name}] [x][{name}] ![i][{name}]", words,
              st.sampled_from(["<a b.md>", "http://x.org/a b", "a.md#h#h", "javascript:x", "<>", "%zz", "a\\b.md"]),
              st.sampled_from(["", "'t'", '"t"', "(t)", "'unclosed"])),  # link reference definitions
    st.builds("&#{};".format, st.integers(0, 0x11FFFF)) | st.builds("&#x{:x};".format, st.integers(0, 0x11FFFF))
    | st.builds("&{};".format, st.sampled_from(["amp", "bad", "copy", "nbsp", "quot", "lt", "AElig", "x"])),
    st.builds(lambda link, text: f"[{text}]({link})", st.sampled_from(
        ["<a b.md>", "a#b#c", "http://[::1]/a[b]", "http:// x", "a\\b", "%zz", "//host", "https://xn--xn.com/",
         "mailto:  a@b.c", "C:\\x", "#\\7.0", "?q=<x>", "data:text/html,x", "java&#115;cript:x"]), words),
    st.sampled_from(["Term\n: def", ": no term", "*[AB]: abbr\n\nAB", "!!! note \"T\"\n    body", "***", "---",
                     "Setext\n===", "  \n", "line  \nbreak", "==mark==", "{{< shortcode >}}", "{% tag %}"]),
    words,
)
markdown_body = st.lists(st.tuples(constructs, st.sampled_from(["\n", "\n\n", " "])), max_size=12).map(
    lambda parts: "".join(text + gap for text, gap in parts))


@settings(FUZZ, max_examples=60)
@given(text=markdown_body, unsafe=st.booleans())
def test_any_markdown_constructs_build_or_fail_cleanly(text, unsafe):
    with tempfile.TemporaryDirectory() as folder:
        files = {"pyproject.toml": settings_of(unsafe, warn=True), "content/a.md": report("A", body=text),
                 "content/l.md": report("L"), "content/i.png": b"png"}
        check_site(write_site(Path(folder), files), f"body {text!r}", nu=not unsafe, links=False)


# -- file names -------------------------------------------------------------------------------------

name_chars = st.sampled_from(list("aAzZ09 -_.'\"#?%&+=;,:!@$()[]{}~`^\\|<>*\t") + [
    "é", "É", "ß", "İ", "ı", "ﬁ", "Å", "\u0301", "\u200d", "\u202e", "\ufeff", "\u00a0", "中", "한", "ا", "🚀"])
stem = st.text(name_chars, min_size=1, max_size=24) | st.builds(lambda c, n: c * n, st.sampled_from("aé中"),
                                                                  st.integers(60, 130))  # past 255 bytes too
named_file = st.tuples(
    st.lists(st.text(name_chars, min_size=1, max_size=8).filter(lambda name: name not in (".", "..")),
             max_size=2),  # folders
    stem,
    st.sampled_from([".md"] * 6 + [".MD", ".markdown", ".png", ".pdf", ".png", ".html", ""]),
    st.sampled_from(["same", "upper", "lower", "slug twin"]),
)


def _name_of(folders: list[str], stem: str, suffix: str, variant: str) -> str:
    name = {"upper": stem.upper(), "lower": stem.lower(), "slug twin": re.sub(r"\W+", "-", stem)}.get(variant, stem)
    return "/".join([*folders, name + suffix])


def _link_to(path: str) -> str:
    """A link to a file, written as it is where that is unambiguous: "?", "#" and "%" start a URL's query,
    fragment and escapes; Python-Markdown reads a tab as spaces and a backslash as an escape, and strips
    the link of spaces (a no-break space too)."""
    return f"<{path}>" if not re.search(r"[<>?#%\t\\]", path) and path == path.strip() else quote(path)


@FUZZ
@given(files=st.lists(named_file, min_size=1, max_size=5), unsafe=st.booleans(), warn=st.booleans())
def test_any_file_names_build_or_fail_cleanly(files, unsafe, warn):
    with tempfile.TemporaryDirectory() as folder:
        root = write_site(Path(folder), {"pyproject.toml": settings_of(unsafe, warn)})
        made: list[str] = []
        for folders, name_stem, suffix, variant in files:
            name = _name_of(folders, name_stem, suffix, variant)
            title = re.sub(r'["\\\n]', "", name_stem)  # the name is the test, not the YAML of a title
            data = report(f"About {title}") if suffix.lower() == ".md" else b"\x89PNG bytes"
            if _create(root, name, data):
                made.append(name)
        links = " ".join(f"[{n}]({_link_to(n)})" for n in made)
        _create(root, "index.md", report("Index", body=f"Files: {links}"))
        check_site(root, f"files {files!r}", nu=not unsafe, links=not warn and not unsafe)


def _create(root: Path, name: str, data: str | bytes) -> bool:
    """Write content/<name>; False where the file system refuses the name (too long, or a folder by then)."""
    path = root / "content" / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
    except OSError:
        return False
    return True


# -- file kinds -------------------------------------------------------------------------------------

KINDS = ["report", "empty", "binary .md", "huge line", "fifo", "socket", "dangling link", "link loop",
         "link to a folder", "link to the content folder", "link outside", "link to /dev/zero", "link to a report",
         "unreadable file", "unreadable folder", "folder named .md"]


def _make(content: Path, kind: str, index: int) -> None:
    path = content / f"k{index}.md"
    if kind == "report":
        path.write_text(report(f"Kind {index}", body="[neighbour](k0.md) text"))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary .md":
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "huge line":
        path.write_text(report(f"Kind {index}", body="word *em* [l](k0.md) " * 20_000))
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as listening:
            listening.bind(str(path))  # the socket file outlives the socket
    elif kind == "dangling link":
        path.symlink_to("nowhere.md")
    elif kind == "link loop":
        path.symlink_to(f"k{index}.md")
    elif kind == "link to a folder":
        (content / "sub").mkdir(exist_ok=True)
        (content / "sub" / f"in{index}.md").write_text(report(f"Inside {index}"))
        (content / f"dir{index}").symlink_to("sub")
    elif kind == "link to the content folder":
        (content / f"again{index}").symlink_to(".")
    elif kind == "link outside":
        path.symlink_to("/etc/hostname")
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "link to a report":
        path.symlink_to("k0.md")
    elif kind == "unreadable file":
        path.write_text(report(f"Kind {index}"))
        path.chmod(0)
    elif kind == "unreadable folder":
        (content / f"locked{index}").mkdir()
        (content / f"locked{index}" / "x.md").write_text(report(f"Locked {index}"))
        (content / f"locked{index}").chmod(0)
    else:
        (content / f"k{index}.md").mkdir()


@settings(FUZZ, max_examples=20)
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=4))
def test_any_file_kinds_build_or_fail_cleanly_through_the_command(kinds):
    # A short folder: a socket's path is limited to about 100 bytes. Run as nobody when root, who reads anything.
    folder = Path(tempfile.mkdtemp(prefix="tf", dir="/tmp"))
    try:
        root = write_site(folder, {"content/k0.md": report("First")})
        for index, kind in enumerate(kinds, 1):
            _make(root / "content", kind, index)
        if os.geteuid() == 0:  # everything is nobody's, and what is unreadable (mode 0) is so to its owner too
            for parent, names, files in os.walk(folder):
                for path in (parent, *(os.path.join(parent, name) for name in names + files)):
                    os.lchown(path, NOBODY, NOBODY)
        done = trendsite("build", root=root, unprivileged=True)
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr and BUG_HINT not in done.stderr, done.stderr
        for line in done.stderr.splitlines():
            if line.startswith(("error:", "warning:")):
                assert line.split(": ", 1)[1].startswith(("content/", "pyproject.toml", ".trendsite-cache")), line
        if done.returncode == 0:
            check_output(root / "output", f"kinds {kinds!r}", nu=True)
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(folder)], check=False)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


# -- the Nu checker, over every page the tests above built ------------------------------------------

def test_every_fuzzed_page_of_a_site_without_raw_html_passes_the_nu_checker(tmp_path):
    if not PAGES:
        pytest.skip("run with the fuzz tests above, which build the pages")
    command = validator()
    made_of = {}
    for index, (page, what) in enumerate(PAGES.values()):
        path = tmp_path / f"{index}.html"
        path.write_text(page, encoding="utf-8")
        made_of[path.name] = what
    done = subprocess.run([*command, "--format", "json", str(tmp_path)], capture_output=True, text=True, timeout=600)
    messages, text, decoder = [], done.stdout.strip(), json.JSONDecoder()
    while text:  # one report per batch of files the checker was given
        found, end = decoder.raw_decode(text)
        messages += found["messages"]
        text = text[end:].strip()
    errors = [f"{m['message']} (made of {made_of[m['url'].rsplit('/', 1)[1]][:300]})" for m in messages
              if m["type"] in ("error", "non-document-error")]
    assert errors == [], "\n".join(errors[:20])
