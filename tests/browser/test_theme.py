"""The default theme in Chromium: Article Highlights, light and dark, keyboard, phone layout, no-JS, print."""
from __future__ import annotations

import pytest

from browser.conftest import DESKTOP, PHONE, is_dark
from conftest import REPO

ARTEFACTS = REPO / "test-artifacts"
TRANSPARENT = "rgba(0, 0, 0, 0)"


def highlights_state(page) -> tuple[str, bool, list[str]]:
    """(the switch's aria-checked, whether the key points are visible, each <mark>'s background)."""
    return (page.get_attribute("#highlights-switch", "aria-checked"),
            page.is_visible("#report-highlights"),
            page.eval_on_selector_all(".prose mark", "ms => ms.map(m => getComputedStyle(m).backgroundColor)"))


def assert_highlights(page, on: bool) -> None:
    checked, box_visible, marks = highlights_state(page)
    assert marks, "the report has no ==marked== passage"
    assert (checked, box_visible) == ("true" if on else "false", on)
    assert all((m != TRANSPARENT) == on for m in marks), marks


def reports_with_marks(served) -> list[str]:
    urls = [served.url + r.url for r in sorted(served.reports, key=lambda r: r.slug)
            if r.highlights and "<mark>" in r.html]
    assert len(urls) >= 2, "the sample needs two reports with key points and ==marked== passages"
    return urls


def test_the_highlights_switch_hides_and_shows_key_points_and_marks_across_reloads_and_reports(sample_site,
                                                                                              open_page):
    first, second = reports_with_marks(sample_site)[:2]
    page = open_page()
    page.goto(first)
    assert page.inner_text("#highlights-switch .switch-label") == "Article Highlights"
    assert_highlights(page, on=True)
    page.click("#highlights-switch")
    assert_highlights(page, on=False)
    page.reload()
    assert_highlights(page, on=False)
    page.goto(second)
    assert_highlights(page, on=False)
    page.focus("#highlights-switch")
    page.keyboard.press("Space")  # a real switch: the keyboard works it too
    assert_highlights(page, on=True)
    page.goto(first)
    assert_highlights(page, on=True)


