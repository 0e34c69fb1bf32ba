"""The dev server: only files inside output/, only GET and HEAD, right types, live-reload events."""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from builder.serve import DevServer, Hub, content_type, resolve_request

PAGE = b"<!doctype html><html><body><p>hello</p></body></html>"


@pytest.fixture
def output(tmp_path):
    out = tmp_path / "output"
    (out / "reports" / "a").mkdir(parents=True)
    (out / "reports" / "a" / "index.html").write_bytes(PAGE)
    (out / "index.html").write_bytes(PAGE)
    (out / "404.html").write_bytes(b"<html><body>lost</body></html>")
    (out / "feed.xml").write_bytes(b"<feed/>")
    (out / "static").mkdir()
    (out / "static" / "style.0123456789.css").write_bytes(b"body{}")
    (out / ".trendsite-manifest.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("secret")
    return out


@pytest.fixture
def server(output):
    running = DevServer(output, "/", Hub(), port=0)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.hub.close()
    running.shutdown()
    running.server_close()


def request(server, method: str, path: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    connection.request(method, path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def raw_request(server, line: bytes) -> bytes:
    """Send a request line exactly as given, bypassing any client-side path cleaning."""
    with socket.create_connection(server.server_address[:2], timeout=10) as sock:
        sock.sendall(line + b"\r\nHost: localhost\r\n\r\n")
        return b"".join(iter(lambda: sock.recv(65536), b""))


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/reports/..%2f..%2fsecret.txt",
    "//etc/passwd", "/%2fetc%2fpasswd", "/reports\\..\\..\\secret.txt", "/%5c..%5csecret.txt",
    "/.trendsite-manifest.json", "/index.html%00.css", "/%ff%fe",
])
def test_paths_that_could_leave_output_are_not_found(output, target):
    try:
        assert resolve_request(output, "/", target) is None
    except UnicodeDecodeError:
        pass  # the handler answers 404 for bytes that are not UTF-8


def test_a_symlink_pointing_out_of_output_is_not_served(output):
    (output / "escape.txt").symlink_to(output.parent / "secret.txt")
    assert resolve_request(output, "/", "/escape.txt") is None


def test_folders_serve_their_index_and_gain_a_trailing_slash(output):
    assert resolve_request(output, "/", "/") == (output / "index.html").resolve()
    assert resolve_request(output, "/", "/reports/a/") == (output / "reports/a/index.html").resolve()
    assert resolve_request(output, "/", "/reports/a") == "/reports/a/"


def test_only_paths_under_the_base_path_are_served(output):
    assert resolve_request(output, "/trends/", "/trends/reports/a/") == (output / "reports/a/index.html").resolve()
    assert resolve_request(output, "/trends/", "/reports/a/") is None


@pytest.mark.parametrize("name, kind", [
    ("index.html", "text/html; charset=utf-8"),
    ("style.1a2b.css", "text/css; charset=utf-8"),
    ("site.js", "text/javascript; charset=utf-8"),
    ("feed.xml", "application/atom+xml; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("chart.png", "image/png"),
    ("photo.jpg", "image/jpeg"),
    ("logo.svg", "image/svg+xml"),
    ("data.bin", "application/octet-stream"),
])
def test_content_types(name, kind):
    assert content_type(name) == kind


def test_it_listens_on_loopback_unless_told_otherwise(output):
    running = DevServer(output, "/", Hub(), port=0)
    try:
        assert running.server_address[0] == "127.0.0.1"
    finally:
        running.server_close()


def test_pages_get_the_reload_script_but_the_files_do_not(server, output):
    status, headers, body = request(server, "GET", "/reports/a/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'<script src="/__trendsite/livereload.js?v={server.hub.session}"'.encode() in body
    assert body.index(b"livereload.js") < body.index(b"</body>")
    assert int(headers["Content-Length"]) == len(body)
    assert b"livereload" not in (output / "reports" / "a" / "index.html").read_bytes()


def test_the_reload_script_is_served(server):
    status, headers, body = request(server, "GET", "/__trendsite/livereload.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"EventSource" in body


def test_only_files_named_by_their_hash_may_be_cached_by_a_reloading_page(server):
    assert request(server, "GET", "/static/style.0123456789.css")[1]["Cache-Control"] == "max-age=31536000, immutable"
    assert request(server, "GET", f"/__trendsite/livereload.js?v={server.hub.session}")[1]["Cache-Control"] \
        == "max-age=31536000, immutable"
    assert request(server, "GET", "/reports/a/")[1]["Cache-Control"] == "no-store"
    assert request(server, "GET", "/feed.xml")[1]["Cache-Control"] == "no-store"


def test_head_sends_headers_without_a_body(server):
    status, headers, body = request(server, "HEAD", "/feed.xml")
    assert status == 200 and body == b""
    assert headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert headers["Content-Length"] == "7"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_methods_other_than_get_and_head_are_refused(server, method):
    status, headers, _ = request(server, method, "/")
    assert status == 405 and headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("line", [
    b"GET /../secret.txt HTTP/1.0", b"GET /%2e%2e/secret.txt HTTP/1.0", b"GET /..\\secret.txt HTTP/1.0",
    b"GET /%c0%ae%c0%ae/secret.txt HTTP/1.0", b"GET http://evil/../secret.txt HTTP/1.0",
])
def test_traversal_over_the_wire_gets_the_404_page(server, line):
    answer = raw_request(server, line)
    assert answer.startswith(b"HTTP/1.0 404")
    assert b"secret" not in answer.split(b"\r\n\r\n", 1)[1]


def test_a_missing_page_gets_the_sites_404_page_with_the_overlay_script(server):
    status, _, body = request(server, "GET", "/nowhere/")
    assert status == 404 and b"lost" in body and b"livereload.js" in body


def test_a_missing_page_before_any_good_build_still_carries_the_overlay_script(server, output):
    (output / "404.html").unlink()
    status, _, body = request(server, "GET", "/nowhere/")
    assert status == 404 and b"livereload.js" in body


def read_events(server, count: int) -> list[tuple[str, dict]]:
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    connection.request("GET", "/__trendsite/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    events = []
    name = None
    while len(events) < count:
        line = response.fp.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[len("event: "):]
        elif line.startswith("data: "):
            events.append((name, json.loads(line[len("data: "):])))
    connection.close()
    return events


def test_events_reach_an_open_page_in_order(server):
    hub = server.hub
    results = []
    reader = threading.Thread(target=lambda: results.extend(read_events(server, 5)))
    reader.start()
    deadline = time.monotonic() + 5
    while not hub._listeners and time.monotonic() < deadline:
        time.sleep(0.01)
    hub.problem([{"file": "content/a.md", "line": 3, "message": "bad", "hint": "", "severity": "error"}])
    hub.fixed()
    hub.reload(["reports/a/index.html"])
    hub.swap_styles({"style.css": "static/style.abcdef0123.css"})
    reader.join(10)
    assert [name for name, _ in results] == ["hello", "problem", "fixed", "reload", "styles"]
    assert results[1][1]["problems"][0]["line"] == 3
    assert results[3][1]["paths"] == ["reports/a/index.html"]
    assert results[4][1]["styles"] == {"style.css": "static/style.abcdef0123.css"}
    assert results[4][1]["version"] > results[0][1]["version"]


def test_a_page_opened_during_an_error_sees_the_error_at_once(server):
    server.hub.problem([{"file": "templates/base.html", "line": 9, "message": "oops", "hint": "",
                         "severity": "error"}])
    (hello, _), (name, data) = read_events(server, 2)
    assert (hello, name) == ("hello", "problem")
    assert data["problems"][0]["file"] == "templates/base.html"


def test_it_stays_up_under_200_concurrent_connections_for_30_seconds(server):
    """A bounded soak test on loopback: every request must succeed."""
    stop = time.monotonic() + 30
    paths = ["/", "/reports/a/", "/feed.xml", "/static/style.0123456789.css", "/nowhere/"]

    def client(number: int) -> tuple[int, int]:
        done = failed = 0
        while time.monotonic() < stop:
            path = paths[(number + done) % len(paths)]
            try:
                status, _, body = request(server, "GET", path)
                ok = status == (404 if path == "/nowhere/" else 200) and body
            except OSError:
                ok = False
            done += 1
            failed += not ok
        return done, failed

    with ThreadPoolExecutor(max_workers=200) as pool:
        results = list(pool.map(client, range(200)))
    assert sum(failed for _, failed in results) == 0
    assert sum(done for done, _ in results) > 1000
    assert request(server, "GET", "/")[0] == 200


@pytest.mark.parametrize("host, beyond", [("127.0.0.1", False), ("127.0.0.2", False), ("0.0.0.0", True)])
def test_the_server_knows_when_other_computers_can_reach_it(output, host, beyond):
    server = DevServer(output, "/", Hub(), host, 0)
    try:
        assert server.reachable_from_other_computers is beyond
    finally:
        server.server_close()


def test_a_page_opened_after_a_build_with_warnings_sees_them_at_once(server):
    warning = {"file": "content/a.md", "line": 1, "message": "has no summary", "hint": "", "severity": "warning"}
    server.hub.warnings([warning])
    (hello, _), (name, data) = read_events(server, 2)
    assert (hello, name, data["warnings"]) == ("hello", "warnings", [warning])
