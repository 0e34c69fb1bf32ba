"""The search index that static/search.js queries: a manifest, term shards and two small files per report.

Layout, all under search/:
- index.json: the number of reports, the stopwords, the script's words in the site's language (so that pages
  need not carry them), and every term shard as key -> [content hash, bytes]
  (the script skips completing a short prefix whose shards would cost too many bytes).
  Its name never changes, so the script fetches it revalidated; everything it points to is
  fingerprinted and cacheable forever.
- terms/<hash>.json: {"terms": term -> postings, for the terms starting with the shard's key; "docs":
  id -> result entry (as in docs/ below), for the FIRST_BATCH reports each of those terms alone ranks
  first}. A key is a term's first 2 characters; a shard over SHARD_BYTES (postings and entries) splits
  by one more character (terms as long as the key stay behind), so a query fetches the shard of the
  longest key its word starts with. A term of a script without spaces, a pair of characters, is keyed
  by its first: two would make a shard of every pair. The entries let the first batch of a one-word query paint from the
  shards alone: a report that search.js ranks among the first n for a word, or a prefix, is among the
  first n of one of the terms it matches (its score is its best term's). Without them a pasted query
  waited for two dependent round trips, the shard and then the entries' files (benchmarks/search_index.py:
  median 86-126 ms at 10,000 reports); several words, "more results", or an entry missing go to docs/.
- docs/<n>.txt: what a result lists, for the DOCS_PER_FILE reports with ids n * DOCS_PER_FILE on, in id
  order: URL, title, date (in the site's language), topics (tab-separated) and summary, a line each, so
  DOC_LINES lines a report (a few hundred bytes); grouped because one file per report made 10,000 tiny
  files to write at 10,000 reports. text/<id>.txt: the report's plain text, which snippets come from. The script fetches both
  for the results on screen whose entries no shard brought, the texts once typing pauses.

Postings are one string per term: for each report holding it, in id order, the id as `width` digits
of ALPHABET (base 64, most significant first) and one character whose value is the code below. Ids
count from the oldest report, so publishing a new report leaves every other id, and so every shard
it doesn't touch, byte for byte the same. Fixed-width ids make building the index a string join per
term; varint gaps between ids would halve a common word's bytes but took twice as long to encode.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from itertools import repeat
from typing import Callable, Mapping, Sequence

from .languages import Language
from .model import Card
from .terms import SPACELESS_CHAR, STOPWORDS, tokenize

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
# The longest first batch of results (templates/search.html data-limit): a term's best this many
# reports have their entries in the term's shard, if those take at most CARRY times its posting's bytes
# (at 10,000 reports, a word in 2% of them or more). Unbounded, the entries made 1.7x the shards (so
# 1.7x the manifest's list of them) of a 5,000-report site with a 5,000-word vocabulary; 2 makes 1.5x;
# 1 made 1.3x but left "vorsel" of benchmarks/search_index.py (in 3% of reports) behind.
FIRST_BATCH = 6
CARRY = 2

# A report's terms grouped by code: ((code, (term, ...)), ...), codes ascending.
IndexTerms = tuple[tuple[int, tuple[str, ...]], ...]


def report_index_terms(card: Card, text: str, text_tokens: Sequence[str] | None = None,
                       stopwords: frozenset[str] = STOPWORDS) -> IndexTerms:
    """The report's distinct terms grouped by their code; pure, so the store may keep it.

    `text_tokens`, if given, is tokenize(text, stopwords), shared with the Explore-more terms."""
    report = card
    body = tokenize(text, stopwords) if text_tokens is None else text_tokens
    codes = {term: min(count, BODY_MAX) for term, count in Counter(body).items()}
    meta = " ".join((report.summary, *(t.name for t in report.topics)))
    for mark, text in ((IN_META, meta), (IN_TITLE, report.title)):
        for term in dict.fromkeys(tokenize(text, stopwords)):  # not a set: its order would vary from run to run
            codes[term] = codes.get(term, 0) | mark
    groups: dict[int, list[str]] = defaultdict(list)
    for term, code in codes.items():
        groups[code].append(term)
    return tuple((code, tuple(terms)) for code, terms in sorted(groups.items()))


@dataclass
class SearchIndex:
    """The index as built, kept in the store so that an edit redoes only what it touches (update_index)."""

    slugs: list[str]  # by id
    documents: list[str]  # by id, each report's result entry
    shortest: int  # no entry is shorter (a bound only: edits may lengthen the shortest)
    terms: list[IndexTerms]  # by id, each report's index terms
    made: list[str]  # by id, a digest of what each report's part of the index is made from
    width: int
    groups: dict[str, dict[str, str]]  # group (_prefix) -> {term: postings}
    shard_keys: dict[str, list[str]]  # group (_prefix) -> the shard keys made from its terms
    shards: dict[str, tuple[str, int]]  # shard key -> (content hash, bytes)
    inlined: dict[str, set[int]]  # group (_prefix) -> the ids whose entries its shards carry
    language: str  # _language_key of the language its dates, stopwords and words are in
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes: what the last call made

    def paths(self) -> set[str]:
        """Every output path of the whole index."""
        return ({INDEX} | {f"search/terms/{digest}.json" for digest, _ in self.shards.values()}
                | {f"search/docs/{n}.txt" for n in range(-(-len(self.slugs) // DOCS_PER_FILE))}
                | {f"search/text/{n}.txt" for n in range(len(self.slugs))})

    def plain(self) -> tuple:
        """The index as plain data for the store (decode with from_plain)."""
        return (self.slugs, self.documents, self.shortest, self.terms, self.made, self.width, self.groups,
                self.shard_keys, self.shards, {k: sorted(v) for k, v in self.inlined.items()}, self.language)

    @classmethod
    def from_plain(cls, plain) -> SearchIndex:
        slugs, documents, shortest, terms, made, width, groups, shard_keys, shards, inlined, language = plain
        if not (type(slugs) is list and len(slugs) == len(documents) == len(terms) == len(made)
                and type(width) is int and type(groups) is dict and type(shards) is dict and type(language) is str):
            raise ValueError("a search index of the wrong shape")
        return cls(slugs=slugs, documents=documents, shortest=shortest, terms=terms, made=made, width=width,
                   groups=groups, shard_keys=shard_keys, shards={k: tuple(v) for k, v in shards.items()},
                   inlined={k: set(v) for k, v in inlined.items()}, language=language)


def build_index(cards: Sequence[Card], made: Mapping[str, str], index_terms: Mapping[str, IndexTerms],
                texts: Mapping[str, str], language: Language) -> SearchIndex:
    """The whole index, from scratch; made, index_terms and texts map each slug to its report's: a digest of
    what its part of the index is made from, its search terms and its plain text."""
    ordered = sorted(cards, key=lambda r: (r.date, r.slug))
    width = max(1, -(-(len(ordered) - 1).bit_length() // 6))
    pieces: dict[str, list[str]] = defaultdict(list)
    for number, report in enumerate(ordered):
        digits = _digits(number, width)
        # A whole group of terms at C speed: a Python loop over every (term, report) is twice as slow.
        for code, terms in index_terms[report.slug]:
            deque(map(list.append, map(pieces.__getitem__, terms), repeat(digits + ALPHABET[code])), maxlen=0)
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for term, parts in pieces.items():
        groups[_prefix(term)][term] = "".join(parts)
    documents = [_document(r, language) for r in ordered]
    snippets = [texts[r.slug][:TEXT_CHARS] for r in ordered]
    index = SearchIndex(slugs=[r.slug for r in ordered], documents=documents,
                        shortest=min(map(len, documents), default=0), terms=[index_terms[r.slug] for r in ordered],
                        made=[made[r.slug] for r in ordered], width=width, groups=dict(groups), shard_keys={},
                        shards={}, inlined={}, language=_language_key(language))
    for prefix in groups:
        _make_shards(index, prefix)
    for start in range(0, len(ordered), DOCS_PER_FILE):
        _make_docs(index, start // DOCS_PER_FILE)
    for number, snippet in enumerate(snippets):
        index.files[f"search/text/{number}.txt"] = snippet.encode("utf-8")
    _make_manifest(index, language)
    return index


def update_index(index: SearchIndex, cards: Sequence[Card], made: Mapping[str, str],
                 changed: Callable[[Sequence[str]], Mapping[str, tuple[IndexTerms, str]]], language: Language) -> bool:
    """Bring `index` up to date in place, leaving in index.files exactly the files that changed, when the
    reports, their order and the language are the same as when it was made; else return False, leaving it as
    it was.

    `made` maps every slug to the digest of what its part is made from; `changed(slugs)` gives the
    (index terms, text) of the reports whose digest changed. While the order stays the same every id does: only the postings of words an edited report gained,
    lost or uses differently change, so only their prefixes' shards are made again, and those carrying
    an edited report's result entry, with the edited reports' entries and texts.
    """
    ordered = sorted(cards, key=lambda r: (r.date, r.slug))
    if (index.language != _language_key(language) or len(ordered) != len(index.slugs)
            or any(r.slug != slug for r, slug in zip(ordered, index.slugs))):
        return False
    index.files = {}
    prefixes: set[str] = set()
    docs: set[int] = set()
    numbers = [n for n, report in enumerate(ordered) if made[report.slug] != index.made[n]]
    new = changed([ordered[n].slug for n in numbers])
    for number in numbers:
        report = ordered[number]
        index.made[number] = made[report.slug]
        terms, text = new[report.slug]
        if terms != index.terms[number]:
            prefixes |= _repost(index, number, index.terms[number], terms)
            index.terms[number] = terms
        document = _document(report, language)
        if document != index.documents[number]:
            index.documents[number] = document
            index.shortest = min(index.shortest, len(document))
            docs.add(number // DOCS_PER_FILE)
            prefixes |= {prefix for prefix, ids in index.inlined.items() if number in ids}
        index.files[f"search/text/{number}.txt"] = text[:TEXT_CHARS].encode("utf-8")
    for prefix in prefixes:
        for key in index.shard_keys.pop(prefix, ()):
            index.shards.pop(key)
        _make_shards(index, prefix)
    for group in docs:
        _make_docs(index, group)
    if prefixes:
        _make_manifest(index, language)
    return True


def _language_key(language: Language) -> str:
    return hashlib.sha256(_json([language.tag, sorted(language.stopwords), language.script_text()])).hexdigest()[:16]


def _prefix(term: str) -> str:
    """The group a term's postings are kept in, and the shortest key of its shard."""
    return term[:1] if SPACELESS_CHAR.match(term) else term[:2]


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
        group = index.groups.setdefault(_prefix(term), {})
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
                del index.groups[_prefix(term)]
        prefixes.add(_prefix(term))
    return prefixes


