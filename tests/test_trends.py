"""Trends across reports on a fixture site dated over two years: topic timelines, rising topics, series of
editions, freshness, and which pages a new report makes again."""
from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from builder import charts, trends
from builder.build import BuildOptions, build
from builder.errors import BuildError
from builder.model import Timeline
from conftest import NOW, build_site, report, write_site

# The clock is NOW (25 November 2026): the rising window is 28 August to 25 November 2026, its baseline the
# 365 days before. Reports r* fall in the window, b* in the baseline, o* before both.
REPORTS = {
    "o1": ("2025-01-20", ("AI",)),
    "o2": ("2025-03-10", ("Law",)),
    "o3": ("2025-06-05", ("AI", "Law")),
    "b1": ("2025-09-15", ("AI",)),
    "b2": ("2025-10-15", ("AI", "Law")),
    "b3": ("2025-11-15", ("Law",)),
    "b4": ("2025-12-15", ("AI",)),
    "b5": ("2026-01-15", ("Law",)),
    "b6": ("2026-02-15", ("AI", "Chips")),
    "b7": ("2026-03-15", ("Law",)),
    "b8": ("2026-04-15", ("AI",)),
    "b9": ("2026-05-15", ("Policy",)),
    "b10": ("2026-07-15", ("Policy",)),
    "r1": ("2026-09-10", ("AI", "Chips")),
    "r2": ("2026-10-01", ("AI", "Chips", "Robots")),
    "r3": ("2026-10-20", ("Chips", "Law", "Hiring")),
    "r4": ("2026-11-05", ("Law", "Robots")),
    "r5": ("2026-11-20", ("Energy", "Hiring")),
}
FIELDS = {
    "b6": {"series": '"State of chips"'},
    "r1": {"series": '"State of Chips"', "updated": "2026-09-10T18:00"},  # updated the same day: no "Updated"
    "r3": {"series": '"State of chips"'},
    "r2": {"updated": "2026-10-15"},
}
SETTINGS = "[tool.trendsite]\nper_page = 4\nrelated_count = 0\nstale_after_days = 300\n"


def fixture_files(**extra: str) -> dict[str, str]:
    files = {f"content/{slug}.md": report(f"Report {slug}", day, topics, **FIELDS.get(slug, {}))
             for slug, (day, topics) in REPORTS.items()}
    return {"pyproject.toml": SETTINGS, **files, **extra}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = write_site(tmp_path_factory.mktemp("trends"), fixture_files())
    build_site(root)
    return root / "output"


def page(output: Path, url: str) -> str:
    return (output / url / "index.html").read_text("utf-8")


class Rows(HTMLParser):
    """The rows of a page's timeline table: (data-month, the month as shown, the count as shown)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_table = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("class") == "timeline-table":
            self._in_table = True
        elif self._in_table and tag == "tr" and "data-month" in attrs:
            self.rows.append([attrs["data-month"]])

    def handle_endtag(self, tag):
        self._in_table = self._in_table and tag != "table"

    def handle_data(self, data):
        if self._in_table and self.rows and data.strip() and len(self.rows[-1]) < 3:
            self.rows[-1].append(data.strip())


def timeline_of(html: str) -> list[list[str]]:
    parser = Rows()
    parser.feed(html)
    return parser.rows


def months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    found = []
    while f"{year:04}-{month:02}" <= last:
        found.append(f"{year:04}-{month:02}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


# -- topic timelines --------------------------------------------------------------------------------

def test_a_topic_page_tables_its_reports_per_month_over_the_whole_span_of_the_site(site):
    rows = timeline_of(page(site, "topics/chips"))
    # Chips begins in 2026, yet its axis runs from the site's first month to its last, months without any too.
    assert [row[0] for row in rows] == months("2025-01", "2026-11")
    counts = {month: int(count) for month, _, count in rows}
    assert {m: n for m, n in counts.items() if n} == {"2026-02": 1, "2026-09": 1, "2026-10": 2}
    assert rows[0][1] == "January 2025" and rows[-1][1] == "November 2026"
    ai = {month: int(count) for month, _, count in timeline_of(page(site, "topics/ai"))}
    assert sum(ai.values()) == 9 and ai["2025-01"] == ai["2026-10"] == 1 and ai["2025-02"] == 0


def test_the_timeline_sits_above_the_listing_of_a_topics_first_page_only(site):
    first = page(site, "topics/ai")
    assert first.index('class="timeline"') < first.index('class="card-grid"')
    assert "9 reports from January 2025 to November 2026." in first
    assert timeline_of(page(site, "topics/ai/page/2")) == []


def chart_of(html: str) -> str:
    """The SVG of a page's timeline figure."""
    figure = html[html.index('<figure class="timeline">'):]
    return figure[figure.index("<svg"):figure.index("</svg>") + 6]


