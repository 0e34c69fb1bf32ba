"""What `serve` keeps in memory between rebuilds, passed into the same pipeline a clean build runs.

Each part is keyed by everything its value is made from, so a warm rebuild produces the very bytes a
clean one does; it only skips reading, decoding and hashing what did not change. A clean build
passes a fresh Memory, which the pipeline fills and then drops.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable, Iterable, Mapping, Sequence, TypeVar

from .cache import Entry, OutputState, OutputStateFile, text_digest
from .load import ContentTree, Stamp, load_content, reload_content, stamp_of
from .model import Page, RelatedCard, Report, Source
from .prepare import Prepared
from .related import Terms
from .related_update import RelatedState, rank_related
from .render import Renderer
from .search import IndexTerms, SearchIndex, update_index
from .write import MANIFEST, ManifestText, on_disk, read_manifest

T = TypeVar("T")


@dataclass
class Memory:
    """Warm state for rebuilds: decoded cache entries, reports, their digests, a renderer, feeds and the like."""

    # False for a one-off build, which keeps no more than the build itself needs: not the sources'
    # text, nor the Explore-more and search indexes that updates need (150 MB at 10,000 reports).
    warm: bool = True
    # Every change to content/ since the last build is named to forget(), as `serve`'s watcher does,
    # so a rebuild reads just those files (see content).
    watched: bool = False
    sources: dict[str, tuple[Stamp, Source]] = field(default_factory=dict)  # see load_content
    tree: ContentTree | None = None  # what content/ held at the last build
    touched: set[str] = field(default_factory=set)  # paths in content/ named to forget() since
    entries: dict[str, Entry] = field(default_factory=dict)  # build-cache key -> decoded entry
    prepared: dict[int, tuple[Source, str, Prepared]] = field(default_factory=dict)  # see prepare_reports
    reports: dict[Hashable, Report] = field(default_factory=dict)  # what make_report made from -> its report
    links: dict[int, tuple] = field(default_factory=dict)  # resolve_links' memo
    # id(report) -> (report, digest): the report is held so its id cannot be reused by another object.
    digests: dict[int, tuple[Report, str]] = field(default_factory=dict)
    renderer: tuple[str, Renderer] | None = None  # (theme digest, the renderer made for it)
    made: dict[str, tuple[str, object]] = field(default_factory=dict)  # name -> (digest of its inputs, value)
    related: dict[str, tuple[RelatedCard, ...]] = field(default_factory=dict)  # slug -> its Explore-more cards
    ranking: RelatedState | None = None  # what those cards were ranked from, to update them after an edit
    pages: dict[tuple, object] = field(default_factory=dict)  # see plan_pages
    fingerprints: dict[int, tuple[Page, str, str]] = field(default_factory=dict)  # see page_fingerprints
    described: dict[int, tuple[object, str, bool]] = field(default_factory=dict)  # see page_fingerprints
    # output -> (stamp of its manifest file, the manifest, whether this process wrote it: see present)
    manifests: dict[Path, tuple[Stamp, dict[str, str], bool]] = field(default_factory=dict)
    written: tuple[Path, dict[str, bytes]] | None = None  # see unchanged_files
    state: tuple[Path, Stamp | None, OutputState] | None = None  # see output_state
    manifest_texts: dict[Path, ManifestText] = field(default_factory=dict)  # see manifest_text
    search: SearchIndex | None = None  # the last build's search index, to update after an edit

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
        last = self.digests
        digests = compute([r for r in reports if id(r) not in last])
        for report in reports:
            if report.slug not in digests:
                digests[report.slug] = last[id(report)][1]
        self.digests = {id(r): (r, digests[r.slug]) for r in reports}
        return digests

    def renderer_for(self, theme: str, make: Callable[[], Renderer]) -> Renderer:
        """The renderer of the last build when the theme digest (templates, static files, settings) is the same."""
        if self.renderer is None or self.renderer[0] != theme:
            self.renderer = (theme, make())
        return self.renderer[1]

    def value(self, name: str, inputs: Sequence[str], make: Callable[[], T]) -> T:
        """What make() returns, made again only when `inputs` (all it is made from) changed since last time."""
        digest = text_digest(*inputs)
        known = self.made.get(name)
        if known is None or known[0] != digest:
            known = self.made[name] = (digest, make())
        return known[1]  # type: ignore[return-value]

    def forget(self, paths: Iterable[str]) -> None:
        """Read these site paths in content/ (files or folders) again next time, whatever their stamps say."""
        self.touched.update(p[len("content/"):] for p in paths if p.startswith("content/"))

    def content(self, root: Path, max_file_bytes: int) -> ContentTree:
        """load_content(root, max_file_bytes), reading only changed files: those whose stamps changed,
        or when `watched`, just the ones named to forget() where reload_content can."""
        if not self.warm:
            return load_content(root, max_file_bytes)
        touched, self.touched = self.touched, set()
        tree = None
        if self.watched and self.tree is not None and self.tree.max_file_bytes == max_file_bytes:
            tree = reload_content(root, self.tree, touched, self.sources)
        if tree is None:
            folders = tuple(f"{rel}/" for rel in touched)
            for rel in [rel for rel in self.sources if rel in touched or rel.startswith(folders)]:
                del self.sources[rel]
            tree = load_content(root, max_file_bytes, self.sources)
        self.tree = tree
        return tree

    def manifest(self, output: Path) -> dict[str, str]:
        """read_manifest(output), read again only when the file's stamp changed; do not modify it."""
        stamp = _manifest_stamp(output)
        if stamp is None:
            return read_manifest(output)
        known = self.manifests.get(output)
        if known is None or known[0] != stamp:
            known = self.manifests[output] = (stamp, read_manifest(output), False)
        return known[1]

    def unchanged_files(self, output: Path, stored: Mapping[str, bytes]) -> set[str]:
        """Paths of `stored` files that hold the very bytes object this process wrote there last time
        (search index files, feeds and static files mostly come back so): while output/ is as it
        left it, such a file is known to be unchanged, as a kept page is, and need not be looked at."""
        if self.written is None or self.written[0] != output or not self._wrote_last(output):
            return set()
        written, manifest = self.written[1], self.manifests[output][1]
        return {path for path, data in stored.items() if written.get(path) is data and path in manifest}

    def present(self, output: Path) -> Callable[[str], bool]:
        """Whether a file of output/ is the one its manifest entry describes. Every file of the manifest
        this process wrote last (and nobody rewrote since, by its stamp) was there when written or checked, and is taken
        to be still; other files are looked for. So a `serve` rebuild skips a stat a file (27,000
        at 10,000 reports); a file deleted by hand from output/ while serving comes back when its
        page changes or `serve` restarts."""
        looked_for = on_disk(output, self.manifest(output))
        if not self._wrote_last(output):
            return looked_for
        written = self.manifests[output][1]
        return lambda rel: rel in written or looked_for(rel)

    def _wrote_last(self, output: Path) -> bool:
        """Whether output/'s manifest is the one this process wrote last, untouched since by its stamp."""
        known = self.manifests.get(output)
        return known is not None and known[2] and known[0] == _manifest_stamp(output)

    def related_cards(self, reports: Sequence[Report], terms: Mapping[str, Terms], count: int
                      ) -> dict[str, tuple[RelatedCard, ...]]:
        """related_reports(reports, terms, count), updated from the last build's ranking where only terms changed."""
        last, self.ranking = self.ranking, None  # updated in place: none is kept that could be half-updated
        ranking = rank_related(reports, terms, count, last)
        if self.warm:
            self.ranking = ranking
        return ranking.related

    def search_index(self, reports: Sequence[Report], index_terms: Mapping[str, IndexTerms]) -> SearchIndex:
        """build_index(reports, index_terms), updated from the last build's index where that is the same."""
        last, self.search = self.search, None  # updated in place: none is kept that could be half-updated
        index = update_index(last, reports, index_terms)
        if self.warm:
            self.search = index
        return index

    def manifest_text(self, output: Path) -> ManifestText | None:
        """What encodes output/'s manifest build after build (see ManifestText); None for a one-off build."""
        return self.manifest_texts.setdefault(output, ManifestText()) if self.warm else None

    def output_state(self, state_file: OutputStateFile) -> OutputState:
        """state_file.load(), unless it still holds the state this Memory saw saved (by its stamp)."""
        if self.state is not None and self.state[0] == state_file.path and self.state[1] == _stamp(state_file.path):
            return self.state[2]
        return state_file.load()

    def save_output_state(self, state_file: OutputStateFile, state: OutputState) -> None:
        """state_file.save(state), remembered for output_state."""
        state_file.save(state)
        stamp = _stamp(state_file.path)
        self.state = (state_file.path, stamp, state) if self.warm and stamp is not None else None

    def remember_manifest(self, output: Path, manifest: Mapping[str, str], stored: Mapping[str, bytes]) -> None:
        """Take the manifest a build just wrote as read, so the next build need not read it back, and
        the `stored` files it wrote (see unchanged_files)."""
        stamp = _manifest_stamp(output)
        if stamp is not None:
            self.manifests[output] = (stamp, dict(manifest), True)
        self.written = (output, dict(stored)) if self.warm and stamp is not None else None

    def same_related(self, related: dict[str, tuple[RelatedCard, ...]]) -> dict[str, tuple[RelatedCard, ...]]:
        """`related`, with the last build's very tuple of cards wherever they are equal, so the pages
        that show them are known to be unchanged (see page_fingerprints)."""
        for slug, cards in related.items():
            old = self.related.get(slug)
            if old is not None and old is not cards and len(old) == len(cards) and all(
                    a.report is b.report and a == b for a, b in zip(old, cards)):
                related[slug] = old
        self.related = related
        return related


def _manifest_stamp(output: Path) -> Stamp | None:
    """The stamp of output/'s manifest file, None when there is none."""
    return _stamp(output / MANIFEST)


def _stamp(path: Path) -> Stamp | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stamp_of(stat)
