"""Search in Chromium on the bundled sample site: results as you type, marked snippets, ranking, keyboard."""
from __future__ import annotations

import functools
import http.server
import threading
from collections import Counter
from datetime import date, timedelta

import pytest

from browser.conftest import SiteHandler
from builder.search import report_index_terms
from builder.terms import STOPWORDS, tokenize
from conftest import build_site, report, write_site


def body_only_word(reports):
    """A word of one report's body that no other report uses anywhere, nor its own title or summary."""
    everywhere = Counter(t for r in reports for t in set(tokenize(f"{r.title} {r.summary} {r.text}")))
    for candidate in reports:
        heading = set(tokenize(f"{candidate.title} {candidate.summary}"))
        words = sorted(t for t in set(tokenize(candidate.text)) if everywhere[t] == 1 and t not in heading
                       and t.isalpha())
        if words:
            return candidate, max(words, key=len)
    raise AssertionError("no report has a word of its own")


def holders(reports):
    """Term -> the URLs of the reports whose index entries hold it."""
    holding = {}
    for one in reports:
        for _, terms in report_index_terms(one, one.text):
            for term in terms:
                holding.setdefault(term, set()).add(one.url)
    return holding


def test_a_word_only_in_one_body_finds_that_report_with_the_word_marked(sample_site, open_page):
    base, page = sample_site.url, open_page()
    report, word = body_only_word(sample_site.reports)
    fetched = []
    page.on("requestfinished", lambda r: fetched.append(r.sizes()["responseBodySize"]) if "/search/" in r.url else None)
    page.goto(base)
    page.click("#site-search-input")
    page.keyboard.type(word, delay=20)
    page.wait_for_selector("#site-search-status:has-text('1 result for')")
    results = page.locator("#site-search-results .search-result")
    assert results.count() == 1
    assert results.locator("a").first.evaluate("a => a.href") == f"{base}{report.url}"
    # The snippet comes from the report's text once typing pauses; the summary stands in until then.
    page.wait_for_selector("#site-search-results .search-result-snippet mark")
    marks = results.locator(".search-result-snippet mark").all_inner_texts()
    assert [m.lower() for m in marks] == [word]
    # The whole first query, typed key by key: manifest, shards and the shown reports' texts.
    assert 0 < sum(fetched) < 300_000


def test_the_keyboard_moves_through_results_and_escape_closes_them(sample_site, open_page):
    base, page = sample_site.url, open_page()
    page.goto(base)
    page.click("#site-search-input")
    page.keyboard.type("model", delay=20)
    page.wait_for_selector("#site-search-status:has-text('for “model”')")  # not the results for "mod"
    page.wait_for_selector("#site-search-panel:not([hidden]) .search-result")
    page.keyboard.press("ArrowDown")
    first = page.locator("#site-search-results a").first
    assert page.evaluate("document.activeElement.href") == first.evaluate("a => a.href")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "site-search-input"
    page.keyboard.press("Escape")
    assert page.locator("#site-search-panel").is_hidden()
    page.keyboard.press("Enter")  # the header form takes the query to the search page
    page.wait_for_url("**/search/?q=model")
    page.wait_for_selector("#search-results .search-result")
    assert "for “model”" in page.inner_text("#search-status")


def test_a_title_match_ranks_above_a_body_match(sample_site, open_page):
    base, page, reports = sample_site.url, open_page(), sample_site.reports
    for term in sorted({t for r in reports for t in tokenize(r.title)}):
        in_title = [r for r in reports if term in tokenize(r.title)]
        in_body_only = [r for r in reports if term in tokenize(r.text)
                        and term not in tokenize(f"{r.title} {r.summary} {' '.join(t.name for t in r.topics)}")]
        if len(in_title) == 1 and in_body_only:
            break
    else:
        raise AssertionError("the sample has no word in one title and in other bodies")
    page.goto(f"{base}search/?q={term}")
    page.wait_for_selector("#search-results .search-result")
    assert page.locator("#search-results a").first.evaluate("a => a.href") == f"{base}{in_title[0].url}"


