"""What `serve` keeps in memory between rebuilds, passed into the same pipeline a clean build runs.

Each part is keyed by everything its value is made from, so a warm rebuild produces the very bytes a
clean one does; it only skips reading, decoding and hashing what did not change. A clean build
passes a fresh Memory, which the pipeline fills and then drops.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable, Sequence

from .cache import Entry, text_digest
from .model import Report
from .render import Renderer


@dataclass
class Memory:
    """Warm state for rebuilds: decoded cache entries, reports, their digests, a renderer and feeds."""

    entries: dict[str, Entry] = field(default_factory=dict)  # build-cache key -> decoded entry
    reports: dict[Hashable, Report] = field(default_factory=dict)  # what make_report made from -> its report
    # id(report) -> (report, digest): the report is held so its id cannot be reused by another object.
    digests: dict[int, tuple[Report, str]] = field(default_factory=dict)
    renderer: tuple[str, Renderer] | None = None  # (theme digest, the renderer made for it)
    feeds: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path -> (digest of its inputs, bytes)

    def report(self, key: Hashable, make: Callable[[], Report], seen: dict[Hashable, Report]) -> Report:
        """The report made from `key`, made once; `seen` collects this build's, to replace `reports`."""
        report = self.reports.get(key)
        if report is None:
            report = make()
        seen[key] = report
        return report

    def report_digests(self, reports: Sequence[Report], compute: Callable[[Sequence[Report]], dict[str, str]]
                       ) -> dict[str, str]:
        """slug -> digest of each report, computing only those not seen in the last build."""
        known = {id(r): self.digests[id(r)][1] for r in reports if id(r) in self.digests}
        digests = compute([r for r in reports if id(r) not in known])
        digests.update((r.slug, known[id(r)]) for r in reports if id(r) in known)
        self.digests = {id(r): (r, digests[r.slug]) for r in reports}
        return digests

    def renderer_for(self, theme: str, make: Callable[[], Renderer]) -> Renderer:
        """The renderer of the last build when the theme digest (templates, static files, settings) is the same."""
        if self.renderer is None or self.renderer[0] != theme:
            self.renderer = (theme, make())
        return self.renderer[1]

    def feed(self, path: str, inputs: Sequence[str], make: Callable[[], bytes]) -> bytes:
        """The feed at `path`, made again only when its inputs (settings, title, reports' digests) changed."""
        digest = text_digest(*inputs)
        known = self.feeds.get(path)
        if known is None or known[0] != digest:
            known = self.feeds[path] = (digest, make())
        return known[1]
