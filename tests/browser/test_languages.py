"""The sample site in Arabic, a right-to-left language, in Chromium: mirrored, axe-clean light and dark on a
phone and a desktop, and no English of the theme left, the search script's words included; and search that
folds accents and reads scripts without spaces."""
from __future__ import annotations

import re

import pytest

from browser.conftest import DESKTOP, PHONE, is_dark, serving
from browser.test_accessibility import axe_problems
from conftest import REPO, build_site, published_reports, report, write_site
from test_languages import english_left, sample_in, writers_words

ARTEFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def arabic_site(tmp_path_factory):
    """The sample site with language = "ar", served: (its URL, its reports, what its writers wrote)."""
    root = sample_in(tmp_path_factory.mktemp("arabic"), "ar")
    with serving(root / "output") as url:
        yield url, published_reports(root), writers_words(root)


def report_with_highlights(reports) -> str:
    return next(r for r in sorted(reports, key=lambda r: r.slug) if r.highlights and "<mark>" in r.html).url


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_arabic_site_is_mirrored_and_axe_clean(arabic_site, open_page, axe_script, viewport, scheme):
    url, reports, _ = arabic_site
    page = open_page(viewport=viewport, color_scheme=scheme)
    found = {}
    for path, ready in (("", ".card"), (report_with_highlights(reports), ".explore-more .card"),
                        ("archive/", ".archive-list"), ("search/?q=network", "#search-results .search-result"),
                        ("no-such-page/", ".not-found")):
        page.goto(url + path)
        page.wait_for_selector(ready)
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        assert is_dark(page) == (scheme == "dark")
        if problems := axe_problems(page, axe_script):
            found[path] = problems
    assert found == {}
    page.goto(url)
    brand, toggle = (page.eval_on_selector(s, "e => e.getBoundingClientRect().left")
                     for s in (".brand", "#theme-toggle"))
    assert brand > toggle, "the site's name is on the right, the theme toggle on the left"
    ARTEFACTS.mkdir(exist_ok=True)
    size = "phone" if viewport == PHONE else "desktop"
    page.screenshot(path=str(ARTEFACTS / f"home-arabic-{size}-{scheme}.png"), full_page=True)


def test_the_arabic_site_s_scripts_speak_arabic_too(arabic_site, open_page):
    url, reports, writers = arabic_site
    page = open_page()
    page.goto(url + report_with_highlights(reports))
    labels = [page.get_attribute("#theme-toggle", "aria-label")]
    page.click("#theme-toggle")
    labels.append(page.get_attribute("#theme-toggle", "aria-label"))
    assert labels == ["التبديل إلى النمط الداكن", "التبديل إلى النمط الفاتح"]
    page.click("#site-search-input")
    page.keyboard.type("network", delay=20)
    page.wait_for_selector("#site-search-status:has-text('«network»')")  # not the results for "ne"
    status = page.inner_text("#site-search-status")
    assert re.fullmatch(r"\d+ نتائج عن «network»", status), status
    page.keyboard.type(" zzzz", delay=20)
    page.wait_for_selector("#site-search-results .search-empty:has-text('zzzz')")  # not that of "network zz"
    assert page.inner_text("#site-search-results .search-empty") == "لا توجد تقارير تطابق «network zzzz»."
    assert english_left(page.content(), writers) == []  # the page as the scripts left it


@pytest.fixture(scope="module")
def languages_site(tmp_path_factory):
    """Reports in Spanish with accents and in Japanese, which has no spaces between words."""
    files = {
        "pyproject.toml": '[tool.trendsite]\nlanguage = "es"\n',
        "content/telefonica.md": report("Telefónica apuesta por Open RAN", "2026-03-01", ("Telecomunicaciones",),
                                        body="La operadora española amplía su red de acceso abierta."),
        "content/tokyo.md": report("東京都の通信網", "2026-03-02", ("通信",),
                                   body="東京都は新しい光ファイバー網を整備する。"),
        "content/other.md": report("Otro informe", "2026-03-03", ("Trabajo",), body="Nada que ver aquí."),
    }
    root = write_site(tmp_path_factory.mktemp("languages"), files)
    build_site(root)
    with serving(root / "output") as url:
        yield url


@pytest.mark.parametrize("query, slug, marked", [("telefonica", "telefonica", "Telefónica"),
                                                  ("ESPANOLA", "telefonica", "española"),
                                                  ("東京", "tokyo", "東京"), ("光ファイバー", "tokyo", "光ファイバー")])
def test_search_folds_accents_and_case_and_finds_words_in_scripts_without_spaces(languages_site, open_page, query,
                                                                                slug, marked):
    page = open_page()
    page.goto(f"{languages_site}search/?q={query}%20")
    page.wait_for_selector("#search-results mark")
    assert page.inner_text("#search-status") == f"1 resultado para «{query}»"
    assert page.locator("#search-results a").first.evaluate("a => a.href") == f"{languages_site}reports/{slug}/"
    assert page.locator("#search-results mark").first.inner_text() == marked
