"""Shared browser fixtures: the sample site built once and served, Debian's Chromium, axe-core, pages that fail
their test on any console error."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from builder.build import Site
from builder.model import Report
from conftest import REPO, build_site, published_reports

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AXE_CACHE = Path.home() / ".cache" / "trendsite-npm"
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Served:
    """A built site behind a local HTTP server."""

    url: str  # the home page, with the site's sub-path: "http://127.0.0.1:8123/"
    output: Path
    site: Site
    reports: tuple[Report, ...]  # published, newest first, with their bodies

    def report_with(self, needle: str) -> str:
        """URL of the first report (by slug) whose HTML contains `needle`."""
        for report in sorted(self.reports, key=lambda r: r.slug):
            if needle in report.html:
                return self.url + report.url
        raise AssertionError(f"no sample report contains {needle!r}")


def is_dark(page) -> bool:
    """Whether the page's background is dark: the theme the reader sees, whatever chose it."""
    colour = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(v) for v in re.findall(r"\d+", colour)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.3 * 255


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder quietly, answering missing paths with 404.html as static hosts do."""

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code, message=None, explain=None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def build_sample(root: Path) -> Site:
    """The repository's sample content and settings built into root/output."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return build_site(root).site


@contextlib.contextmanager
def serving(output: Path, handler_class: type[SiteHandler] = SiteHandler):
    """The URL of `output` served on 127.0.0.1 while the block runs: "http://127.0.0.1:8123/"."""
    handler = functools.partial(handler_class, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The sample site, built once for the whole run and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("sample")
    site = build_sample(root)
    assert site.config.base_path == "/", "the server maps the output folder to /"
    with serving(root / "output") as url:
        yield Served(url, root / "output", site, published_reports(root))


# Module scope, not session: Playwright's sync API allows one instance at a time, and a module may start its own.
@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, driven by Playwright, shared by the tests of a module."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    """open_page(viewport=..., color_scheme=..., java_script_enabled=...) -> a page in a fresh context.

    Every console error and uncaught exception on any page opened this way fails the test, except
    Chromium's own report of a page the test meant to open as "404 Not Found".
    """
    contexts, errors, not_found = [], [], set()

    def open_(viewport: dict | None = None, **options):
        context = chromium.new_context(viewport=viewport or DESKTOP, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append((m.location.get("url"), m.text)) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append((page.url, str(e))))
        page.on("response", lambda r: not_found.add(r.url) if r.status == 404 and r.request.is_navigation_request()
                else None)
        return page

    yield open_
    for context in contexts:
        context.close()
    unexpected = [f"{url}: {text}" for url, text in errors
                  if not (url in not_found and text.startswith("Failed to load resource"))]
    assert unexpected == [], "console errors"


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js: $TRENDSITE_AXE, else the npm cache .ci/run fills, else installed there with npm now."""
    if os.environ.get("TRENDSITE_AXE"):
        path = Path(os.environ["TRENDSITE_AXE"])
        assert path.is_file(), f"TRENDSITE_AXE={path} does not exist: run `bash .ci/run` or unset it"
        return path
    path = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        npm = shutil.which("npm")
        if npm is None:
            message = "axe-core is needed for the accessibility tests: install node and npm, or set TRENDSITE_AXE"
            if ON_CI:
                pytest.fail(message)
            pytest.skip(message)
        done = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(AXE_CACHE),
                               "axe-core@4"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and path.is_file(), f"npm install axe-core@4 failed:\n{done.stderr}"
    return path