def bars(svg: str) -> dict[str, tuple[int, float]]:
    """Month as the chart labels it -> (reports it says, the bar's height in pixels)."""
    found = re.findall(r'aria-label="month \(year-month\): ([^;"]+); reports: (\d+)"[^>]*\sd="M[\d.]+,[\d.]+h[\d.]+v([\d.]+)',
                       svg)
    return {month: (int(count), float(height)) for month, count, height in found}


def test_a_topic_page_charts_its_timeline_as_an_svg_named_by_its_caption(site):
    html = page(site, "topics/chips")
    caption = re.search(r'<figcaption class="timeline-caption">([^<]+)</figcaption>', html).group(1)
    svg = chart_of(html)
    assert caption == "Reports on Chips per month"
    assert re.match(rf'<svg class="chart-svg" role="img" aria-label="{caption}"', svg)
    # Drawn, not scripted; nothing it shows is fetched from anywhere.
    assert "<script" not in svg and not re.search(r'\s(?:xlink:)?href="(?!#)', svg)
    # Its table follows it in a <details>, for screen readers and for copying.
    assert html.index(svg) < html.index('<details class="timeline-data">')


def test_a_timelines_bars_say_and_show_the_counts_worked_out_by_hand(site):
    drawn = bars(chart_of(page(site, "topics/chips")))
    assert len(drawn) == len(months("2025-01", "2026-11"))
    assert {month: count for month, (count, _) in drawn.items() if count} == {"Feb 2026": 1, "Sep 2026": 1,
                                                                              "Oct 2026": 2}
    # October's two reports draw the tallest bar, twice September's; empty months draw none.
    assert drawn["Oct 2026"][1] == max(height for _, height in drawn.values()) == 2 * drawn["Sep 2026"][1]
    assert drawn["Jan 2025"][1] == 0


def test_a_timeline_names_its_months_in_the_sites_language(make_site):
    root = make_site(fixture_files(**{"pyproject.toml": SETTINGS + 'language = "fr"\n'}))
    build_site(root)
    svg = chart_of(page(root / "output", "topics/chips"))
    assert 'aria-label="Rapports sur Chips par mois"' in svg and "oct. 2026" in svg


# -- sparklines -------------------------------------------------------------------------------------

def sparklines_on(html: str) -> list[tuple[str, list[tuple[float, float]]]]:
    """(accessible name, points) of each sparkline, in page order."""
    found = re.findall(r'<svg class="sparkline"[^>]* role="img" aria-label="([^"]+)"[^>]*><polyline points="([^"]+)"',
                       html)
    return [(name, [tuple(map(float, point.split(","))) for point in points.split()]) for name, points in found]


def test_the_topics_page_has_a_sparkline_of_each_topic_over_the_sites_months(site):
    lines = dict(zip(re.findall(r'class="topic-tile-name"><a href="/topics/([^/]+)/"', page(site, "topics")),
                     sparklines_on(page(site, "topics"))))
    assert sorted(lines) == ["ai", "chips", "energy", "hiring", "law", "policy", "robots"]
    name, points = lines["chips"]
    # The site's 23 months: fewer than the 24 a sparkline shows at most.
    assert name == "Reports per month, January 2025 to November 2026: peak 2"
    assert len(points) == 23
    # SVG's y grows downwards: October 2026 (two reports) is the highest point, and alone there.
    by_month = dict(zip(months("2025-01", "2026-11"), points))
    top = min(y for _, y in points)
    assert [month for month, (_, y) in by_month.items() if y == top] == ["2026-10"]
    assert by_month["2026-09"][1] == by_month["2026-02"][1] > top
    assert by_month["2025-01"][1] == max(y for _, y in points)  # no report: on the bottom line