def test_a_saved_off_shows_on_the_switch_before_site_js_has_run(sample_site, open_page):
    url = reports_with_marks(sample_site)[0]
    page = open_page()
    page.goto(url)
    page.click("#highlights-switch")
    # The head script applies the saved choice; site.js, deferred, may come much later or not at all.
    page.route("**/static/site.*.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.goto(url)
    assert not page.is_visible("#report-highlights")
    drawn = page.evaluate("""() => [getComputedStyle(document.querySelector('.switch-thumb')).transform,
        ...[...document.querySelectorAll('.switch-state')].map(e => getComputedStyle(e).fontWeight)]""")
    assert drawn == ["none", "800", "600"], "the switch shows Off: thumb at the left, Off in bold"


def test_in_a_high_contrast_mode_the_switch_still_shows_its_track_thumb_and_state(sample_site, open_page):
    page = open_page(forced_colors="active", reduced_motion="reduce")
    page.goto(reports_with_marks(sample_site)[0])
    colours = """() => [document.body, ...document.querySelectorAll('.switch-track, .switch-thumb')].map(
        e => getComputedStyle(e).backgroundColor)"""
    background, track_on, thumb_on = page.evaluate(colours)
    page.click("#highlights-switch")
    _, track_off, thumb_off = page.evaluate(colours)
    assert track_on != background and thumb_on != track_on and thumb_off != track_off
    assert (track_on, thumb_on) != (track_off, thumb_off)


def test_without_javascript_the_highlights_are_shown_and_the_controls_hidden(sample_site, open_page):
    page = open_page(java_script_enabled=False)
    page.goto(reports_with_marks(sample_site)[0])
    _, box_visible, marks = highlights_state(page)
    assert box_visible and marks and TRANSPARENT not in marks
    assert not page.is_visible("#highlights-switch")
    assert not page.is_visible("#theme-toggle")


@pytest.mark.parametrize("system", ["light", "dark"])
def test_the_theme_follows_the_system_and_the_toggle_overrides_it_for_good(sample_site, open_page, system):
    page = open_page(color_scheme=system)
    page.goto(sample_site.url)
    assert is_dark(page) == (system == "dark")
    other = "light" if system == "dark" else "dark"
    assert page.get_attribute("#theme-toggle", "aria-label") == f"Switch to {other} theme"
    page.click("#theme-toggle")
    assert is_dark(page) == (other == "dark")
    assert page.get_attribute("#theme-toggle", "aria-label") == f"Switch to {system} theme"
    page.goto(reports_with_marks(sample_site)[0])
    assert is_dark(page) == (other == "dark")
    page.reload()
    assert is_dark(page) == (other == "dark")


def tab_stops(page, limit: int = 300) -> list[tuple[str, bool]]:
    """Each element Tab reaches from the top of the page, until focus wraps or `limit` presses:
    (a description, whether it shows a focus ring on itself or on its ::after that covers a card)."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate("""() => { const e = document.activeElement;
            if (!e || e === document.body || e === window.firstStop) return null;
            window.firstStop = window.firstStop || e;
            const ring = [getComputedStyle(e), getComputedStyle(e, '::after')].some(
                s => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 || s.boxShadow !== 'none');
            if (e.id) return ['#' + e.id, ring];
            const card = e.closest('.card') ? (e.closest('.explore-more') ? ' in explore-more card' : ' in card') : '';
            return [e.tagName.toLowerCase() + (e.classList.length ? '.' + e.classList[0] : '') + card, ring]; }""")
        if here is None:
            break
        stops.append(tuple(here))
    return stops


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_keyboard_alone_reaches_the_skip_link_switch_search_and_explore_more_cards(sample_site, open_page,
                                                                                      viewport):
    page = open_page(viewport=viewport)
    page.goto(reports_with_marks(sample_site)[0])
    stops = [name for name, _ in tab_stops(page)]
    assert stops[0] == "a.skip-link"
    for wanted in ("#site-search-input", "#theme-toggle", "#highlights-switch", "a in explore-more card"):
        assert wanted in stops
    assert stops.index("#site-search-input") < stops.index("#highlights-switch") < stops.index(
        "a in explore-more card")


@pytest.mark.parametrize("kind", ["home", "report"])
def test_every_keyboard_stop_shows_where_focus_is(sample_site, open_page, kind):
    page = open_page()
    page.goto(sample_site.url if kind == "home" else reports_with_marks(sample_site)[0])
    stops = tab_stops(page)
    assert len(stops) > 20 and (kind != "home" or ("a in card", True) in stops)
    assert sorted({name for name, ring in stops if not ring}) == []


def test_the_skip_link_shows_when_focused_and_moves_focus_to_the_content(sample_site, open_page):
    page = open_page()
    page.goto(sample_site.url)
    assert page.eval_on_selector(".skip-link", "e => e.getBoundingClientRect().bottom") <= 0
    page.keyboard.press("Tab")
    box = page.eval_on_selector(".skip-link", "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert box[0] >= 0 and box[1] > box[0], "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def phone_pages(served) -> dict[str, str]:
    return {
        "home": served.url,
        "report with a table": served.report_with("<table"),
        "report with code": served.report_with('class="codehilite"'),
        "topic": served.url + served.reports[0].topics[0].url,
        "archive": served.url + "archive/",
    }


@pytest.mark.parametrize("width", [390, 360])
def test_phone_layouts_never_scroll_sideways(sample_site, open_page, width):
    page = open_page(viewport={"width": width, "height": 800})
    wide = {}
    for name, url in phone_pages(sample_site).items():
        page.goto(url)
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wide[name] = scroll
    assert wide == {}, f"wider than {width} px"


def test_print_hides_navigation_switch_and_explore_more(sample_site, open_page):
    page = open_page()
    page.goto(reports_with_marks(sample_site)[0])
    assert page.is_visible(".site-nav") and page.is_visible(".explore-more")
    page.emulate_media(media="print")
    for selector in (".site-nav", ".site-search", "#theme-toggle", "#highlights-switch", ".explore-more",
                     ".site-footer"):
        assert not page.is_visible(selector), selector
    assert page.is_visible(".report-title") and page.is_visible(".prose")


SCREENS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_home_and_a_report_are_saved_for_review(sample_site, open_page, scheme):
    ARTEFACTS.mkdir(exist_ok=True)
    pages = {"home": sample_site.url, "report": reports_with_marks(sample_site)[0]}
    for size, viewport in SCREENS.items():
        page = open_page(viewport=viewport, color_scheme=scheme)
        for name, url in pages.items():
            page.goto(url)
            path = ARTEFACTS / f"{name}-{size}-{scheme}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000, f"{path.name} looks blank"