def _make_shards(index: SearchIndex, prefix: str) -> None:
    out: dict[str, dict[str, str]] = {}
    index.inlined.pop(prefix, None)
    if prefix in index.groups:
        entries = index.groups[prefix]
        # A posting too short to carry FIRST_BATCH of the shortest entry carries none: most words are rare.
        least = FIRST_BATCH * index.shortest / CARRY
        best = {term: _carried(posting, index.width, index.documents) if len(posting) >= least else []
                for term, posting in entries.items()}
        index.inlined[prefix] = set().union(*best.values())
        _split(prefix, entries, best, index.documents, out)
    if out:
        index.shard_keys[prefix] = list(out)
    for key, entries in out.items():
        ids = sorted(set().union(*(best[term] for term in entries)))
        data = _json({"terms": dict(sorted(entries.items())), "docs": {str(n): index.documents[n] for n in ids}})
        digest = hashlib.sha256(data).hexdigest()[:10]
        index.shards[key] = (digest, len(data))
        index.files[f"search/terms/{digest}.json"] = data


def _make_docs(index: SearchIndex, group: int) -> None:
    start = group * DOCS_PER_FILE
    index.files[f"search/docs/{group}.txt"] = "\n".join(index.documents[start:start + DOCS_PER_FILE]).encode("utf-8")