def test_each_rising_topic_shows_its_sparkline_after_its_growth(site):
    html = page(site, "")
    section = html[html.index('class="rising"'):html.index("</section>")]
    items = re.findall(r'class="rising-name" href="/topics/([^/]+)/".*?class="rising-growth">[^<]*</p>\s*<svg '
                       r'class="sparkline"', section, re.S)
    assert items == ["chips", "hiring", "robots"]
    (name, points), *_ = sparklines_on(section)
    assert name.endswith("peak 2") and len(points) == 23


def test_a_sparkline_keeps_the_last_months_and_draws_one_month_or_no_report_as_a_level_line():
    year = tuple(date(2025, month, 1) for month in range(1, 13))
    line = trends.sparkline(Timeline(year, (0, 1, 2, 0, 0, 4, 1, 0, 0, 0, 0, 3)), months=4)
    assert (line.first, line.last, line.peak) == (date(2025, 9, 1), date(2025, 12, 1), 3)
    assert line.points == "3,25 41,25 79,25 117,3" and line.end == ("117", "3")
    assert trends.sparkline(Timeline(year[:1], (2,))).points == "3,3 117,3"
    assert trends.sparkline(Timeline(year[:3], (0, 0, 0))).points == "3,25 60,25 117,25"


def test_sparklines_are_translated(make_site):
    root = make_site(fixture_files(**{"pyproject.toml": SETTINGS + 'language = "es"\n'}))
    build_site(root)
    assert sparklines_on(page(root / "output", "topics"))[1][0] == (
        "Informes por mes, de enero de 2025 a noviembre de 2026: máximo de 2")


# -- rising topics ----------------------------------------------------------------------------------

def rising_on(html: str) -> list[tuple[str, str]]:
    section = html[html.index('class="rising"'):html.index("</section>")]
    return re.findall(r'class="rising-name" href="/topics/([^/]+)/">[^<]*</a>\s*<p class="rising-growth">([^<]*)<',
                      section)


def test_rising_topics_rank_by_growth_in_share_as_worked_out_by_hand(site):
    # 5 reports in the window, 10 in the baseline. Chips: 3 of 5 (60%) against 1 of 10 (10%), +50 points.
    # Hiring and Robots: 2 of 5 (40%) against none, +40 each, the tie broken by name. Law holds at 40%, AI
    # falls from 50% to 40%, and Energy's one report is not a trend.
    assert rising_on(page(site, "")) == [("chips", "60% of reports, up from 10%"),
                                         ("hiring", "40% of reports, up from 0%"),
                                         ("robots", "40% of reports, up from 0%")]


def test_one_new_report_of_a_new_topic_does_not_make_it_rise(make_site):
    root = make_site(fixture_files(**{"content/new.md": report("Fusion now", "2026-11-21", ("Fusion",))}))
    build_site(root)
    assert [slug for slug, _ in rising_on(page(root / "output", ""))] == ["chips", "hiring", "robots"]


def test_the_rising_window_and_its_baseline_are_settings(make_site):
    # The last 30 days hold r4 and r5 alone: no topic has two reports in them.
    root = make_site(fixture_files(**{"pyproject.toml": SETTINGS + "rising_window_days = 30\n"}))
    build_site(root)
    assert 'class="rising"' not in page(root / "output", "")


def test_rising_topics_are_on_the_first_home_page_only(site):
    assert 'class="rising"' in page(site, "") and 'class="rising"' not in page(site, "page/2")


# -- series and editions ----------------------------------------------------------------------------

