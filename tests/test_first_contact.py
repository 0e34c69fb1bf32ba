"""Content written elsewhere, met for the first time: odd links, stray control characters, escapes YAML
allows, absurd counts. Each builds cleanly or is refused with one clear problem, never a traceback."""
from __future__ import annotations

from html.parser import HTMLParser

from builder.__main__ import main
from conftest import report


def build(root, capsys) -> tuple[int, str]:
    """`trendsite build --root ROOT` in process; the exit code and what it printed to stderr."""
    code = main(["build", "--root", str(root)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if name == "href" and value]


def hrefs(page) -> list[str]:
    parser = _Hrefs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


def test_a_link_urllib_cannot_parse_is_left_as_written_and_escaped(make_site, capsys):
    body = '[v6](http://[fe80::1%25eth0]:80/) and [broken](http://[<b>"x) and [fine](b.md)'
    root = make_site({"content/a.md": report("A", body=body), "content/b.md": report("B")})
    code, err = build(root, capsys)
    assert code == 0, err
    page = root / "output/reports/a/index.html"
    links = hrefs(page)
    assert "http://[fe80::1%25eth0]:80/" in links and '/reports/b/' in links
    assert 'http://[<b>"x' in links  # the parser reads back exactly what was written
    assert '[<b>' not in page.read_text(encoding="utf-8")  # escaped in the attribute, as any value is
