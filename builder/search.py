"""The search index that static/search.js queries: a manifest, term shards and two small files per report.

Layout, all under search/:
- index.json: the number of reports, the stopwords, and every term shard as key -> [content hash, bytes]
  (the script skips completing a short prefix whose shards would cost too many bytes).
  Its name never changes, so the script fetches it revalidated; everything it points to is
  fingerprinted and cacheable forever.
- terms/<hash>.json: term -> postings, for the terms starting with the shard's key. A key is a term's
  first 2 characters; a shard over SHARD_BYTES splits by one more character (terms as long as the key
  stay behind), so a query fetches the shard of the longest key its word starts with.
- docs/<n>.txt: what a result lists, for the DOCS_PER_FILE reports with ids n * DOCS_PER_FILE on, in id
  order: URL, title, date, topics (tab-separated) and summary, a line each, so DOC_LINES lines a report
  (a few hundred bytes); grouped because one file per report made 10,000 tiny files to write at 10,000
  reports. text/<id>.txt: the report's plain text, which snippets come from. The script fetches both
  for the results on screen only, the texts once typing pauses.

Postings are one string per term: for each report holding it, in id order, the id as `width` digits
of ALPHABET (base 64, most significant first) and one character whose value is the code below. Ids
count from the oldest report, so publishing a new report leaves every other id, and so every shard
it doesn't touch, byte for byte the same. Fixed-width ids make building the index a string join per
term; varint gaps between ids would halve a common word's bytes but took twice as long to encode.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from itertools import repeat
from typing import Mapping, Sequence

from .model import Report
from .terms import STOPWORDS, tokenize

# 64 characters that need no escaping in JSON or URLs; search.js holds the same string.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# A posting's code: where the term occurs. Bits 0-3 count body occurrences (capped: the 16th use of
# a word says nothing new); search.js weighs a title hit above any number of body hits.
IN_TITLE = 32
IN_META = 16  # the summary or a topic name
BODY_MAX = 15
# A shard above this many bytes splits by one more character; at 10,000 reports it keeps the
# first query of a common word within a few tens of kilobytes (benchmarks/search_index.py).
SHARD_BYTES = 48_000
MAX_KEY = 8
# Snippets come from the text; a very long report's tail is still indexed but not shown.
TEXT_CHARS = 20_000
INDEX = "search/index.json"
# Result entries a docs/ file holds. A query's results are spread over many files, so every entry
# of a file it opens is downloaded: at 32 a typed query fetched up to 498 KB at 10,000 reports,
# over the 300 KB budget of benchmarks/search_index.py; 4 keeps the file count down 4x.
DOCS_PER_FILE = 4
DOC_LINES = 5

# A report's terms grouped by code: ((code, (term, ...)), ...), codes ascending.
IndexTerms = tuple[tuple[int, tuple[str, ...]], ...]


def report_index_terms(report: Report, text_tokens: Sequence[str] | None = None) -> IndexTerms:
    """The report's distinct terms grouped by their code; pure, so a build cache may keep it.

    `text_tokens`, if given, is tokenize(report.text), shared with the Explore-more terms."""
    body = tokenize(report.text) if text_tokens is None else text_tokens
    codes = {term: min(count, BODY_MAX) for term, count in Counter(body).items()}
    meta = " ".join((report.summary, *(t.name for t in report.topics)))
    for mark, text in ((IN_META, meta), (IN_TITLE, report.title)):
        for term in dict.fromkeys(tokenize(text)):  # not a set: its order would vary from run to run
            codes[term] = codes.get(term, 0) | mark
    groups: dict[int, list[str]] = defaultdict(list)
    for term, code in codes.items():
        groups[code].append(term)
    return tuple((code, tuple(terms)) for code, terms in sorted(groups.items()))


@dataclass
class SearchIndex:
    """The index as built, kept by `serve` so that an edit redoes only what it touches (update_index)."""

    reports: list[Report]  # by id
    terms: list[IndexTerms]  # by id, each report's index terms
    width: int
    groups: dict[str, dict[str, str]]  # 2-character prefix -> {term: postings}
    shard_keys: dict[str, list[str]]  # 2-character prefix -> the shard keys made from its terms
    shards: dict[str, tuple[str, int]]  # shard key -> (content hash, bytes)
    files: dict[str, bytes]  # output path -> bytes, the whole index


def search_files(reports: Sequence[Report], index_terms: Mapping[str, IndexTerms]) -> dict[str, bytes]:
    """Output path -> bytes of the whole search index; index_terms maps each slug to report_index_terms()."""
    return build_index(reports, index_terms).files


def build_index(reports: Sequence[Report], index_terms: Mapping[str, IndexTerms]) -> SearchIndex:
    """The whole index, from scratch."""
    ordered = sorted(reports, key=lambda r: (r.date, r.slug))
    width = max(1, -(-(len(ordered) - 1).bit_length() // 6))
    pieces: dict[str, list[str]] = defaultdict(list)
    for number, report in enumerate(ordered):
        digits = _digits(number, width)
        # A whole group of terms at C speed: a Python loop over every (term, report) is twice as slow.
        for code, terms in index_terms[report.slug]:
            deque(map(list.append, map(pieces.__getitem__, terms), repeat(digits + ALPHABET[code])), maxlen=0)
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for term, parts in pieces.items():
        groups[term[:2]][term] = "".join(parts)
    index = SearchIndex(reports=ordered, terms=[index_terms[r.slug] for r in ordered], width=width,
                        groups=dict(groups), shard_keys={}, shards={}, files={})
    for prefix in groups:
        _make_shards(index, prefix)
    for start in range(0, len(ordered), DOCS_PER_FILE):
        _make_docs(index, start // DOCS_PER_FILE)
    for number, report in enumerate(ordered):
        index.files[f"search/text/{number}.txt"] = report.text[:TEXT_CHARS].encode("utf-8")
    _make_manifest(index)
    return index


def update_index(index: SearchIndex | None, reports: Sequence[Report], index_terms: Mapping[str, IndexTerms]
                 ) -> SearchIndex:
    """`index` brought up to date, in place, with exactly the files build_index would give.

    While the reports and their order stay the same (edits), every id stays the same: only the
    postings of words an edited report gained, lost or uses differently change, so only their
    prefixes' shards are made again, with the edited reports' result entries and texts. Anything
    else (a report added, removed or redated) builds the index afresh.
    """
    ordered = sorted(reports, key=lambda r: (r.date, r.slug))
    if index is None or len(ordered) != len(index.reports) or any(
            a.slug != b.slug for a, b in zip(ordered, index.reports)):
        return build_index(reports, index_terms)
    prefixes: set[str] = set()
    docs: set[int] = set()
    for number, (report, old) in enumerate(zip(ordered, index.reports)):
        terms = index_terms[report.slug]
        if terms is not index.terms[number] and terms != index.terms[number]:
            prefixes |= _repost(index, number, index.terms[number], terms)
        index.terms[number] = terms
        if report is not old:
            index.reports[number] = report
            if _document(report) != _document(old):
                docs.add(number // DOCS_PER_FILE)
            if report.text[:TEXT_CHARS] != old.text[:TEXT_CHARS]:
                index.files[f"search/text/{number}.txt"] = report.text[:TEXT_CHARS].encode("utf-8")
    for prefix in prefixes:
        for key in index.shard_keys.pop(prefix, ()):
            del index.files[f"search/terms/{index.shards.pop(key)[0]}.json"]
        _make_shards(index, prefix)
    for group in docs:
        _make_docs(index, group)
    if prefixes:
        _make_manifest(index)
    return index


def _digits(number: int, width: int) -> str:
    return "".join(ALPHABET[(number >> shift) & 63] for shift in range(6 * (width - 1), -1, -6))


# Maps ALPHABET onto characters in the same order, so fixed-width ids compare as strings.
_ID_ORDER = str.maketrans(ALPHABET, "".join(chr(0x30 + value) for value in range(64)))


def _repost(index: SearchIndex, number: int, old: IndexTerms, new: IndexTerms) -> set[str]:
    """Put report `number`'s new codes into the postings; return the prefixes of the terms that changed."""
    before = {term: code for code, terms in old for term in terms}
    after = {term: code for code, terms in new for term in terms}
    digits, size = _digits(number, index.width), index.width + 1
    ordinal = digits.translate(_ID_ORDER)
    prefixes = set()
    for term in before.keys() | after.keys():
        code = after.get(term)
        if code == before.get(term):
            continue
        group = index.groups.setdefault(term[:2], {})
        posting = group.get(term, "")
        low, high = 0, len(posting) // size  # the first entry whose id is not below `number`
        while low < high:
            middle = (low + high) // 2
            if posting[middle * size:middle * size + index.width].translate(_ID_ORDER) < ordinal:
                low = middle + 1
            else:
                high = middle
        at = low * size
        rest = posting[at + size:] if posting[at:at + index.width] == digits else posting[at:]
        posting = posting[:at] + ("" if code is None else digits + ALPHABET[code]) + rest
        if posting:
            group[term] = posting
        else:
            del group[term]
            if not group:
                del index.groups[term[:2]]
        prefixes.add(term[:2])
    return prefixes


