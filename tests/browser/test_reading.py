"""What a reader meets beyond the sample: long names and addresses on a phone, and more."""
from __future__ import annotations

import pytest

from browser.conftest import serving
from conftest import build_site, report, write_site

LONG_URL = "https://example.org/reports/2026/regulatory-filings/spectrum-auction-outcomes-by-region.pdf"
LONG_TOPIC = "Telecommunicationsregulierungsbehörde"
LONG_TITLE = "European Telecoms and Infrastructure Trend Analysis"


@pytest.fixture(scope="module")
def long_words_site(tmp_path_factory):
    """A site with a long title, whose reports' author line, key points and topic hold words wider than a phone."""
    files = {
        "pyproject.toml": f'[tool.trendsite]\ntitle = "{LONG_TITLE}"\nbase_url = "https://example.org/"\n',
        "content/long.md": report(
            "Spectrum auctions", "2026-05-02", tags=(LONG_TOPIC, "Telecoms"),
            author="Mara Quint, Jonathan Fitzgerald-Whitmore and Priya Raghunathan-Subramaniam",
            highlights=f'["The filings are at {LONG_URL}", "Prices rose."]', body="Intro.\n\n## Part\n\nText."),
        "content/other.md": report("Other", "2026-05-01", tags=(LONG_TOPIC, "Telecoms")),
    }
    root = write_site(tmp_path_factory.mktemp("long"), files)
    build_site(root)
    with serving(root / "output") as url:
        yield url


@pytest.mark.parametrize("width", [390, 320])
def test_long_author_lines_key_points_and_topic_names_wrap_on_a_phone(long_words_site, open_page, width):
    page = open_page(viewport={"width": width, "height": 800})
    wide = {}
    for path in ("", "reports/long/", "reports/other/", "topics/telecommunicationsregulierungsbehörde/", "archive/"):
        page.goto(long_words_site + path)
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll > width:
            wide[path] = scroll
    assert wide == {}, f"wider than {width} px"


@pytest.mark.parametrize("width", [1024, 1366])
def test_a_long_site_title_wraps_beside_the_desktop_nav_instead_of_under_it(long_words_site, open_page, width):
    page = open_page(viewport={"width": width, "height": 800})
    page.goto(long_words_site)
    title, nav = page.evaluate("""() => ['.brand', '.site-nav'].map(
        s => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.right]; })""")
    assert title[1] <= nav[0], f"the nav ({nav}) is drawn over the site title ({title})"


def test_screen_readers_hear_the_byline_without_its_drawn_separator_dots(sample_site, open_page):
    page = open_page()
    page.goto(sample_site.url + sample_site.reports[0].url)
    assert page.is_visible(".byline-meta") and "·" not in page.locator(".byline-meta").aria_snapshot()