def editions_on(html: str) -> list[tuple[str, str]]:
    """(slug or "current", edition label) of each edition the report page lists, in order."""
    box = html[html.index('class="editions"'):]
    box = box[:box.index("</nav>")]
    items = re.findall(r"<li( class=\"editions-current\" aria-current=\"page\")?>\s*<span class=\"editions-number\">"
                       r"([^<]+)</span>\s*(?:<a class=\"editions-name\" href=\"/reports/([^/]+)/\")?", box)
    return [("current" if current else slug, label) for current, label, slug in items]


def test_a_report_page_lists_its_series_editions_in_order_with_itself_marked(site):
    assert editions_on(page(site, "reports/r1")) == [("b6", "Edition 1"), ("current", "Edition 2"),
                                                     ("r3", "Edition 3")]
    html = page(site, "reports/r1")
    assert "Part of the series State of chips" in html and "Edition 2 of 3" in html
    assert 'class="editions"' not in page(site, "reports/r2")


def test_an_older_edition_says_a_newer_one_is_available_and_links_the_newest(site):
    for older in ("b6", "r1"):
        banner = re.search(r'<p class="banner banner-edition" role="note">(.*?)</p>', page(site, f"reports/{older}"))
        assert banner and "A newer edition is available" in banner.group(1)
        assert 'href="/reports/r3/"' in banner.group(1)
    assert "banner-edition" not in page(site, "reports/r3")


def test_series_pages_list_every_series_and_its_editions_newest_first(site):
    index = page(site, "series")
    assert 'href="/series/state-of-chips/">State of chips</a>' in index and "3 editions" in index
    one = page(site, "series/state-of-chips")
    assert re.findall(r'href="/reports/([^/]+)/"', one) == ["r3", "r1", "b6"]
    assert re.findall(r'class="edition-label">([^<]+)<', one) == ["Edition 3", "Edition 2", "Edition 1"]


def test_each_series_has_a_feed_of_its_editions(site):
    feed = feedparser.parse((site / "series" / "state-of-chips" / "feed.xml").read_bytes())
    assert not feed.bozo and feed.feed.title.endswith("State of chips")
    assert [entry.link.rstrip("/").rsplit("/", 1)[1] for entry in feed.entries] == ["r3", "r1", "b6"]


def test_a_site_without_series_has_no_series_pages(make_site):
    root = make_site({"content/a.md": report("Alone")})
    build_site(root)
    assert not (root / "output" / "series").exists()


def test_a_series_that_is_not_text_is_an_error_naming_its_line(make_site):
    root = make_site({"content/a.md": report("A", series="[one, two]")})
    with pytest.raises(BuildError) as raised:
        build_site(root)
    assert [(p.path, p.line) for p in raised.value.problems] == [("content/a.md", 5)]
    assert "'series' must be text" in raised.value.problems[0].message


# -- freshness --------------------------------------------------------------------------------------

def test_a_report_updated_after_its_publication_says_so_on_its_card_and_page(site):
    assert "Updated <time datetime=\"2026-10-15\">October 15, 2026</time>" in page(site, "reports/r2")
    card = re.search(r'<article class="card"[^>]*>.*?Report r2.*?</article>', page(site, "topics/robots"), re.S)
    assert card and "Updated <time datetime=\"2026-10-15\">" in card.group(0)
    assert "Updated" not in page(site, "reports/r1")  # updated later the same day


def test_a_report_older_than_stale_after_days_links_to_newer_reports_on_its_topics(site):
    notice = re.search(r'<div class="banner banner-stale" role="note">(.*?)</div>', page(site, "reports/o3"), re.S)
    assert notice and 'This report dates from <time datetime="2025-06-05">June 5, 2025</time>' in notice.group(1)
    # The three newest reports on AI or Law, newest first.
    assert re.findall(r'href="/reports/([^/]+)/"', notice.group(1)) == ["r4", "r3", "r2"]
    assert "banner-stale" not in page(site, "reports/b6")  # 283 days old on the clock of the build


