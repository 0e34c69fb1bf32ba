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


def search_files(reports: Sequence[Report], index_terms: Mapping[str, IndexTerms]) -> dict[str, bytes]:
    """Output path -> bytes of the whole search index; index_terms maps each slug to report_index_terms()."""
    ordered = sorted(reports, key=lambda r: (r.date, r.slug))
    width = max(1, -(-(len(ordered) - 1).bit_length() // 6))
    pieces: dict[str, list[str]] = defaultdict(list)
    for number, report in enumerate(ordered):
        digits = "".join(ALPHABET[(number >> shift) & 63] for shift in range(6 * (width - 1), -1, -6))
        # A whole group of terms at C speed: a Python loop over every (term, report) is twice as slow.
        for code, terms in index_terms[report.slug]:
            deque(map(list.append, map(pieces.__getitem__, terms), repeat(digits + ALPHABET[code])), maxlen=0)
    postings = {term: "".join(parts) for term, parts in pieces.items()}
    files: dict[str, bytes] = {}
    shards = {}
    for key, entries in _shards(postings).items():
        data = _json(dict(sorted(entries.items())))
        digest = hashlib.sha256(data).hexdigest()[:10]
        shards[key] = (digest, len(data))
        files[f"search/terms/{digest}.json"] = data
    for start in range(0, len(ordered), DOCS_PER_FILE):
        entries = (_document(report) for report in ordered[start:start + DOCS_PER_FILE])
        files[f"search/docs/{start // DOCS_PER_FILE}.txt"] = "\n".join(entries).encode("utf-8")
    for number, report in enumerate(ordered):
        files[f"search/text/{number}.txt"] = report.text[:TEXT_CHARS].encode("utf-8")
    files[INDEX] = _json({"version": 2, "count": len(ordered), "width": width, "stopwords": sorted(STOPWORDS),
                          "docs_per_file": DOCS_PER_FILE, "shards": dict(sorted(shards.items()))})
    return files


def _shards(postings: dict[str, str]) -> dict[str, dict[str, str]]:
    """Shard key -> {term: postings}; keys are 2-character prefixes, longer where a shard grew too big."""
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for term, posting in postings.items():
        groups[term[:2]][term] = posting
    out: dict[str, dict[str, str]] = {}
    for key, entries in groups.items():
        _split(key, entries, out)
    return out


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
