"""The dev HTTP server over output/: files, live-reload events and the reload script, GET and HEAD only."""
from __future__ import annotations

import ipaddress
import json
import mimetypes
import queue
import re
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The dev server's own URLs live outside the site's base path, so no page can shadow them.
LIVE_PREFIX = "/__trendsite/"
_SCRIPT = Path(__file__).with_name("livereload.js")
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_PING_SECONDS = 15.0
# Theme static files are named by a hash of their bytes: a page that reloads need not fetch them again.
_FINGERPRINTED = re.compile(r"^static/.+\.[0-9a-f]{10}(\.[^./]+)?$")
_IMMUTABLE = "max-age=31536000, immutable"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".ico": "image/x-icon",
}
_FEEDS = {"feed.xml": "application/atom+xml; charset=utf-8"}


def content_type(name: str) -> str:
    """The Content-Type header for a file name."""
    if name in _FEEDS:
        return _FEEDS[name]
    suffix = Path(name).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def resolve_request(output: Path, base_path: str, target: str) -> Path | str | None:
    """The file a request path names inside output/, a path to redirect to, or None (not found).

    Anything that could leave output/ is None: `..` (also percent-encoded), backslashes, NUL,
    absolute paths, dot files (the manifest, the staging folder) and symlinks pointing out.
    """
    path = urlsplit(target).path
    if not path.startswith(base_path):
        return None
    rel = unquote(path[len(base_path):], errors="strict") if "%" in path else path[len(base_path):]
    if rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return None
    parts = [p for p in rel.split("/") if p]
    if any(p.startswith(".") for p in parts):
        return None
    real_output = output.resolve()
    candidate = output.joinpath(*parts)
    if candidate.is_dir():
        if rel and not rel.endswith("/"):
            return path + "/"
        candidate = candidate / "index.html"
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(real_output) or not real.is_file():
        return None
    return real


class Hub:
    """Fans server-sent events out to every open page; remembers the current error for new pages."""

    def __init__(self):
        self._lock = threading.Lock()
        self._listeners: set[queue.Queue] = set()
        self._problem: bytes | None = None
        self._warnings: bytes | None = None
        self.version = 0  # bumped by every change pages should pick up
        # Tells a page that reconnects whether it is talking to the same server process.
        self.session = secrets.token_hex(4)

    def subscribe(self) -> queue.Queue:
        """A queue of encoded events, starting with a hello (and the current warnings and error, if any)."""
        listener: queue.Queue = queue.Queue()
        with self._lock:
            self._listeners.add(listener)
            listener.put(_event("hello", {"version": self.version, "session": self.session}))
            for event in (self._warnings, self._problem):
                if event is not None:
                    listener.put(event)
        return listener

    def unsubscribe(self, listener: queue.Queue) -> None:
        with self._lock:
            self._listeners.discard(listener)

    def reload(self, paths: list[str], moved: dict[str, str] | None = None) -> None:
        """Tell pages these output paths changed; a page reloads if it shows one of them, or goes to the URL
        `moved` gives for its own path."""
        self._send("reload", {"paths": paths, "moved": moved or {}}, bump=True)

    def swap_styles(self, styles: dict[str, str]) -> None:
        """Tell pages to swap stylesheets (plain name -> new site-relative URL) without reloading."""
        self._send("styles", {"styles": styles}, bump=True)

    def problem(self, problems: list[dict]) -> None:
        """Show an overlay listing these problems on every page until fixed()."""
        self._send("problem", {"problems": problems}, bump=False)

    def warnings(self, warnings: list[dict]) -> None:
        """Show these warnings, unobtrusively, on every page (none: show nothing)."""
        self._send("warnings", {"warnings": warnings}, bump=False)

    def fixed(self) -> None:
        """Remove the overlay, if one is shown."""
        if self._problem is not None:
            self._send("fixed", {}, bump=False)

    def close(self) -> None:
        """End every event stream, so their threads return."""
        with self._lock:
            for listener in self._listeners:
                listener.put(None)
            self._listeners.clear()

    def _send(self, name: str, data: dict, bump: bool) -> None:
        with self._lock:
            if bump:
                self.version += 1
            event = _event(name, {**data, "version": self.version})
            if name == "problem":
                self._problem = event
            elif name == "fixed":
                self._problem = None
            elif name == "warnings":
                self._warnings = event
            for listener in self._listeners:
                listener.put(event)


