"""`trendsite serve` in Chromium: a save reloads the open page, a stylesheet swaps in place, errors overlay."""
from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import report, write_site

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def save(path, text: str) -> None:
    temp = path.with_name(f".{path.name}.swp")  # an editor's atomic save
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


@contextlib.contextmanager
def trendsite_serve(root, *options: str):
    """`trendsite serve` of the site at root while the block runs: (the process, URL of the home page)."""
    process = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--root", str(root), "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    found: list[str] = []

    def read() -> None:
        for line in process.stdout:
            if match := re.search(r"at (http://\S+) ", line):
                found.append(match.group(1))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 30
    while not found and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert found, "serve did not start"
    try:
        yield process, found[0]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


@pytest.fixture
def served(tmp_path):
    """A small site with its own templates under `trendsite serve`: (root, URL of the home page)."""
    root = write_site(tmp_path / "site", {
        "content/a.md": report("First title", "2026-03-01", ("AI",)),
        "content/b.md": report("Second", "2026-02-01", ("AI",)),
        "templates/static/style.css": "body { background: rgb(255, 255, 255); }",
        "templates/base.html": '<!doctype html><html><head><title>{{ page.title }}</title>'
                               '<link rel="stylesheet" href="{{ static(\'style.css\') }}"></head>'
                               '<body>{% block content %}{% endblock %}</body></html>',
        "templates/report.html": '{% extends "base.html" %}{% block content %}<h1>{{ report.title }}</h1>'
                                 '{% endblock %}',
    })
    with trendsite_serve(root) as (_, url):
        yield root, url


@pytest.fixture
def bundled(tmp_path):
    """A small site in the bundled theme under `trendsite serve`: (root, the process, URL of the home page)."""
    root = write_site(tmp_path / "site", {"content/a.md": report("First title", "2026-03-01", ("AI",)),
                                          "content/b.md": report("Second", "2026-02-01", ("AI",))})
    with trendsite_serve(root) as (process, url):
        yield root, process, url


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


def open_report(page, url: str) -> None:
    page.goto(f"{url}reports/a/")
    page.wait_for_timeout(300)  # the event stream connects


def test_a_save_reloads_the_open_page_with_the_change(served, page):
    root, url = served
    open_report(page, url)
    expect(page.locator("h1")).to_have_text("First title")
    with page.expect_navigation(timeout=15_000):
        save(root / "content" / "a.md", report("Edited title", "2026-03-01", ("AI",)))
    expect(page.locator("h1")).to_have_text("Edited title")


def test_an_error_shows_an_overlay_with_file_and_line_and_the_fix_removes_it(served, page):
    root, url = served
    open_report(page, url)
    save(root / "content" / "a.md", "---\ntitle: First title\ndate: not a date\n---\nText.\n")
    overlay = page.locator("#trendsite-overlay")
    expect(overlay).to_be_visible(timeout=15_000)
    expect(overlay.locator("h2")).to_contain_text("The site did not build: 1 problem.")
    expect(overlay.locator(".trendsite-where")).to_have_text("content/a.md:3")
    expect(overlay.locator(".trendsite-message")).to_contain_text("'date' must be a date")
    expect(page.locator("h1")).to_have_text("First title")  # the last good page stays
    save(root / "content" / "a.md", report("Fixed title", "2026-03-01", ("AI",)))
    expect(page.locator("h1")).to_have_text("Fixed title", timeout=15_000)
    expect(overlay).to_have_count(0)


def test_a_stylesheet_change_applies_without_a_reload(served, page):
    root, url = served
    open_report(page, url)
    page.evaluate("window.notReloaded = true")
    save(root / "templates" / "static" / "style.css", "body { background: rgb(0, 128, 0); }")
    page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(0, 128, 0)'",
                           timeout=15_000)
    assert page.evaluate("window.notReloaded") is True
    assert page.locator('link[rel="stylesheet"]').count() == 1


def test_the_built_files_never_carry_the_reload_script(served):
    root, _ = served
    assert all("livereload" not in p.read_text() for p in (root / "output").rglob("*.html"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_overlay_meets_wcag_aa_contrast_over_the_bundled_theme(bundled, page, axe_script, scheme):
    root, _, url = bundled
    page.emulate_media(color_scheme=scheme)
    open_report(page, url)
    save(root / "content" / "a.md", "---\ntitle: First title\ndate: not a date\n---\nText.\n")
    expect(page.locator("#trendsite-overlay button")).to_be_visible(timeout=15_000)
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate("axe.run(document, {runOnly: ['color-contrast']}).then(r => r.violations)")
    assert [node["html"] for violation in found for node in violation["nodes"]] == []


def test_the_open_page_says_when_the_server_is_gone(bundled, page):
    _, process, url = bundled
    open_report(page, url)
    notice = page.locator("#trendsite-gone")
    expect(notice).to_have_count(0)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=15)
    expect(notice).to_contain_text("trendsite serve has stopped", timeout=15_000)
    expect(page.locator("h1")).to_have_text("First title")  # the page itself stays readable


def test_an_open_page_of_a_renamed_report_moves_to_its_new_url(served, page):
    root, url = served
    open_report(page, url)
    with page.expect_navigation(timeout=15_000):
        os.replace(root / "content" / "a.md", root / "content" / "renamed.md")
    page.wait_for_url(f"{url}reports/renamed/")
    expect(page.locator("h1")).to_have_text("First title")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_warnings_show_unobtrusively_in_the_page_and_list_on_demand(bundled, page, axe_script, scheme):
    _, _, url = bundled  # neither report has a summary or highlights: four warnings
    page.emulate_media(color_scheme=scheme)
    open_report(page, url)
    toggle = page.locator("#trendsite-warnings button")
    expect(toggle).to_have_text("4 warnings")
    first = page.locator("#trendsite-warnings .trendsite-problem").first
    expect(first).to_be_hidden()
    toggle.click()
    expect(first.locator(".trendsite-where")).to_have_text("content/a.md:1")
    expect(first.locator(".trendsite-message")).to_have_text("has no highlights")
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate("axe.run(document, {runOnly: ['color-contrast']}).then(r => r.violations)")
    assert [node["html"] for violation in found for node in violation["nodes"]] == []
