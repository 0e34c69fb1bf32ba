"""`trendsite serve`: build, serve, and on every burst of saves rebuild with the same pipeline and tell pages."""
from __future__ import annotations

import gc
import re
import sys
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Sequence, TextIO

from .build import BuildOptions, Site, build
from .check import editor_warnings
from .config import load_config
from .errors import BuildError, Problem, unexpected
from .lock import output_lock
from .store import Store
from .progress import count_of
from .serve import DevServer, Hub
from .urls import output_path
from .watch import CONFIG, STATIC, STYLE, TEMPLATE, ChangeSet, Watcher
from .write import check_output_folder

_STYLESHEET = re.compile(r"^static/(.+)\.[0-9a-f]{10}\.css$")
_SHOWN = 4  # paths named in a log line before "and N more"
# The change of no file: the time of a scheduled report came, so it joins the site.
DUE = ChangeSet(paths=(), kinds=frozenset({"due"}))


@dataclass(frozen=True)
class Outcome:
    """One rebuild: the new site (None if it failed), what it wrote, and the log lines about it."""

    site: Site | None
    problems: tuple[Problem, ...]
    written: tuple[str, ...]  # output paths whose bytes changed, new ones included
    removed: tuple[str, ...]
    seconds: float
    changes: ChangeSet | None = None  # what the watcher reported, None for the first build
    before: Site | None = None  # the last good site before this rebuild
    unchanged: int = 0  # output files left as they were

    @property
    def log(self) -> tuple[str, ...]:
        """The log lines; made when asked, after pages were told, as explaining is a pass over every page."""
        if self.site is None:
            return (f"{count_of(len(self.problems), 'problem')}; still serving the last good site:",
                    *(f"  {p}" for p in self.problems))
        lines = explain(self.changes, self.before, self.site, self.written, self.removed)
        lines.append(f"  {len(self.written)} written, {len(self.removed)} removed, {self.unchanged} unchanged "
                     f"in {self.seconds * 1000:.0f} ms")
        return tuple(lines)

    @property
    def tracebacks(self) -> tuple[str, ...]:
        """The Python tracebacks of the failures nobody foresaw, which --debug prints."""
        return tuple(p.detail.rstrip("\n") for p in self.problems if p.detail)


class Preview:
    """The state `serve` keeps between rebuilds: the last good site and what output/ holds."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.site: Site | None = None
        # The store stays open between rebuilds, so each reads from it only what changed.
        self.store = Store.open(options.root, options.output)
        self.next_change: datetime | None = None  # when a scheduled report of the last good site comes due

    def due(self) -> bool:
        """Whether a scheduled report has come due since the last rebuild, which changes the site without a save."""
        now = self.options.now or datetime.now(timezone.utc)
        return self.next_change is not None and now >= self.next_change

    def warnings(self) -> tuple[Problem, ...]:
        """What `trendsite check` warns of in the site the last good build made: the build's warnings and
        the editor's (missing summaries, topic typos...), sorted as check sorts them."""
        if self.site is None:
            return ()
        try:
            found = set(self.site.warnings) | set(editor_warnings(self.options))
        except Exception as exc:  # a warning must never cost the preview
            found = {replace(unexpected(str(self.options.root), exc, doing="could not be checked"), severity="warning")}
        return tuple(sorted(found, key=lambda p: (p.path, p.line or 0, p.message)))

    def rebuild(self, changes: ChangeSet | None) -> Outcome:
        """Run the build pipeline once; on failure output/ keeps the last good site."""
        started = time.perf_counter()
        self.next_change = None  # a failed build has no schedule; the fix will
        try:
            result = build(self.options, self.store, stand=False)  # every report listed, to tell what moved
        except BuildError as error:
            return Outcome(None, tuple(error.problems), (), (), time.perf_counter() - started, changes)
        except Exception as exc:  # serve outlives any failure, shown like a build error
            # What the store kept in memory is read again after a failure nobody foresaw.
            self.store.close()
            self.store = Store.open(self.options.root, self.options.output)
            where = _sample(changes.paths) if changes else str(self.options.root)
            problem = unexpected(where, exc, doing="could not be rebuilt")
            return Outcome(None, (problem,), (), (), time.perf_counter() - started, changes)
        seconds = time.perf_counter() - started
        summary = result.summary
        outcome = Outcome(result.site, (), summary.changed, summary.stale, seconds, changes, self.site,
                          summary.unchanged)
        self.site = result.site
        self.next_change = result.site.next_change
        return outcome