def test_without_javascript_the_search_page_says_where_else_to_look(sample_site, open_page):
    base, page = sample_site.url, open_page(java_script_enabled=False)
    page.goto(base)
    page.fill("#site-search-input", "model")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=model")
    assert "needs JavaScript" in page.inner_text("main")
    assert page.locator("main a[href$='/archive/']").count() == 1


def test_a_query_of_two_words_lists_exactly_the_reports_holding_both(sample_site, open_page):
    base, page, reports = sample_site.url, open_page(), sample_site.reports
    holding = holders(reports)
    words = sorted(t for t, urls in holding.items() if t.isalpha() and len(t) > 3 and t not in STOPWORDS
                   and 1 < len(urls) < len(reports))
    first, second = next((a, b) for a in words for b in words
                         if 0 < len(holding[a] & holding[b]) < min(len(holding[a]), len(holding[b]), 10))
    page.goto(f"{base}search/?q={first}%20{second}%20")  # the trailing space: whole words, not prefixes
    page.wait_for_selector(f"#search-status:has-text('for “{first} {second}”')")
    shown = page.locator("#search-results .search-result-title a").evaluate_all("links => links.map(a => a.href)")
    assert sorted(shown) == sorted(base + url for url in holding[first] & holding[second])


def test_the_search_page_fetches_the_index_before_the_first_key(sample_site, open_page):
    page = open_page()
    with page.expect_request("**/search/index.json"):
        page.goto(f"{sample_site.url}search/")
    assert page.input_value("#search-input") == ""


def test_the_search_page_shows_six_results_and_the_button_shows_the_next_six(sample_site, open_page):
    base, page = sample_site.url, open_page()
    holding = holders(sample_site.reports)
    # A word in more reports than a batch shows, and in few enough that one click shows them all.
    term = min((t for t, urls in holding.items() if t.isalpha() and t not in STOPWORDS and 6 < len(urls) <= 12),
               key=lambda t: (-len(holding[t]), t))
    total = len(holding[term])
    page.goto(f"{base}search/?q={term}%20")  # the trailing space: the whole word, not a prefix
    page.wait_for_selector(f"#search-status:has-text('{total} results for “{term}”')")
    links = page.locator("#search-results .search-result-title a")
    assert links.count() == 6
    more = page.locator("#search-more")
    assert more.is_visible()
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#search-results .search-result').length === {total}")
    # Focus moves to the first new result, the button goes once nothing is left, the count still says all.
    assert page.evaluate("document.activeElement.href") == links.nth(6).evaluate("a => a.href")
    assert more.is_hidden()
    assert sorted(links.evaluate_all("links => links.map(a => a.href)")) == sorted(base + url for url in holding[term])
    assert page.inner_text("#search-status") == f"{total} results for “{term}”"


@pytest.fixture(scope="module")
def wide_site(tmp_path_factory):
    """400 reports that all say "tariff", two of them in the title: enough for its shard to carry entries."""
    titles = {100: "Tariff outlook", 250: "Tariff shifts"}
    files = {f"content/r{i}.md": report(titles.get(i, f"Week {i}"), str(date(2025, 1, 1) + timedelta(days=i)),
                                        body=f"Notes on the tariff for week {i}.") for i in range(400)}
    root = write_site(tmp_path_factory.mktemp("wide"), files)
    build_site(root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(root / "output")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_common_word_shows_its_first_results_from_its_shard_alone(wide_site, open_page):
    page = open_page()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(f"{wide_site}search/")
    page.fill("#search-input", "tariff")  # pasted: every file comes after the input
    page.wait_for_selector("#search-status:has-text('400 results for “tariff”')")
    links = page.locator("#search-results .search-result-title a").evaluate_all("links => links.map(a => a.href)")
    assert links[:3] == [f"{wide_site}reports/r250/", f"{wide_site}reports/r100/", f"{wide_site}reports/r399/"]
    assert len(links) == 6
    assert not [url for url in fetched if "/search/docs/" in url]  # the entries came with the shard
    page.click("#search-more")  # the next batch comes from docs/
    page.wait_for_function("document.querySelectorAll('#search-results .search-result').length === 12")
    assert [url for url in fetched if "/search/docs/" in url]