def _event(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, sort_keys=True)}\n\n".encode()


class DevServer(ThreadingHTTPServer):
    """A threaded HTTP server over one output folder, with a Hub for live reload."""

    daemon_threads = True  # open event streams must not keep the process alive on Ctrl-C
    request_queue_size = 256  # the default 5 drops connections under a burst of requests

    def __init__(self, output: Path, base_path: str, hub: Hub, host: str = "127.0.0.1", port: int = 8000):
        self.output = output
        self.base_path = base_path
        self.hub = hub
        super().__init__((host, port), _Handler)

    @property
    def script_tag(self) -> bytes:
        """The tag added to every HTML page served, never to the files in output/."""
        # Named per server process, so a reloading page takes the script from its cache.
        return (f'<script src="{LIVE_PREFIX}livereload.js?v={self.hub.session}" data-base="{self.base_path}" '
                f'defer></script>').encode()

    @property
    def url(self) -> str:
        """Where the site's home page is served."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{self.base_path}"

    @property
    def reachable_from_other_computers(self) -> bool:
        """Whether it listens beyond this computer (a --host other than a loopback address)."""
        return not ipaddress.ip_address(self.server_address[0]).is_loopback

    def handle_error(self, request, client_address) -> None:
        # A browser closing a tab mid-response is routine, not worth a traceback.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: DevServer
    server_version = "trendsite"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def __getattr__(self, name: str):
        # Every other method (POST, PUT, DELETE, OPTIONS, made-up ones) gets 405, not 501.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal log is for rebuilds, not for every request

    def _not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if path == f"{LIVE_PREFIX}events":
            self._stream_events() if send_body else self._send(HTTPStatus.OK, "text/event-stream", b"", False)
            return
        if path == f"{LIVE_PREFIX}livereload.js":
            self._send(HTTPStatus.OK, content_type(_SCRIPT.name), _SCRIPT.read_bytes(), send_body, _IMMUTABLE)
            return
        try:
            found = resolve_request(self.server.output, self.server.base_path, self.path)
        except UnicodeDecodeError:
            found = None
        if isinstance(found, str):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", found)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if found is None:
            self._not_found(send_body)
            return
        try:
            data = found.read_bytes()
        except OSError:  # removed by a rebuild between resolving and reading
            self._not_found(send_body)
            return
        rel = found.relative_to(self.server.output.resolve()).as_posix()
        self._send(HTTPStatus.OK, content_type(found.name), self._inject(data, found.name), send_body,
                   _IMMUTABLE if _FINGERPRINTED.match(rel) else "no-store")

    def _not_found(self, send_body: bool) -> None:
        page = self.server.output / "404.html"
        try:
            data = page.read_bytes()
        except OSError:
            # Before the first good build there is no 404 page; this one still carries the overlay.
            data = b"<!doctype html><title>Not found</title><h1>Not found</h1></html>"
        self._send(HTTPStatus.NOT_FOUND, content_type(page.name), self._inject(data, page.name), send_body)

    def _inject(self, data: bytes, name: str) -> bytes:
        if not name.endswith(".html"):
            return data
        tag = self.server.script_tag
        ends = list(_BODY_END.finditer(data))
        if not ends:
            return data + tag
        at = ends[-1].start()
        return data[:at] + tag + data[at:]

    def _send(self, status: HTTPStatus, kind: str, data: bytes, send_body: bool, cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        listener = self.server.hub.subscribe()
        try:
            while True:
                try:
                    event = listener.get(timeout=_PING_SECONDS)
                except queue.Empty:
                    event = b": ping\n\n"  # finds closed tabs, keeps proxies from timing out
                if event is None:
                    return
                self.wfile.write(event)
                self.wfile.flush()
        except OSError:
            return  # the tab went away
        finally:
            self.server.hub.unsubscribe(listener)