def tidy() -> None:
    """Collect the cyclic garbage of the last rebuild, then set the survivors aside (gc.freeze): the
    collector's later runs, while pages are served, walk only what is new since."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def notify(hub: Hub, outcome: Outcome, changes: ChangeSet | None) -> None:
    """Tell open pages about a rebuild: an overlay for problems, else a style swap or a reload."""
    if outcome.site is None:
        hub.problem([p.as_dict() for p in outcome.problems])
        return
    hub.fixed()
    styles = {f"{m.group(1)}.css": path for path in outcome.written if (m := _STYLESHEET.match(path))}
    if changes is not None and changes.styles_only and styles:
        hub.swap_styles(styles)
    elif outcome.written or outcome.removed:
        hub.reload([*outcome.written, *outcome.removed], moves(outcome.before, outcome.site))


def moves(before: Site | None, after: Site) -> dict[str, str]:
    """Output path of each report page gone -> the URL of its report now: renamed files and changed slugs,
    told by the same source file or else the same title, so that a tab open on one follows it."""
    if before is None:
        return {}
    old_urls, new_urls = {r.url for r in before.reports}, {r.url for r in after.reports}
    arrived = [r for r in after.reports if r.url not in old_urls]
    by_source, by_title = {r.source: r for r in arrived}, {r.title: r for r in arrived}
    return {output_path(r.url): found.url for r in before.reports if r.url not in new_urls
            and (found := by_source.get(r.source) or by_title.get(r.title)) is not None}


def explain(changes: ChangeSet | None, before: Site | None, after: Site, written: Sequence[str],
            removed: Sequence[str]) -> list[str]:
    """Log lines: what changed, and for each changed report which pages were re-rendered because of it."""
    if changes is None:
        return [f"built {count_of(len(after.reports), 'report')}"]
    lines = [f"changed: {_sample(changes.paths)}" if changes.paths else "a scheduled report is due"]
    pages = {output_path(p.url): p for p in after.pages}
    rendered = [pages[path] for path in written if path in pages]
    explained: set[str] = set()
    for slug, what in _changed_reports(changes, before, after):
        own = f"reports/{slug}/"
        reasons = [what]
        cards = [p for p in rendered if p.url != own and slug in dict(p.cards).get("related", ())]
        neighbours = [p for p in rendered if p.kind == "report" and p.url != own
                      and slug in p.shows() and p not in cards]
        listings = [p for p in rendered if p.kind != "report" and slug in p.shows()]
        if cards:
            reasons.append(f"Explore more of {len(cards)} report(s) shows its title")
        if neighbours:
            reasons.append(f"the newer/older links of {len(neighbours)} report(s) show it")
        if listings:
            reasons.append(f"{len(listings)} listing(s) show it: {_sample([p.url or '/' for p in listings])}")
        explained |= {own, *(p.url for p in cards + neighbours + listings)}
        lines.append(f"  {own}: " + "; ".join(reasons))
    rest = [p.url or "/" for p in rendered if p.url not in explained]
    if rest:
        why = " (theme or settings changed)" if changes.kinds & {TEMPLATE, CONFIG, STYLE, STATIC} else ""
        lines.append(f"  {len(rest)} more page(s) re-rendered{why}: {_sample(rest)}")
    other = [path for path in written if path not in pages]
    if other:
        lines.append(f"  also written: {_sample(other)}")
    if removed:
        lines.append(f"  removed: {_sample(removed)}")
    return lines


def _changed_reports(changes: ChangeSet, before: Site | None, after: Site) -> list[tuple[str, str]]:
    """(slug, what happened) for each report the change set touched, sorted by slug."""
    new = {r.slug: r for r in after.reports}
    # After a failed first build there is nothing to compare with: name only what was touched.
    old = {r.slug: r for r in before.reports} if before else new
    touched = [p[len("content/"):] for p in changes.paths if p.startswith("content/")]

    def is_touched(source: str) -> bool:
        # A folder moved in or out touches every report inside it.
        return any(source == t or source.startswith(t + "/") for t in touched)

    found = {slug: "new page" for slug in new.keys() - old.keys()}
    found |= {slug: "page removed" for slug in old.keys() - new.keys()}
    found |= {slug: "its own page" for slug, r in new.items() if slug in old and is_touched(r.source)}
    return sorted(found.items())


def _sample(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def serve(options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, out: TextIO = sys.stdout,
          debug: bool = False) -> int:
    """Build, serve output/ and rebuild on every change until Ctrl-C; returns the exit code. `debug` prints
    the tracebacks of failures nobody foresaw."""
    check_output_folder(options.output, options.root)  # before a lock is made beside it
    with output_lock(options.output, "serve", lambda message: _print(out, [message])):  # no build meanwhile
        return _serve(options, host, port, out, debug)


def _serve(options: BuildOptions, host: str, port: int, out: TextIO, debug: bool) -> int:
    preview = Preview(options)
    hub = Hub()
    # Watching starts before the first build reads content/, so every change after that read is
    # reported.
    watcher = Watcher(options.root)
    watcher.start()
    first = preview.rebuild(None)
    notify(hub, first, None)
    _log(out, first, debug)
    warned = _warn(out, hub, preview, ())
    base_path = first.site.config.base_path if first.site else _base_path(options)
    try:
        server = DevServer(options.output, base_path, hub, host, port)
    except OSError as exc:
        watcher.stop()
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        print("choose another port with --port", file=sys.stderr)
        return 1
    thread = threading.Thread(target=server.serve_forever, name="trendsite-http", daemon=True)
    untidy, unlogged = True, None  # unlogged: the last rebuild, whose log waits for the pages to reload
    try:
        thread.start()
        _print(out, [f"serving {options.output} at {server.url} (Ctrl-C to stop)"])
        if server.reachable_from_other_computers:
            print(f"warning: listening on {server.server_address[0]}, so other computers on the network can read "
                  "this preview (drafts too, with --drafts); leave out --host to keep it on this computer",
                  file=sys.stderr)
        while True:
            # A timeout keeps Ctrl-C responsive on every platform.
            changes = watcher.next_changes(timeout=0.5 if unlogged is None else 0.1)
            if changes is None and preview.due():
                changes = DUE
            if changes is None:
                if unlogged is not None:  # after the pages' reload requests, which need the interpreter
                    _log(out, unlogged, debug)
                    warned = _warn(out, hub, preview, warned) if unlogged.site is not None else warned
                    unlogged = None
                    gc.enable()
                elif untidy:  # a quiet moment to collect garbage
                    tidy()
                    untidy = False
                continue
            if unlogged is not None:
                _log(out, unlogged, debug)
            # No automatic cyclic collection from here until the pages have reloaded: at 10,000
            # reports its full runs, which walk every object of the site, were half of a rebuild's
            # time, and its first run after one walks everything the rebuild made. tidy() collects
            # once idle. (The first build, before this loop, collects as usual: Markdown parsing
            # alone makes plenty of garbage.)
            gc.disable()
            outcome = preview.rebuild(changes)
            untidy, unlogged = True, outcome
            if outcome.site is not None:
                server.base_path = outcome.site.config.base_path
            notify(hub, outcome, changes)
    except KeyboardInterrupt:
        if unlogged is not None:
            _log(out, unlogged, debug)
        _print(out, ["stopped"])
        return 0
    finally:
        gc.enable()
        watcher.stop()
        hub.close()
        server.shutdown()
        server.server_close()


def _base_path(options: BuildOptions) -> str:
    try:
        return load_config(options.root).base_path
    except BuildError:
        return "/"


def _warn(out: TextIO, hub: Hub, preview: Preview, shown: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Print the warnings not printed before and tell the pages, if the warnings changed; returns them."""
    found = preview.warnings()
    if found != shown:
        before = set(shown)
        new = [f"warning: {w}" for w in found if w not in before]
        _print(out, [*new, f"{count_of(len(found), 'warning')} in all" if found else "no warnings left"])
        hub.warnings([w.as_dict() for w in found])
    return found


def _log(out: TextIO, outcome: Outcome, debug: bool) -> None:
    _print(out, [*outcome.log, *(outcome.tracebacks if debug else ())])


def _print(out: TextIO, lines: Sequence[str]) -> None:
    stamp = time.strftime("%H:%M:%S")
    for line in lines:
        print(f"{stamp} {line}" if not line.startswith(" ") else f"{' ' * len(stamp)} {line}", file=out)
    out.flush()