def _make_manifest(index: SearchIndex, language: Language) -> None:
    index.files[INDEX] = _json({"version": 3, "count": len(index.slugs), "width": index.width,
                                "stopwords": sorted(language.stopwords), "text": language.script_text(),
                                "docs_per_file": DOCS_PER_FILE,
                                "shards": dict(sorted(index.shards.items()))})


def _split(key: str, entries: dict[str, str], best: dict[str, list[int]], documents: list[str],
           out: dict[str, dict[str, str]]) -> None:
    size = sum(len(term) + len(posting) + 6 for term, posting in entries.items())  # 6: quotes, colon, comma
    size += sum(len(documents[n]) + 16 for n in set().union(*(best[term] for term in entries)))  # 16: the id, \n escapes
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
        _split(child, child_entries, best, documents, out)


def _weight(code: int) -> float:
    """A posting's weight in search.js (its WEIGHT table): a term's scores are these times one factor."""
    return (6 if code & IN_TITLE else 0) + (3 if code & IN_META else 0) + (
        1 + math.log(code & BODY_MAX) if code & BODY_MAX else 0)


# The code characters, weightiest first; no two codes weigh the same.
_BY_WEIGHT = "".join(sorted(ALPHABET, key=lambda char: -_weight(ALPHABET.index(char))))


def _carried(posting: str, width: int, documents: list[str]) -> list[int]:
    """Ids of the FIRST_BATCH reports search.js ranks first for this term alone (the weightiest, newest first)
    if their entries take at most CARRY times the posting's bytes, else none."""
    step = width + 1
    codes = posting[width::step]
    ats: list[int] = []
    for char in _BY_WEIGHT:
        end = len(codes)  # rfind at C speed: ids ascend, so the last of a code is the newest report
        while len(ats) < FIRST_BATCH and (end := codes.rfind(char, 0, end)) >= 0:
            ats.append(end)
        if len(ats) == FIRST_BATCH:
            break
    ids = [_number(posting[at * step:at * step + width]) for at in ats]
    return ids if sum(len(documents[n]) for n in ids) <= CARRY * len(posting) else []


def _number(digits: str) -> int:
    number = 0
    for char in digits:
        number = number * 64 + ALPHABET.index(char)
    return number


def _document(report: Card, language: Language) -> str:
    # One field a line (DOC_LINES), topics split by tabs: YAML titles may hold line breaks, so fold all whitespace.
    lines = (report.url, _fold(report.title), language.date(report.date),
             "\t".join(_fold(t.name) for t in report.topics), _fold(report.summary))
    return "\n".join(lines)


def _fold(text: str) -> str:
    return " ".join(text.split())


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
