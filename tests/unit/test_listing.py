from builder.languages import load_language
from builder.listing import Digests, archive, collect_topics, fingerprint, page_of, plan_specs, sort_reports
from builder.model import SiteConfig
from builder.render import default_theme
from conftest import NOW
from conftest import report_object as make

THEME = (default_theme(),)
ENGLISH = load_language("en", THEME)


def test_newest_first_and_ties_by_slug():
    ordered = sort_reports([make("b"), make("c", 5), make("a")])
    assert [r.slug for r in ordered] == ["c", "a", "b"]


def test_topics_are_sorted_by_name_with_their_reports():
    topics = collect_topics(sort_reports([make("a", 1, ("Law", "AI")), make("b", 2, ("AI",))]))
    assert [(t.name, [r.slug for r in t.reports]) for t in topics] == [("AI", ["b", "a"]), ("Law", ["a"])]


def test_archive_groups_by_year_and_month():
    years = archive(sort_reports([make("a", 0), make("b", 40), make("c", 400)]), ENGLISH)
    assert [y for y, _ in years] == [2027, 2026]
    assert [label for label, _ in years[1][1]] == ["February 2026", "January 2026"]


def test_archive_months_and_page_titles_are_in_the_site_language():
    reports = sort_reports([make(f"r{i}", i * 40) for i in range(3)])
    spanish = load_language("es", THEME)
    assert [label for label, _ in archive(reports, spanish)[0][1]] == ["marzo de 2026", "febrero de 2026",
                                                                       "enero de 2026"]
    pages = {p.url: p for p in plan_specs(SiteConfig(title="Tendencias", per_page=2), spanish, reports,
                                          collect_topics(reports), {}, NOW)}
    assert (pages["topics/"].title, pages["archive/"].title, pages["404.html"].title) == (
        "Temas", "Archivo", "Página no encontrada")
    assert pages["page/2/"].title == "Tendencias (página 2)"
    assert pages["topics/ai/"].description == "Informes de Tendencias sobre AI, del más reciente al más antiguo."


def test_pages_cover_every_listing_with_pagination():
    reports = sort_reports([make(f"r{i}", i) for i in range(5)])
    specs = plan_specs(SiteConfig(per_page=2), ENGLISH, reports, collect_topics(reports), {}, NOW)
    urls = [p.url for p in specs]
    assert urls[:3] == ["", "page/2/", "page/3/"]
    assert {"reports/r0/", "topics/", "topics/ai/", "topics/ai/page/3/", "archive/", "404.html"} <= set(urls)
    cards = {r.slug: r for r in reports}
    last = page_of(next(p for p in specs if p.url == "page/3/"), cards, None, 3, ENGLISH)
    assert last.context["pagination"].next_url is None and last.context["pagination"].prev_url == "page/2/"
    report_page = page_of(next(p for p in specs if p.url == "reports/r2/"), cards, reports[2], 3, ENGLISH)
    assert report_page.context["newer"].slug == "r3" and report_page.context["older"].slug == "r1"


def test_a_pages_fingerprint_changes_with_each_report_it_shows_and_no_other():
    reports = sort_reports([make(f"r{i}", i) for i in range(5)])
    specs = {p.url: p for p in plan_specs(SiteConfig(per_page=2), ENGLISH, reports, collect_topics(reports),
                                          {"r2": ("r0", "r4")}, NOW)}
    cards = {r.slug: f"card-{r.slug}" for r in reports}
    pages = {r.slug: f"page-{r.slug}" for r in reports}

    def moved(card: dict = {}, page: dict = {}) -> set[str]:
        digests = Digests(settings="s", cards={**cards, **card}, pages={**pages, **page})
        return {url for url, spec in specs.items() if fingerprint(spec, digests) != before[url]}

    before = {url: fingerprint(spec, Digests("s", cards, pages)) for url, spec in specs.items()}
    # r0's card: its newer neighbour, r2's Explore more, the page listing it, the topic page, the archive.
    assert moved(card={"r0": "edited"}) == {"reports/r1/", "reports/r2/", "page/3/", "topics/ai/page/3/", "archive/"}
    assert moved(page={"r3": "edited"}) == {"reports/r3/"}
