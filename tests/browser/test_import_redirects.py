"""Imported sites in Chromium: each old address of a report, opened as a reader's link would, lands on the report."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.__main__ import main
from browser.conftest import SiteHandler, serving
from conftest import build_site
from test_import import FIXTURES, pelican_samples

_LINE = re.compile(r"^(\S+) (\S+) 301$")


class _UnderPath(SiteHandler):
    """Serves the output folder under the site's base path, as its host would: /blog/x is output/x."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base_path):
            return str(Path(self.directory) / "missing")
        return super().translate_path("/" + path[len(self.base_path):])


@pytest.mark.parametrize("tool, fixture", [("hugo", "hugo"), ("hugo", "hugo-yaml"), ("jekyll", "jekyll"),
                                           ("pelican", "pelican"), ("pelican", None)])
def test_every_old_address_of_an_imported_site_redirects_to_its_report(open_page, capsys, tmp_path, tool, fixture):
    source = FIXTURES / fixture if fixture else pelican_samples()
    root = tmp_path / "site"
    assert main(["import", tool, str(source), "--root", str(root)]) == 0
    capsys.readouterr()
    site = build_site(root).site
    base_path = site.config.base_path
    handler = type("Handler", (_UnderPath,), {"base_path": base_path})
    with serving(root / "output", handler) as home:
        origin = home.rstrip("/")
        build_site(root, base_url=origin + base_path)  # the pages' own addresses, on this server
        redirects = [_LINE.match(line).groups() for line in (root / "output" / "_redirects").read_text().splitlines()]
        assert redirects
        titles = {f"{base_path}{r.url}": r.title for r in site.reports}
        page = open_page()
        for old, new in redirects:
            page.goto(origin + old)
            page.wait_for_url(origin + new)
            assert page.locator("h1.report-title").inner_text() == titles[new]
            assert page.locator('link[rel="canonical"]').get_attribute("href") == origin + new
