"""Files in content/ beside reports: data, never code; special files, links and unreadable folders."""
from __future__ import annotations

import os
import socket
import stat
import stat
import subprocess
import sys
from pathlib import Path

from xml.etree import ElementTree

import pytest

from builder import __main__ as cli
from builder import assets
from builder.errors import BuildError
from conftest import build_site, report, trendsite, write_site

SITE = {"content/a.md": report("A"), "content/ai/b.md": report("B"), "content/ai/chart.png": b"\x89PNG"}


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_fifo_socket_or_device_in_content_is_left_out_with_a_warning_and_never_opened(make_site, monkeypatch, kind,
                                                                                      command):
    root = make_site(SITE)
    special = root / "content" / "ai" / "feed.md"
    if kind == "fifo":
        os.mkfifo(special)
        result = trendsite(command, root=root)
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("only root may make a device file (CI runs as root)")
        os.mknod(special, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero: read, it never ends
        result = trendsite(command, root=root)
    else:
        with socket.socket(socket.AF_UNIX) as listening:
            monkeypatch.chdir(special.parent)  # a socket's path is limited to about 100 bytes
            listening.bind(special.name)
            result = trendsite(command, root=root)
    assert result.returncode == 0, result.stderr
    what = {"fifo": "a named pipe (FIFO)", "socket": "a socket", "device": "a device"}[kind]
    assert f"warning: content/ai/feed.md: is {what}, not a file, so it is left out" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_link_to_nothing_is_an_error_naming_it(make_site):
    root = make_site(SITE)
    (root / "content" / "ai" / "old.png").symlink_to(root / "content" / "ai" / "gone.png")
    result = trendsite("build", root=root)
    assert result.returncode == 1
    assert "error: content/ai/old.png: is a link to something that does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_loop_of_links_is_an_error_naming_each_link(make_site):
    root = make_site(SITE)
    (root / "content" / "x.png").symlink_to("y.png")
    (root / "content" / "y.png").symlink_to("x.png")
    result = trendsite("build", root=root)
    assert result.returncode == 1
    for name in ("x.png", "y.png"):
        assert f"error: content/{name}: is a link that leads back to itself through other links" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreadable_folder_is_an_error_and_its_published_pages_stay(unprivileged_site):
    root = unprivileged_site(SITE)
    assert trendsite("build", root=root, unprivileged=True).returncode == 0
    page = root / "output" / "reports" / "b" / "index.html"
    assert page.is_file()
    (root / "content" / "ai").chmod(0)
    result = trendsite("build", root=root, unprivileged=True)
    assert result.returncode == 1
    assert "error: content/ai: cannot be read: Permission denied" in result.stderr
    assert page.is_file() and (root / "output" / "ai" / "chart.png").is_file()


EVIL_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
<script>alert(2)</script><rect width="4" height="4" onclick="alert(3)"/>
<a xlink:href="javascript:alert(4)"><text>t</text></a><image href="https://tracker.example/pixel.png"/>
<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(5)</script></body></foreignObject>
<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(6)</h:script><use href="#local"/>
</svg>"""



def test_an_svg_is_published_without_scripts_handlers_or_outside_references(make_site):
    root = make_site(SITE | {"content/ai/chart.svg": EVIL_SVG})
    build_site(root)
    published = (root / "output" / "ai" / "chart.svg").read_bytes()
    elements = list(ElementTree.fromstring(published).iter())
    assert {e.tag.split("}")[-1] for e in elements} == {"svg", "rect", "a", "text", "image", "use"}
    assert not any(name.startswith("on") for e in elements for name in e.attrib)
    references = [value for e in elements for name, value in e.attrib.items() if name.endswith("href")]
    assert "#local" in references  # within the file, or on this site: never a request elsewhere
    assert all(r.startswith("#") or r.startswith("/") and not r.startswith("//") for r in references)
    assert b"alert" not in published and b"tracker.example" not in published


def test_a_broken_svg_is_an_error_naming_it(make_site):
    root = make_site(SITE | {"content/ai/chart.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><rect"})
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert [str(p) for p in error.value.problems] == [
        "content/ai/chart.svg: is not an SVG file that can be read (XML parsing error), so its scripts cannot be "
        "removed (save it again from a drawing program as plain SVG, or as PNG)"]


@pytest.mark.parametrize("name", ["evil.html", "ai/Page.HTM", "ai/page.xhtml", "data.xml"])
def test_a_web_page_beside_reports_is_an_error_unless_unsafe_html_is_set(make_site, name):
    page = b"<html><script>alert(1)</script></html>"
    root = make_site(SITE | {f"content/{name}": page})
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert [str(p) for p in error.value.problems] == [
        f"content/{name}: is a web page: published, its scripts would run as the site's own (remove it, or set "
        "unsafe_html = true in [tool.trendsite] if you trust everyone who writes reports)"]
    write_site(root, {"pyproject.toml": "[tool.trendsite]\nunsafe_html = true\n"})
    build_site(root)
    assert (root / "output" / name).read_bytes() == page


def test_an_unreadable_file_beside_a_report_is_an_error_naming_it(unprivileged_site):
    root = unprivileged_site(SITE)
    (root / "content" / "ai" / "chart.png").chmod(0)
    result = trendsite("build", root=root, unprivileged=True)
    assert result.returncode == 1
    assert "error: content/ai/chart.png: cannot be read: Permission denied" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unforeseen_failure_publishing_a_file_beside_a_report_names_the_file(make_site, monkeypatch, capsys):
    def broken(data, images):
        raise RuntimeError("an invented failure")

    monkeypatch.setattr(assets, "filter_svg", broken)
    root = make_site(SITE | {"content/ai/chart.svg": EVIL_SVG, "content/ai/other.svg": EVIL_SVG})
    assert cli.main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    for name in ("chart.svg", "other.svg"):
        assert f"content/ai/{name}: could not be published: RuntimeError: an invented failure" in err
    assert "Traceback" not in err
