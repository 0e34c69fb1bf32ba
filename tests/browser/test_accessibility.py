"""axe-core on each kind of page, light and dark (from the system and from the toggle), phone and desktop."""
from __future__ import annotations

import pytest

from browser.conftest import DESKTOP, PHONE, is_dark

# Each page kind, and the selector that tells it has finished drawing (search results arrive after fetches).
PAGES = {
    "home": ("", ".card"),
    "report": (None, ".explore-more .card"),
    "topic": (None, ".card"),
    "series": ("series/state-of-open-models/", ".card"),
    "older edition, stale": ("reports/state-of-open-models-2024/", ".editions"),
    "search results": ("search/?q=network", "#search-results .search-result"),
    "404": ("no-such-page/", ".not-found"),
}
SCHEMES = ["light", "dark", "dark by toggle"]


def axe_problems(page, axe_script) -> list[str]:
    """Serious and critical axe-core violations on the page, one line per rule with a few offending nodes."""
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> " + " | ".join(n["html"][:120] for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def page_url(served, kind: str) -> str:
    path = PAGES[kind][0]
    if path is not None:
        return served.url + path
    report = next(r for r in sorted(served.reports, key=lambda r: r.slug) if r.highlights and "<mark>" in r.html)
    return served.url + (report.url if kind == "report" else report.topics[0].url)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1280x800"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_serious_accessibility_violations(sample_site, open_page, axe_script, scheme, viewport):
    page = open_page(viewport=viewport, color_scheme="dark" if scheme == "dark" else "light")
    if scheme == "dark by toggle":
        page.goto(sample_site.url)
        page.click("#theme-toggle")
    found = {}
    for kind, (_, ready) in PAGES.items():
        page.goto(page_url(sample_site, kind))
        page.wait_for_selector(ready)
        assert is_dark(page) == (scheme != "light"), f"{kind} is not in the {scheme} theme"
        if problems := axe_problems(page, axe_script):
            found[kind] = problems
    assert found == {}
