"""Content written elsewhere, met for the first time: odd links, stray control characters, escapes YAML
allows, absurd counts. Each builds cleanly or is refused with one clear problem, never a traceback."""
from __future__ import annotations

import xml.etree.ElementTree as etree
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


def test_a_link_urllib_cannot_parse_keeps_its_text_without_an_address(make_site, capsys):
    body = '[v6](http://[fe80::1%25eth0]:80/) and [broken](http://[<b>"x) and [fine](b.md)'
    root = make_site({"content/a.md": report("A", body=body), "content/b.md": report("B")})
    code, err = build(root, capsys)
    assert code == 0, err
    page = root / "output/reports/a/index.html"
    links = hrefs(page)
    assert "http://[fe80::1%25eth0]:80/" in links and '/reports/b/' in links
    assert "<a>broken</a>" in page.read_text(encoding="utf-8")  # no host: no browser could follow it


def output_text(root) -> str:
    """Every text file of the built site (social cards are pictures), as one text."""
    return "\n".join(p.read_bytes().decode("utf-8") for p in sorted((root / "output").rglob("*"))
                     if p.is_file() and p.suffix not in (".png", ".webp"))


def test_control_characters_and_placeholders_in_a_body_never_reach_pages_or_feeds(make_site, capsys):
    body = ("Bell\x07, form feed\x0c, escape\x1b[0m, C1\x85 and DEL\x7f; a fake placeholder \x02klzzwxh:0000\x03 "
            "and \x02wzxhzdk:0\x03 stash.\n\n*emphasis* and `code` \x02\x03.")
    root = make_site({"content/a.md": report("A", body=body)})
    code, err = build(root, capsys)
    assert code == 0, err
    text = output_text(root)
    assert "Bell, form feed, escape[0m, C1 and DEL; a fake placeholder klzzwxh:0000" in text
    assert not [c for c in text if c < " " and c not in "\t\n\r" or "\x7f" <= c <= "\x9f"]
    etree.fromstring((root / "output/feed.xml").read_bytes())


def refused(make_site, capsys, text: str) -> str:
    """Build a site of one report, content/a.md, holding `text`; assert it is refused, writing nothing."""
    root = make_site({"content/a.md": text})
    code, err = build(root, capsys)
    assert code == 1 and not (root / "output").exists()
    return err


def test_a_yaml_escape_for_a_surrogate_or_control_character_is_an_error_on_its_line(make_site, capsys):
    err = refused(make_site, capsys, '---\ntitle: "Bad \\ud800"\ndate: 2026-01-01\ntags: [ok, "b\\x02"]\n'
                                     'extra: {note: "\\0"}\n---\nx\n')
    assert "content/a.md:2: 'title' holds the character U+D800, which web pages and feeds cannot carry" in err
    assert "content/a.md:4: 'tags' holds the character U+0002" in err
    assert "content/a.md:5: 'extra' holds the character U+0000" in err
    assert "3 problem(s)" in err


def test_an_absurd_number_of_topics_is_refused_before_it_multiplies_the_output(make_site, capsys):
    tags = ", ".join(f"t{i}" for i in range(500))
    err = refused(make_site, capsys, f"---\ntitle: T\ndate: 2026-01-01\ntags: [{tags}]\n---\nx\n")
    assert "content/a.md:4: 'tags' lists 500 topics, more than the 30 a report may have" in err


def test_a_topic_or_slug_too_long_for_a_folder_name_is_refused(make_site, capsys):
    err = refused(make_site, capsys, f"---\ntitle: T\ndate: 2026-01-01\ntags: [{'x' * 300}]\nslug: {'y' * 300}\n---\n")
    assert "content/a.md:4: a topic in 'tags' is longer than 100 characters" in err
    assert "content/a.md:5: 'slug' is longer than 100 characters" in err


def test_thirty_topics_build_with_a_page_and_feed_each(make_site, capsys):
    tags = ", ".join(f"topic {i}" for i in range(30))
    root = make_site({"content/a.md": f"---\ntitle: T\ndate: 2026-01-01\ntags: [{tags}]\n---\nx\n"})
    code, err = build(root, capsys)
    assert code == 0, err
    assert len(list((root / "output/topics").glob("*/feed.xml"))) == 30


def test_an_emoji_written_as_a_json_surrogate_pair_escape_is_one_character(make_site, capsys):
    root = make_site({"content/a.md": '---\ntitle: "Launch \\ud83d\\ude80"\ndate: 2026-01-01\n---\nx\n'})
    code, err = build(root, capsys)
    assert code == 0, err
    assert "Launch \U0001f680" in (root / "output/reports/a/index.html").read_text(encoding="utf-8")
