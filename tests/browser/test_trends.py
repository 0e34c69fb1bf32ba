"""Trends in Chromium: the home page marks "New" the reports published since the reader's last visit,
remembered by this browser alone, and the marks are gone on the visit after."""
from __future__ import annotations


def marked_new(page) -> list[str]:
    """The titles of the cards marked New, in page order."""
    return page.eval_on_selector_all(
        ".card .badge-new", "marks => marks.map(m => m.closest('.card').querySelector('.card-title').textContent.trim())")


def test_reports_published_since_the_last_visit_are_marked_new_then_cleared(sample_site, open_page):
    page = open_page()
    requested = []
    page.on("request", lambda request: requested.append((request.method, request.url)))
    page.goto(sample_site.url)
    assert marked_new(page) == []  # a first visit has nothing to compare with
    # As if the reader last came when the third newest report was the newest.
    newest = sample_site.reports
    page.evaluate("day => localStorage.setItem('trendsite-seen:/', day)", newest[2].date.isoformat())
    page.reload()
    assert marked_new(page) == [newest[0].title, newest[1].title]
    assert page.is_visible(".card .badge-new") and page.text_content(".card .badge-new") == "New"
    page.reload()
    assert marked_new(page) == []
    # Remembered in this browser only: no cookie, and nothing asked of any server but the site's own files.
    assert page.context.cookies() == [] and page.evaluate("document.cookie") == ""
    assert {method for method, _ in requested} == {"GET"}
    assert all(url.startswith(sample_site.url) and "?" not in url for _, url in requested)


def test_only_the_first_home_page_marks_reports_new(sample_site, open_page):
    page = open_page()
    page.goto(sample_site.url + "page/2/")
    page.evaluate("() => localStorage.setItem('trendsite-seen:/', '2000-01-01T00:00:00Z')")
    page.reload()
    assert marked_new(page) == []