def test_the_clock_passing_stale_after_days_brings_the_notice_and_remakes_only_that_report(make_site):
    root = make_site(fixture_files())
    build_site(root)
    later = build(BuildOptions(root=root, output=root / "output", now=NOW + timedelta(days=17))).site
    assert "banner-stale" in page(root / "output", "reports/b6")
    assert [path for path in later.rendered if path.startswith("reports/")] == ["reports/b6/index.html"]


def test_stale_notices_are_off_unless_set(make_site):
    root = make_site(fixture_files(**{"pyproject.toml": "[tool.trendsite]\nper_page = 4\n"}))
    build_site(root)
    assert "banner-stale" not in page(root / "output", "reports/o1")


def test_the_site_says_when_the_clock_alone_will_change_it_next(make_site):
    root = make_site(fixture_files())
    # r1 (10 September 2026) leaves the 90-day window on 9 December, before b6 turns stale on the 12th.
    assert build_site(root).site.next_change.date().isoformat() == "2026-12-09"
    longer = SETTINGS + "rising_window_days = 3650\n"
    root = make_site(fixture_files(**{"pyproject.toml": longer}))
    assert build_site(root).site.next_change.date().isoformat() == "2026-12-12"


# -- what a new report makes again ------------------------------------------------------------------

def rendered_after(make_site, new: str) -> set[str]:
    root = make_site(fixture_files())
    build_site(root)
    (root / "content" / "new.md").write_text(new, "utf-8")
    return set(build_site(root).site.rendered)


def test_a_new_report_remakes_the_pages_it_appears_on_and_no_other(make_site):
    # In the site's last month: every topic's axis stays the same, so only Robots' pages change.
    rendered = rendered_after(make_site, report("New robots", "2026-11-22", ("Robots",)))
    home = {"index.html", *(f"page/{n}/index.html" for n in range(2, 6))}  # 19 reports, 4 a page: all shift
    assert rendered == {"reports/new/index.html", "reports/r5/index.html",  # itself, and the one it follows
                        *home, "topics/index.html", "topics/robots/index.html", "archive/index.html",
                        "feed.xml", "topics/robots/feed.xml", "sitemap.xml"}


def test_a_new_report_in_a_new_month_redraws_every_timeline_but_no_later_topic_page(make_site):
    rendered = rendered_after(make_site, report("Early robots", "2024-12-10", ("Robots",)))
    topics = {path for path in rendered if path.startswith("topics/") and path.endswith(".html")}
    firsts = {f"topics/{slug}/index.html" for slug in ("ai", "chips", "energy", "hiring", "law", "policy", "robots")}
    assert topics == firsts | {"topics/index.html"}


def test_an_unchanged_build_draws_no_timeline_and_a_new_report_redraws_only_its_topics(make_site, monkeypatch):
    drawn = []
    draw = charts._draw
    monkeypatch.setattr(charts, "_draw", lambda spec, *rest: drawn.append(spec) or draw(spec, *rest))
    root = make_site(fixture_files())
    build_site(root)
    assert len(drawn) == 6  # one timeline for each topic: Hiring's and Robots' are the same drawing
    before = chart_of(page(root / "output", "topics/robots"))
    build_site(root)
    assert len(drawn) == 6
    (root / "content" / "new.md").write_text(report("New robots", "2026-11-22", ("Robots",)), "utf-8")
    build_site(root)
    assert len(drawn) == 7
    after = chart_of(page(root / "output", "topics/robots"))
    assert bars(before)["Nov 2026"][0] == 1 and bars(after)["Nov 2026"][0] == 2


def test_a_new_edition_remakes_every_edition_of_its_series_and_its_pages(make_site):
    rendered = rendered_after(make_site, report("Chips again", "2026-11-21", ("Chips",), series='"State of chips"'))
    assert {"reports/b6/index.html", "reports/r1/index.html", "reports/r3/index.html", "series/index.html",
            "series/state-of-chips/index.html", "series/state-of-chips/feed.xml"} <= rendered
    assert not {path for path in rendered if path.startswith("reports/")} - {
        "reports/b6/index.html", "reports/r1/index.html", "reports/r3/index.html", "reports/new/index.html",
        "reports/r5/index.html"}
