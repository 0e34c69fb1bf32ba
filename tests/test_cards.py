"""Social cards: a generated 1200 x 630 PNG for og:image and twitter:image, drawn again only when what it shows changes."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageFont

from builder import cards
from builder.render import default_theme
from conftest import build_site, picture, report


def meta(html: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)
    return found and found.group(1)


SITE = {"pyproject.toml": '[tool.trendsite]\ntitle = "Card Trends"\nbase_url = "https://example.org/trends/"\n',
        "content/a.md": report("Open networks move to operators", tags=("Telecoms", "Europe")),
        "content/b.md": report("With a picture", image="pic.png", body="Text."), "content/pic.png": picture(800, 400)}


def test_a_report_without_an_image_gets_a_1200_by_630_png_for_og_and_twitter(make_site):
    root = make_site(SITE)
    build_site(root)
    html = (root / "output" / "reports" / "a" / "index.html").read_text("utf-8")
    url = meta(html, "og:image")
    assert url == meta(html, "twitter:image") and url.startswith("https://example.org/trends/_media/")
    assert meta(html, "twitter:card") == "summary_large_image"
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "630")
    png = (root / "output" / url.removeprefix("https://example.org/trends/")).read_bytes()
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert image.getpixel((5, 5)) == (0xfb, 0xfa, 0xf7)  # the theme's page colour


def test_a_report_with_an_image_shares_that_image_and_gets_no_card(make_site):
    root = make_site(SITE)
    build_site(root)
    html = (root / "output" / "reports" / "b" / "index.html").read_text("utf-8")
    assert meta(html, "og:image") == "https://example.org/trends/pic.png" and "og:image:width" not in html
    assert len(list((root / "output" / "_media").glob("*.png"))) == 1


@pytest.fixture
def drawn(monkeypatch):
    """The titles of the cards drawn."""
    titles: list[str] = []
    draw = cards.draw

    def counting(text, faces):
        titles.append(text[0])
        return draw(text, faces)

    monkeypatch.setattr(cards, "draw", counting)
    return titles


def test_a_social_card_is_drawn_again_only_when_what_it_shows_changes(make_site, drawn):
    root = make_site(SITE)
    build_site(root)
    assert drawn == ["Open networks move to operators"]
    (root / "content" / "a.md").write_text(report("Open networks move to operators", tags=("Telecoms", "Europe"),
                                                  body="A new body, the same title and topics."))
    build_site(root)
    assert drawn == ["Open networks move to operators"]
    (root / "content" / "a.md").write_text(report("Open networks, renamed", tags=("Telecoms", "Europe")))
    first = build_site(root)
    assert drawn[1:] == ["Open networks, renamed"] and len(list((root / "output" / "_media").glob("*.png"))) == 1
    (root / "pyproject.toml").write_text('[tool.trendsite]\ntitle = "Renamed Trends"\n')
    build_site(root)
    assert drawn[2:] == ["Open networks, renamed"] and first.site.reports


def test_a_title_too_long_for_four_lines_is_cut_with_an_ellipsis_inside_the_card():
    font = default_theme() / cards.FONT
    faces = {size: ImageFont.truetype(str(font), size) for size in (*cards.TITLE_SIZES, 30, 26)}
    png = cards.draw(("Word " * 80, "A · B", "A site name long enough " * 5), faces)
    assert Image.open(io.BytesIO(png)).size == (1200, 630)
    lines = cards._wrap("Word " * 80, faces[cards.TITLE_SIZES[-1]], cards.WIDTH - 2 * cards.MARGIN)
    assert len(lines) > 4 and all(faces[44].getlength(line) <= 1040 for line in lines)


def test_the_bundled_font_ships_with_its_licence():
    theme = default_theme()
    assert (theme / cards.FONT).stat().st_size > 100_000
    assert "Bitstream" in (theme / "fonts" / "DejaVu-LICENSE.txt").read_text()


def test_social_cards_false_draws_none_and_a_report_without_an_image_names_no_preview(make_site):
    root = make_site({**SITE, "pyproject.toml": SITE["pyproject.toml"] + "social_cards = false\n"})
    build_site(root)
    html = (root / "output" / "reports" / "a" / "index.html").read_text("utf-8")
    assert meta(html, "og:image") is None and meta(html, "twitter:image") is None
    assert not [p for p in (root / "output").rglob("*.png") if Image.open(p).size == (1200, 630)]
    own = (root / "output" / "reports" / "b" / "index.html").read_text("utf-8")
    assert meta(own, "og:image").endswith(".png")  # its own picture still shares
