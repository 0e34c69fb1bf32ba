"""The persistent store in <site>/.trendsite-cache/: what builds made, keyed by what it was made from.

Two SQLite databases (WAL mode), both safe to delete at any time:

- values.sqlite: values keyed by a digest of everything they are made from, shared by every output
  folder of the site. Today: each report source prepared (front matter, rendered body, terms), keyed
  by its text and the settings that shape it. A value never changes once written, so it may be written
  whenever it is made; one no state refers to is pruned.
- state-<output>.sqlite: the state of one output folder, exactly as the last successful build left it:
  every input file read (with its stamp and digest), every report (its card, digests, link answers),
  every page's fingerprint, every file output/ holds, the Explore-more and search index state, and the
  journal of a write in progress. It changes only in one transaction per build, the commit point of
  the write (see write.py): the state and output/ never disagree once the journal is applied.

Never trusted blindly: each database records the format, trendsite's code, Python's and the libraries'
versions it was made with; another (or a damaged file) is discarded with a one-line notice. Rows are
decoded with their types checked (codec.py); a malformed one is a value the store does not have.

The Store object keeps decoded copies of what it reads and writes (write-through), so `serve`, which
holds one Store open between rebuilds, reads each row once; a fresh process reads what it needs.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from . import codec
from .codec import MALFORMED, IndexTerms, Terms
from .errors import Problem
from .model import Card, FrontMatter, Heading, Thumbnail

CACHE_DIR = ".trendsite-cache"
FORMAT = "trendsite-store-2"
_PACKAGE = Path(__file__).parent
_LIBRARIES = ("jinja2", "markdown", "pymdown-extensions", "pygments", "pyyaml", "markupsafe", "babel", "pillow",
              "vl-convert-python")

_VALUES_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries(key TEXT PRIMARY KEY, head BLOB NOT NULL, html TEXT NOT NULL, text TEXT NOT NULL,
                                   terms BLOB NOT NULL, index_terms BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS made(key TEXT PRIMARY KEY, data BLOB NOT NULL, used REAL NOT NULL);
CREATE INDEX IF NOT EXISTS made_used ON made(used);
"""
_STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs(path TEXT PRIMARY KEY, stamp TEXT NOT NULL, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports(source TEXT PRIMARY KEY, entry TEXT NOT NULL, card BLOB NOT NULL,
                                   card_digest TEXT NOT NULL, page_digest TEXT NOT NULL, terms_digest TEXT NOT NULL,
                                   search_digest TEXT NOT NULL, reads BLOB NOT NULL, links BLOB NOT NULL,
                                   site_links BLOB NOT NULL, html TEXT, notes BLOB NOT NULL, made BLOB NOT NULL,
                                   summary_written INTEGER NOT NULL, key_lines BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pages(url TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, links BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outputs(path TEXT PRIMARY KEY, digest TEXT NOT NULL, identity TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs(name TEXT PRIMARY KEY, digest TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS journal(seq INTEGER PRIMARY KEY, staged TEXT, path TEXT NOT NULL);
"""


def digest(*parts: str | bytes) -> str:
    """A short hash of strings or bytes, each part delimited so ("ab", "c") differs from ("a", "bc")."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def state_file(root: Path, output: Path) -> Path:
    """Where the state of builds of the site at root into output is kept."""
    return root / CACHE_DIR / f"state-{digest(str(output.resolve()))[:16]}.sqlite"


@functools.cache  # the code a process runs does not change under it
def code_version() -> str:
    """trendsite's own code, Python's version and the versions of the libraries that shape the output."""
    parts: list[str | bytes] = [FORMAT, sys.version]
    for path in sorted(_PACKAGE.glob("*.py")):
        parts += [path.name, path.read_bytes()]
    for library in _LIBRARIES:
        try:
            parts.append(f"{library}={importlib.metadata.version(library)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{library}=none")
    return digest(*parts)


class Made:
    """Bytes made from other bytes (a chart from its specification and data, a smaller copy of a picture),
    keyed by a digest of everything they are made from, in values.sqlite. Worker processes open their own
    (Made.open); values not used for PRUNE_DAYS are dropped."""

    PRUNE_DAYS = 30

    def __init__(self, db: sqlite3.Connection):
        self._db = db
        self._used: set[str] = set()

    @classmethod
    def open(cls, path: Path) -> Made:
        """A connection of its own to the values database at `path` (from Made.path)."""
        return cls(_attach(path))

    @property
    def path(self) -> Path | None:
        """The database file, for worker processes; None for a store that is not kept."""
        name = self._db.execute("PRAGMA database_list").fetchone()[2]
        return Path(name) if name else None

    def get(self, key: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM made WHERE key = ?", (key,)).fetchone()
        if row is None or type(row[0]) is not bytes:
            return None
        self._used.add(key)
        return row[0]

    def put(self, key: str, data: bytes) -> None:
        with _transaction(self._db):
            self._db.execute("INSERT OR REPLACE INTO made VALUES (?, ?, julianday('now'))", (key, data))

    def missing(self, keys: Iterable[str]) -> set[str]:
        """The keys, of those given, that have no value stored."""
        wanted = list(set(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):  # SQLite limits the number of parameters of one statement
            chunk = wanted[start:start + 500]
            found.update(k for (k,) in self._db.execute(
                f"SELECT key FROM made WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        return set(wanted) - found

    def make(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The value stored under `key`, made and stored if there is none."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def mark_used(self) -> None:
        """Record that the values read since the last call are still wanted, and drop those long unused
        (found by an index: the table holds every chart and picture, and a scan reads them all)."""
        used, self._used = self._used, set()
        with _transaction(self._db):
            self._db.executemany("UPDATE made SET used = julianday('now') WHERE key = ?", [(k,) for k in used])
            self._db.execute("DELETE FROM made WHERE used < julianday('now') - ?", (self.PRUNE_DAYS,))


class Entries:
    """Read access to the prepared reports of values.sqlite; worker processes open their own (Entries.open).
    Decoded heads are kept, as a build asks for the same ones several times."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db
        self._heads: dict[str, EntryHead] = {}

    @classmethod
    def open(cls, path: Path) -> Entries:
        return cls(_attach(path))

    def heads(self, keys: Iterable[str]) -> dict[str, EntryHead]:
        """The stored EntryHead of each key that has a usable one."""
        found = {key: self._heads[key] for key in keys if key in self._heads}
        wanted = [key for key in keys if key not in found]
        for key, head in _select(self._db, "SELECT key, head FROM entries WHERE key IN ({})", wanted):
            try:
                found[key] = self._heads[key] = _decode_head(head)
            except MALFORMED:
                continue
        return found

    def bodies(self, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """key -> (html, text) of each stored entry."""
        return {key: (html, text) for key, html, text in
                _select(self._db, "SELECT key, html, text FROM entries WHERE key IN ({})", list(keys))
                if type(html) is str and type(text) is str}

    def decoded(self, column: str, keys: Iterable[str], decode: Callable[[Any], Any]) -> dict[str, Any]:
        """key -> the decoded value of `column` of each stored entry."""
        found = {}
        for key, data in _select(self._db, f"SELECT key, {column} FROM entries WHERE key IN ({{}})", list(keys)):
            try:
                found[key] = decode(codec.load(data))
            except MALFORMED:
                continue
        return found

    def remember(self, key: str, head: EntryHead) -> None:
        self._heads[key] = head

    def forget(self, key: str) -> None:
        self._heads.pop(key, None)


def _texts_of(table: str, *columns: str) -> str:
    """A query for the rows of `table` whose `columns` all hold text: SQLite checks the types, quicker than Python."""
    return (f"SELECT {', '.join(columns)} FROM {table} WHERE "
            + " AND ".join(f"typeof({column}) = 'text'" for column in columns))


def _select(db: sqlite3.Connection, query: str, keys: list[str]) -> Iterable[tuple]:
    # SQLite limits the number of parameters of one statement.
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        yield from db.execute(query.format(",".join("?" * len(chunk))), chunk)


@dataclass(frozen=True)
class EntryHead:
    """The small part of a prepared report: what cards, links and checks need, without the body."""

    meta: FrontMatter
    body_line: int
    first_paragraph: str
    word_count: int
    headings: tuple[Heading, ...]
    anchors: frozenset[str]  # the ids a link's #fragment may name
    notes: tuple[tuple, ...]  # codec.encode_notes of the problems (warnings) found while preparing
    terms_digest: str  # of the Entry's terms: Explore more need not look at an edit that leaves them
    search_digest: str  # of the Entry's search terms and text
    reads: tuple[tuple[str, str], ...] = ()  # (path in content/, digest) of each file beside it that it read
    made: tuple[tuple[str, str], ...] = ()  # (output path, Made key) of each file made for it (a chart's SVG)
    thumbnail: Thumbnail | None = None  # its picture for cards (images.py)
    key_lines: tuple[tuple[str, int], ...] = ()  # where each front matter key is written (frontmatter.key_lines)


@dataclass(frozen=True)
class Entry:
    """One report source prepared: what the Markdown stage makes of its text, stored by its key."""

    head: EntryHead
    html: str
    text: str
    terms: Terms  # for Explore more
    index_terms: IndexTerms  # for the search index


@dataclass(frozen=True)
class Record:
    """A report as the state keeps it: its card, where its body is, and what its page was made from."""

    source: str
    entry: str  # the key of its Entry
    card: Card
    card_digest: str  # of everything other pages show of it
    page_digest: str  # of everything its own page shows of it
    terms_digest: str  # of its Explore-more terms (store.EntryHead)
    search_digest: str  # of its search terms and text (store.EntryHead)
    reads: tuple[tuple[str, str], ...]  # the files beside it its entry read (store.EntryHead)
    links: tuple  # the answers its links were resolved with (content.resolve_report)
    site_links: tuple  # its site-absolute links, as content.SiteLink tuples: checked against every build's files
    html: str | None  # its body with links resolved, when that differs from the entry's
    notes: tuple[tuple, ...]  # its warnings (its entry's, then its links'), as codec.encode_notes
    made: tuple[tuple[str, str], ...] = ()  # the files made for it (store.EntryHead)
    # What `check` reads of its front matter as written, beside the card (whose summary may be made):
    summary_written: bool = False
    key_lines: tuple[tuple[str, int], ...] = ()  # (store.EntryHead)

    @property
    def slug(self) -> str:
        return self.card.slug


@dataclass
class Changes:
    """What one build changes in the state, applied in one transaction (Store.commit)."""

    meta: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # path -> (stamp, digest) or None
    records: dict[str, Record | None] = field(default_factory=dict)  # source -> record or None
    # url -> (fingerprint, the links its template put in it) or None
    pages: dict[str, tuple[str, tuple[str, ...]] | None] = field(default_factory=dict)
    outputs: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # path -> (digest, identity) or None
    blobs: dict[str, tuple[str, bytes, Any]] = field(default_factory=dict)  # name -> (digest, data, decoded)
    journal: list[tuple[str | None, str]] = field(default_factory=list)  # (staged name or None to remove, path)


class Store:
    """The values and the state of one output folder; see the module's docstring."""

    def __init__(self, values: sqlite3.Connection, state: sqlite3.Connection, notices: list[str], persistent: bool):
        self._values = values
        self._state = state
        self.made = Made(values)  # values made from other values, by a digest of what they are made from
        self.notices = notices  # one-line notes for the person running the build (a store discarded...)
        self.persistent = persistent  # False when .trendsite-cache/ could not be written: nothing is kept
        self._meta: dict[str, str] | None = None
        self._inputs: dict[str, tuple[str, str]] | None = None
        self._records: dict[str, Record] | None = None
        self._pages: dict[str, str] | None = None
        self._outputs: dict[str, tuple[str, str]] | None = None
        self._blobs: dict[str, tuple[str, Any]] = {}  # name -> (digest, decoded value)
        self.entries = Entries(values)
        self.outputs_verified = False  # write.known_outputs looked at output/ (once per Store)
        self.outputs_intact = False  # ...and found every file the state records, as it records it
        self.added_entries = False  # put_entries was called: prune() has something to look for

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path, output: Path) -> Store:
        """The store of the site at root for this output folder, made or remade as needed."""
        folder = root / CACHE_DIR
        notices: list[str] = []
        try:
            folder.mkdir(exist_ok=True)
            values = _connect(folder / "values.sqlite", _VALUES_SCHEMA, notices)
            state = _connect(state_file(root, output), _STATE_SCHEMA, notices)
            return cls(values, state, notices, persistent=True)
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            notices.append(f"{CACHE_DIR}/ cannot be written ({reason}): every page is built and compared with "
                           "output/, which takes longer; make the folder writable to keep builds fast")
            return cls(_connect(None, _VALUES_SCHEMA, []), _connect(None, _STATE_SCHEMA, []), notices,
                       persistent=False)

    def close(self) -> None:
        self._values.close()
        self._state.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- values ----------------------------------------------------------------------------------

    def heads(self, keys: Iterable[str]) -> dict[str, EntryHead]:
        """The stored EntryHead of each key that has a usable one."""
        return self.entries.heads(keys)

    def bodies(self, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """key -> (html, text) of each stored entry."""
        return self.entries.bodies(keys)

    def terms(self, keys: Iterable[str]) -> dict[str, Terms]:
        """key -> Explore-more terms of each stored entry."""
        return self.entries.decoded("terms", keys, codec.decode_terms)

    def index_terms(self, keys: Iterable[str]) -> dict[str, IndexTerms]:
        """key -> search terms of each stored entry."""
        return self.entries.decoded("index_terms", keys, codec.decode_index_terms)

    def compiled_templates(self) -> Path | None:
        """The folder for this code's compiled templates (render.Renderer), made on first use; None for a
        store that is not kept. Jinja2 compiles a template alike for its source, the environment aside,
        which is trendsite's code: a folder per code version, the others dropped."""
        values = self.values_path
        if values is None:
            return None
        folder = values.parent / f"templates-{code_version()[:16]}"
        if not folder.is_dir():
            for old in values.parent.glob("templates-*"):
                shutil.rmtree(old, ignore_errors=True)
            try:
                folder.mkdir()
            except OSError:
                return None
        return folder

    @property
    def values_path(self) -> Path | None:
        """The values database's file, for worker processes; None for a store that is not kept."""
        return self.made.path

    def put_entries(self, entries: Mapping[str, Entry]) -> None:
        """Store prepared reports by key, in a transaction of their own: a value may be kept before the build ends."""
        if not entries:
            return
        rows = [(key, codec.dump(_encode_head(e.head)), e.html, e.text, codec.dump(e.terms),
                 codec.dump(e.index_terms)) for key, e in entries.items()]
        with _transaction(self._values):
            self._values.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
        for key, entry in entries.items():
            self.entries.remember(key, entry.head)
        self.added_entries = True

    def prune(self) -> None:
        """Drop entries no report of this state uses, once entries were added: the old versions of edited
        reports. Other outputs' states prepare again any they miss. Made values long unused go too."""
        self.made.mark_used()
        if not self.added_entries:
            return
        self.added_entries = False
        used = {r.entry for r in self.records().values()}
        unused = [key for (key,) in self._values.execute("SELECT key FROM entries") if key not in used]
        if unused:
            with _transaction(self._values):
                self._values.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in unused])
        for key in unused:
            self.entries.forget(key)

    # -- state -----------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """Settings the state was made with: the digests of settings and theme, the options, the clock's next change."""
        if self._meta is None:
            self._meta = {n: v for n, v in self._state.execute("SELECT name, value FROM meta")
                          if type(n) is str and type(v) is str}
        return self._meta

    def inputs(self) -> dict[str, tuple[str, str]]:
        """Site path -> (stamp, digest) of every input file the last build read."""
        if self._inputs is None:
            self._inputs = {p: (s, d) for p, s, d in self._state.execute(_texts_of("inputs", "path", "stamp", "digest"))}
        return self._inputs

    def records(self) -> dict[str, Record]:
        """Content path -> Record of every report the last build made."""
        if self._records is None:
            records = {}
            for row in self._state.execute("SELECT * FROM reports"):
                try:
                    records[row[0]] = _decode_record(row)
                except MALFORMED:
                    continue  # a report without a record is built again
            self._records = records
        return self._records

    def pages(self) -> dict[str, str]:
        """URL -> fingerprint of every page the last build wrote."""
        if self._pages is None:
            self._pages = dict(self._state.execute(_texts_of("pages", "url", "fingerprint")))
        return self._pages

    def page_links(self) -> dict[str, tuple[str, ...] | None]:
        """URL -> the links the template of each page the last build wrote put in it (None: not known)."""
        found: dict[str, tuple[str, ...] | None] = {}
        for url, links in self._state.execute("SELECT url, links FROM pages"):
            try:
                found[url] = _links_of(codec.load(links))
            except MALFORMED:
                found[url] = None
        return found

    def outputs(self) -> dict[str, tuple[str, str]]:
        """Output path -> (digest, identity) of every file output/ holds (see write.identity)."""
        if self._outputs is None:
            self._outputs = {p: (d, i) for p, d, i in self._state.execute(_texts_of("outputs", "path", "digest",
                                                                                      "identity"))}
        return self._outputs

    def forget_outputs(self, persist: bool = False) -> None:
        """Take output/ to hold nothing the state knows of: it was emptied or replaced behind the state's
        back, or a write to it could not be finished. With `persist`, the state forgets it too."""
        self._outputs = {}
        if persist:
            with _transaction(self._state):
                self._state.execute("DELETE FROM outputs")

    def blob(self, name: str, decode: Callable[[Any], Any]) -> tuple[str, Any] | None:
        """(digest, decoded value) of a named state blob, or None when there is none or it is malformed."""
        known = self._blobs.get(name)
        if known is not None:
            return known
        row = self._state.execute("SELECT digest, data FROM blobs WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        try:
            known = self._blobs[name] = (row[0], decode(codec.load(row[1])))
        except MALFORMED:
            return None
        return known

    def journal(self) -> list[tuple[str | None, str]]:
        """The moves and removals of a committed write not yet applied to output/, in order."""
        return [(staged, path) for staged, path in
                self._state.execute("SELECT staged, path FROM journal ORDER BY seq")]

    def commit(self, changes: Changes) -> None:
        """Apply `changes` to the state in one transaction: the commit point of a build."""
        with _transaction(self._state):
            execute = self._state.executemany
            execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", changes.meta.items())
            _apply(execute, "inputs", "path", changes.inputs, lambda p, v: (p, *v))
            _apply(execute, "reports", "source", changes.records, lambda s, r: _encode_record(r))
            _apply(execute, "pages", "url", changes.pages, lambda u, page: (u, page[0], codec.dump(page[1])))
            _apply(execute, "outputs", "path", changes.outputs, lambda p, v: (p, *v))
            execute("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)",
                    [(name, d, data) for name, (d, data, _) in changes.blobs.items()])
            execute("INSERT INTO journal(staged, path) VALUES (?, ?)", changes.journal)
        self.meta().update(changes.meta)
        # Tables not read yet are read from the file when asked for: decoding them here could cost more
        # than the whole update.
        pages = {url: page and page[0] for url, page in changes.pages.items()}
        for known, changed in ((self._inputs, changes.inputs), (self._records, changes.records),
                               (self._pages, pages), (self._outputs, changes.outputs)):
            if known is None:
                continue
            for key, value in changed.items():
                if value is None:
                    known.pop(key, None)  # type: ignore[attr-defined]
                else:
                    known[key] = value  # type: ignore[index]
        self._blobs.update((name, (d, decoded)) for name, (d, _, decoded) in changes.blobs.items())

    def clear_journal(self) -> None:
        """The journal was applied: output/ now holds what the state says."""
        with _transaction(self._state):
            self._state.execute("DELETE FROM journal")


def _apply(execute, table: str, key: str, changed: Mapping[str, Any], row: Callable[[str, Any], tuple]) -> None:
    execute(f"DELETE FROM {table} WHERE {key} = ?", [(k,) for k, v in changed.items() if v is None])
    rows = [row(k, v) for k, v in changed.items() if v is not None]
    if rows:
        execute(f"INSERT OR REPLACE INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (the connection is in autocommit mode)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, exc, tb) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _connect(path: Path | None, schema: str, notices: list[str]) -> sqlite3.Connection:
    """A connection to a database made with this code and these versions, remade if it was not."""
    if path is None:
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        db.executescript(schema)
        _stamp(db)
        return db
    for attempt in range(2):
        db = sqlite3.connect(path, isolation_level=None, timeout=60, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # a killed process loses nothing; a power cut may lose the last build
            db.executescript(schema)
            made_by = dict(db.execute("SELECT name, value FROM meta WHERE name IN ('format', 'code')"))
            if not made_by:
                _stamp(db)
                return db
            if made_by == {"format": FORMAT, "code": code_version()}:
                return db
            reason = "was made by another version of trendsite, Python or a library"
        except sqlite3.DatabaseError as exc:
            if attempt:
                raise
            reason = f"is damaged ({exc})"
        db.close()
        notices.append(f"{CACHE_DIR}/{path.name} {reason}: it is rebuilt")
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{path}{suffix}")
            except FileNotFoundError:
                pass
    raise sqlite3.DatabaseError(f"{path} cannot be made")


def _attach(path: Path) -> sqlite3.Connection:
    """A worker's connection to the values database its build opened (and checked) with _connect: never
    remade here, as a worker running newer code (trendsite upgraded during a build) would delete the
    values under the build; it may then miss a value, which fails that build, not the next."""
    db = sqlite3.connect(path, isolation_level=None, timeout=60, check_same_thread=False)
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _stamp(db: sqlite3.Connection) -> None:
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("format", FORMAT), ("code", code_version())])


def _encode_head(head: EntryHead) -> tuple:
    return (codec.encode_meta(head.meta), head.body_line, head.first_paragraph, head.word_count,
            codec.encode_headings(head.headings), tuple(sorted(head.anchors)), head.notes, head.terms_digest,
            head.search_digest, head.reads, head.made, codec.encode_thumbnail(head.thumbnail), head.key_lines)


def _decode_head(data: bytes) -> EntryHead:
    (meta, body_line, first, words, headings, anchors, notes, terms, search, reads, made, thumbnail,
     key_lines) = codec.load(data)
    codec.decode_notes(notes, "")  # checks their shape
    if not (type(body_line) is int and type(words) is int and type(first) is str and type(terms) is str
            and type(search) is str and _is_reads(reads) and _is_reads(made) and _is_key_lines(key_lines)):
        raise TypeError("an entry of the wrong types")
    return EntryHead(meta=codec.decode_meta(meta), body_line=body_line, first_paragraph=first, word_count=words,
                     headings=codec.decode_headings(headings), anchors=frozenset(map(str, anchors)), notes=notes,
                     terms_digest=terms, search_digest=search, reads=reads, made=made,
                     thumbnail=codec.decode_thumbnail(thumbnail), key_lines=key_lines)


def _links_of(links: Any) -> tuple[str, ...]:
    if type(links) is not tuple or not all(type(link) is str for link in links):
        raise TypeError("page links of the wrong types")
    return links


def _is_key_lines(lines: Any) -> bool:
    return type(lines) is tuple and all(type(k) is tuple and len(k) == 2 and type(k[0]) is str and type(k[1]) is int
                                        for k in lines)


def _is_reads(reads: Any) -> bool:
    return type(reads) is tuple and all(type(r) is tuple and len(r) == 2 and all(type(v) is str for v in r)
                                         for r in reads)


def _encode_record(record: Record) -> tuple:
    return (record.source, record.entry, codec.dump(codec.encode_card(record.card)), record.card_digest,
            record.page_digest, record.terms_digest, record.search_digest, codec.dump(record.reads),
            codec.dump(record.links), codec.dump(record.site_links), record.html, codec.dump(record.notes),
            codec.dump(record.made), record.summary_written, codec.dump(record.key_lines))


def _decode_record(row: tuple) -> Record:
    (source, entry, card, card_digest, page_digest, terms_digest, search_digest, reads, links, site_links, html,
     notes, made, summary_written, key_lines) = row
    decoded_notes = codec.load(notes)
    codec.decode_notes(decoded_notes, source)
    record = Record(source=source, entry=entry, card=codec.decode_card(codec.load(card)), card_digest=card_digest,
                    page_digest=page_digest, terms_digest=terms_digest, search_digest=search_digest,
                    reads=codec.load(reads), links=codec.load(links), site_links=codec.load(site_links), html=html,
                    notes=decoded_notes, made=codec.load(made), summary_written=bool(summary_written),
                    key_lines=codec.load(key_lines))
    if not all(type(v) is str for v in (source, entry, card_digest, page_digest, terms_digest, search_digest)) or not (
            html is None or type(html) is str) or type(record.links) is not tuple or not all(
            type(link) is tuple and len(link) == 4 for link in record.site_links) or not _is_reads(record.reads) \
            or not _is_reads(record.made) or type(summary_written) is not int \
            or not _is_key_lines(record.key_lines):
        raise TypeError("a report record of the wrong types")
    return record


def notes_of(path: str, *encoded: tuple) -> list[Problem]:
    """The problems of `path` from encoded notes (an entry's and its record's)."""
    return [p for notes in encoded for p in codec.decode_notes(notes, path)]
