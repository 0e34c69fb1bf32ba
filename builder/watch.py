"""Watch the site's sources: watchdog events -> debounced, classified change sets. Never builds."""
from __future__ import annotations

import queue
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .config import CONFIG_FILES
from .load import is_ignored

# Kinds of change, from the narrowest to the widest effect on the site.
STYLE = "style"  # a theme stylesheet: browsers can swap it without reloading
STATIC = "static"  # another theme static file
ASSET = "asset"  # a picture or file beside the reports
CONTENT = "content"  # a report's Markdown, or a folder of them
TEMPLATE = "template"
CONFIG = "config"

# Opening and closing a file without writing it changes nothing.
_NOISE = {"opened", "closed_no_write"}


@dataclass(frozen=True)
class ChangeSet:
    """What changed during one burst of saves: site-relative POSIX paths and their kinds."""

    paths: tuple[str, ...]
    kinds: frozenset[str]

    @property
    def styles_only(self) -> bool:
        """Whether only stylesheets changed, so open pages can swap them in place."""
        return self.kinds == {STYLE}

    @classmethod
    def of(cls, paths, folders=frozenset()) -> ChangeSet:
        """A change set of site-relative paths (`folders` among them are folders), sources only."""
        kept = {p: kind for p in paths if (kind := classify(p, p in folders)) is not None}
        return cls(paths=tuple(sorted(kept)), kinds=frozenset(kept.values()))


def classify(path: str, is_dir: bool = False) -> str | None:
    """The kind of a site-relative path, or None for anything the build does not read."""
    parts = PurePosixPath(path).parts
    if not parts or any(is_ignored(part) for part in parts):
        return None
    if len(parts) == 1 and parts[0] in CONFIG_FILES:
        return CONFIG
    if parts[0] == "content" and len(parts) > 1:
        return CONTENT if is_dir or path.endswith(".md") else ASSET
    if parts[0] == "templates" and len(parts) > 1:
        if parts[1] != "static" or is_dir:
            return TEMPLATE
        return STYLE if path.endswith(".css") else STATIC
    return None


class Watcher:
    """Watches content/, templates/ and the config; next_changes() returns one debounced burst."""

    # An editor's save (temporary file, write, rename) raises its events within a few milliseconds;
    # a burst split by a slow one costs a second rebuild, never a stale site.
    def __init__(self, root: Path, quiet: float = 0.01, longest: float = 1.0):
        self.root = root.resolve()
        self.quiet = quiet  # a burst ends after this long without events
        self.longest = longest  # ...or after this long, so a busy tree still gets rebuilt
        self._events: queue.Queue[tuple[str, bool, bool]] = queue.Queue()
        self._handler = _Handler(self)
        self._observer = Observer()
        self._watched: set[str] = set()

    def __enter__(self) -> Watcher:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Begin watching; events before this call are not seen."""
        # The root is watched alone (not recursively) for the config and a templates/ made later;
        # watching it recursively would also watch every folder of output/.
        self._observer.schedule(self._handler, str(self.root), recursive=False)
        for name in ("content", "templates"):
            self._watch_tree(self.root / name)
        self._observer.start()

    def stop(self) -> None:
        """Stop watching and wait for the watchdog thread to end."""
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join()

    def next_changes(self, timeout: float | None = None) -> ChangeSet | None:
        """Block until a burst of relevant events has ended; None if nothing came within timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                first = self._events.get(timeout=wait)
            except queue.Empty:
                return None
            burst = [first]
            ends = time.monotonic() + self.longest
            while time.monotonic() < ends:
                try:
                    burst.append(self._events.get(timeout=min(self.quiet, ends - time.monotonic())))
                except queue.Empty:
                    break
            first_seen: dict[str, bool] = {}
            for path, _, appeared in burst:
                first_seen.setdefault(path, appeared)
            # A file created and gone within the burst is an editor's temporary file (sed's
            # sedXXXXXX, vim's 4913 probe, an atomic save's staging file): not a change. A file
            # moved in and gone is reported: an atomic save then a delete must not go unseen.
            kept = [p for p, appeared in first_seen.items() if not appeared or (self.root / p).exists()]
            changes = ChangeSet.of(kept, {p for p, is_dir, _ in burst if is_dir})
            if changes.paths:
                return changes

    def _watch_tree(self, folder: Path) -> None:
        if folder.is_dir() and str(folder) not in self._watched:
            self._watched.add(str(folder))
            self._observer.schedule(self._handler, str(folder), recursive=True)

    def record(self, absolute: str, is_dir: bool, appeared: bool) -> None:
        """Queue one changed path; `appeared` if it was created (from watchdog's thread)."""
        try:
            rel = Path(absolute).relative_to(self.root).as_posix()
        except ValueError:
            return  # moved out of the site: its source path already says what left
        if rel == "templates" and is_dir:
            self._watch_tree(self.root / rel)
        self._events.put((rel, is_dir, appeared))


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        # A folder's "modified" event only echoes a change to a file inside, which has its own event.
        if event.event_type in _NOISE or (event.is_directory and event.event_type == "modified"):
            return
        # An editor's atomic save is a move from a temporary file: the destination is what counts,
        # and a move out of the site (or a rename) also changes the source path.
        self.watcher.record(str(event.src_path), event.is_directory, event.event_type == "created")
        if getattr(event, "dest_path", ""):
            self.watcher.record(str(event.dest_path), event.is_directory, False)
