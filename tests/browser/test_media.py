"""Charts, figures, video, audio, video-site posters and callouts in Chromium: light and dark, phone and desktop,
accessible, and asking nothing of another site before the reader presses play."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

import media_site
from browser.conftest import DESKTOP, PHONE, is_dark, serving
from browser.test_accessibility import axe_problems
from conftest import build_site, write_site

SCHEMES = ["light", "dark", "dark by toggle"]
VIEWPORTS = {"390x844": PHONE, "1280x800": DESKTOP}


@pytest.fixture(scope="module")
def served_media(tmp_path_factory):
    """The media site served under /trends/, as its base_url says."""
    root = write_site(tmp_path_factory.mktemp("media-under-trends"), media_site.files())
    build_site(root, output=root / "public" / "trends")
    with serving(root / "public") as url:
        yield url + "trends/"


def open_in(open_page, url: str, scheme: str, viewport: dict, outside: list[str]):
    """A page in the colour scheme, with every request to another host refused and noted in `outside`."""
    page = open_page(viewport=viewport, color_scheme="dark" if scheme == "dark" else "light")
    host = urlsplit(url).netloc

    def route(request_route):
        if urlsplit(request_route.request.url).netloc == host:
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Player</title>")

    page.route("**/*", route)
    if scheme == "dark by toggle":
        page.goto(url)
        page.click("#theme-toggle")
    return page


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("scheme", SCHEMES)
def test_charts_read_in_the_theme_fit_the_screen_and_pass_axe(served_media, open_page, axe_script, scheme, viewport,
                                                               tmp_path):
    outside: list[str] = []
    page = open_in(open_page, served_media, scheme, viewport, outside)
    page.goto(served_media + "reports/charts/")
    page.wait_for_selector(".chart-svg")
    assert is_dark(page) == (scheme != "light")
    drawn = page.evaluate("""() => [...document.querySelectorAll('.chart-graphic')].map(g => {
        const text = g.querySelector('text'), box = g.querySelector('svg').getBoundingClientRect();
        return [getComputedStyle(text).fill, getComputedStyle(document.body).color, box.right, box.width]})""")
    assert len(drawn) == 3
    for text_fill, _, right, width in drawn:
        # Axis labels take the theme's secondary text colour: light on dark, dark on light.
        red = int(text_fill.split("(")[1].split(",")[0])
        assert (red > 150) == (scheme != "light") and width > 200 and right <= viewport["width"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    page.click(".chart-data summary")
    assert page.is_visible(".chart-data table")
    page.screenshot(path=str(tmp_path / f"charts-{scheme}-{viewport['width']}.png"), full_page=True)
    assert axe_problems(page, axe_script) == []
    assert outside == []


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("scheme", SCHEMES)
def test_figures_media_and_callouts_show_in_the_theme_and_pass_axe(served_media, open_page, axe_script, scheme,
                                                                   viewport, tmp_path):
    outside: list[str] = []
    page = open_in(open_page, served_media, scheme, viewport, outside)
    page.goto(served_media + "reports/media/")
    page.wait_for_selector(".admonition")
    assert is_dark(page) == (scheme != "light")
    boxes = page.evaluate("""() => [...document.querySelectorAll('.admonition')].map(
        a => [a.className, getComputedStyle(a).backgroundColor, getComputedStyle(a.firstElementChild).color])""")
    assert len({background for _, background, _ in boxes}) == 5  # note, tip, important, warning, caution
    assert page.evaluate("document.querySelector('video').controls && document.querySelector('audio').controls")
    photo = page.locator("figure picture img").first
    assert photo.evaluate("i => i.complete && i.naturalWidth > 0 && i.currentSrc.endsWith('.webp')")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(tmp_path / f"media-{scheme}-{viewport['width']}.png"), full_page=True)
    assert axe_problems(page, axe_script) == []
    assert outside == []


def test_a_video_poster_asks_nothing_of_youtube_until_pressed_then_plays_in_place(served_media, open_page):
    outside: list[str] = []
    page = open_in(open_page, served_media, "light", DESKTOP, outside)
    page.goto(served_media + "reports/media/")
    page.wait_for_load_state("networkidle")
    assert outside == []
    page.click("a[data-embed*='youtube']")
    frame = page.wait_for_selector("iframe.embed-frame")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    assert frame.get_attribute("title") == "Video (YouTube)"
    frame.content_frame().wait_for_load_state()
    assert [urlsplit(u).netloc for u in outside] == ["www.youtube-nocookie.com"]


def test_without_javascript_a_video_poster_is_a_link_to_the_video(served_media, open_page):
    page = open_page(java_script_enabled=False)
    page.goto(served_media + "reports/media/")
    assert page.get_attribute("a[data-embed*='vimeo']", "href") == "https://vimeo.com/76979871"
    assert page.is_visible("figure.embed .embed-button")
