"""Reading a built site back: links, assets and pages, as a crawler would see them."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(html: str) -> list[str]:
    """Every href and src in an HTML document."""
    parser = _Links()
    parser.feed(html)
    return parser.links


def target_file(output: Path, base_path: str, link: str, page_dir: str) -> Path | None:
    """The output file a same-site link points to, or None for external and fragment-only links."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        assert path.startswith(base_path), f"{link} is outside the base path {base_path}"
        rel = path[len(base_path):]
    else:
        rel = f"{page_dir}{path}"
    return output / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def broken_links(output: Path, base_path: str) -> list[str]:
    """'page -> link' for every internal link or asset that has no file in output/."""
    broken = []
    for page in html_pages(output):
        rel_dir = page.parent.relative_to(output).as_posix()
        page_dir = "" if rel_dir == "." else rel_dir + "/"
        for link in links_of(page.read_text(encoding="utf-8")):
            target = target_file(output, base_path, link, page_dir)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(output)} -> {link}")
    return broken


def reachable_pages(output: Path, base_path: str) -> set[Path]:
    """Every HTML page reachable by following links from the home page."""
    seen: set[Path] = set()
    todo = [output / "index.html"]
    while todo:
        page = todo.pop()
        if page in seen or not page.is_file() or page.suffix != ".html":
            continue
        seen.add(page)
        rel_dir = page.parent.relative_to(output).as_posix()
        page_dir = "" if rel_dir == "." else rel_dir + "/"
        for link in links_of(page.read_text(encoding="utf-8")):
            target = target_file(output, base_path, link, page_dir)
            if target is not None and target.suffix == ".html":
                todo.append(target)
    return seen