def _make_shards(index: SearchIndex, prefix: str) -> None:
    out: dict[str, dict[str, str]] = {}
    if prefix in index.groups:
        _split(prefix, index.groups[prefix], out)
    if out:
        index.shard_keys[prefix] = list(out)
    for key, entries in out.items():
        data = _json(dict(sorted(entries.items())))
        digest = hashlib.sha256(data).hexdigest()[:10]
        index.shards[key] = (digest, len(data))
        index.files[f"search/terms/{digest}.json"] = data


def _make_docs(index: SearchIndex, group: int) -> None:
    start = group * DOCS_PER_FILE
    entries = (_document(report) for report in index.reports[start:start + DOCS_PER_FILE])
    index.files[f"search/docs/{group}.txt"] = "\n".join(entries).encode("utf-8")


def _make_manifest(index: SearchIndex) -> None:
    index.files[INDEX] = _json({"version": 2, "count": len(index.reports), "width": index.width,
                                "stopwords": sorted(STOPWORDS), "docs_per_file": DOCS_PER_FILE,
                                "shards": dict(sorted(index.shards.items()))})


def _split(key: str, entries: dict[str, str], out: dict[str, dict[str, str]]) -> None:
    size = sum(len(term) + len(posting) + 6 for term, posting in entries.items())  # 6: quotes, colon, comma
    if size <= SHARD_BYTES or len(key) >= MAX_KEY:
        out[key] = entries
        return
    longer: dict[str, dict[str, str]] = defaultdict(dict)
    for term, posting in entries.items():
        if len(term) == len(key):
            out.setdefault(key, {})[term] = posting
        else:
            longer[term[: len(key) + 1]][term] = posting
    for child, child_entries in longer.items():
        _split(child, child_entries, out)


def _document(report: Report) -> str:
    # One field a line (DOC_LINES), topics split by tabs: YAML titles may hold line breaks, so fold all whitespace.
    lines = (report.url, _fold(report.title), f"{report.date.day} {report.date:%B %Y}",
             "\t".join(_fold(t.name) for t in report.topics), _fold(report.summary))
    return "\n".join(lines)


def _fold(text: str) -> str:
    return " ".join(text.split())


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
