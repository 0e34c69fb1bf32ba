import json
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from itertools import accumulate

from builder.languages import load_language
from builder.model import Report, TopicRef
from builder.render import default_theme
from builder.search import (ALPHABET, DOC_LINES, DOCS_PER_FILE, IN_META, IN_TITLE, INDEX, SHARD_BYTES,
                            build_index, report_index_terms, update_index)
from builder.terms import tokenize

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
ENGLISH = load_language("en", (default_theme(),))


def make(slug, days=0, title="", summary="", text="", topics=("AI",)):
    return Report(source=f"{slug}.md", slug=slug, title=title or slug.title(), date=START + timedelta(days=days),
                  updated=None, author="", summary=summary, topics=tuple(TopicRef(t, t.lower()) for t in topics),
                  highlights=(), html="", headings=(), word_count=1, reading_minutes=1, text=text)


def terms_of(report):
    return report_index_terms(report, report.text)


def search_files(reports, terms):
    """Every file of the index of these reports, made from scratch."""
    return build_index(reports, made_of(reports), terms, {r.slug: r.text for r in reports}, ENGLISH).files


def index(reports):
    return search_files(reports, {r.slug: terms_of(r) for r in reports})


def made_of(reports):
    return {r.slug: repr((r.title, r.summary, r.text, r.topics, r.date)) for r in reports}


class Live:
    """An index kept up to date as the build keeps it, with every file it has written so far."""

    def __init__(self, reports, terms):
        self.make(reports, terms)

    def make(self, reports, terms):
        self.index = build_index(reports, made_of(reports), terms, {r.slug: r.text for r in reports}, ENGLISH)
        self.files = dict(self.index.files)

    def update(self, reports, terms) -> dict:
        """The files this update changed."""
        by_slug = {r.slug: r for r in reports}
        if not update_index(self.index, reports, made_of(reports),
                            lambda slugs: {s: (terms[s], by_slug[s].text) for s in slugs}, ENGLISH):
            self.make(reports, terms)
            return dict(self.files)
        paths = self.index.paths()
        self.files = {p: d for p, d in {**self.files, **self.index.files}.items() if p in paths}
        return self.index.files


def decode(postings: str, width: int) -> list[tuple[int, int]]:
    """(report id, code) pairs: the reading search.js does."""
    out = []
    for start in range(0, len(postings), width + 1):
        number = 0
        for char in postings[start:start + width]:
            number = number * 64 + ALPHABET.index(char)
        out.append((number, ALPHABET.index(postings[start + width])))
    return out


def shards_for(files, word, prefix=False):
    """The shards search.js fetches for a word: the longest key it starts with, and for a prefix its completions."""
    keys = json.loads(files[INDEX])["shards"]
    best = max((k for k in keys if word.startswith(k)), key=len, default=None)
    chosen = [k for k in keys if prefix and k.startswith(word) and k != best] + ([best] if best else [])
    return [json.loads(files[f"search/terms/{keys[k][0]}.json"])["terms"] for k in chosen]


def entry(files, number: int) -> list[str]:
    """Report `number`'s result entry: its lines in the docs/ file that groups it, as search.js reads them."""
    lines = files[f"search/docs/{number // DOCS_PER_FILE}.txt"].decode().split("\n")
    at = number % DOCS_PER_FILE * DOC_LINES
    return lines[at:at + DOC_LINES]


def find(files, word, prefix=False):
    """Slugs of the reports holding `word` (or a word it starts), with their codes."""
    found, width = {}, json.loads(files[INDEX])["width"]
    for shard in shards_for(files, word, prefix):
        for term, postings in shard.items():
            if term == word or (prefix and term.startswith(word)):
                for number, code in decode(postings, width):
                    url = entry(files, number)[0]
                    found[url.split("/")[1]] = max(found.get(url.split("/")[1], 0), code)
    return found


def test_a_word_only_in_the_body_finds_its_report():
    files = index([make("a", text="Operators cite interoperability."), make("b", text="Nothing here.")])
    assert find(files, "interoperability") == {"a": 1}
    assert find(files, "nothing") == {"b": 1}


def test_the_last_word_is_searched_as_a_prefix():
    files = index([make("a", text="Interoperability tests."), make("b", text="Interest rates."),
                   make("c", text="Intranet access.")])
    assert set(find(files, "inter", prefix=True)) == {"a", "b"}
    assert find(files, "inter") == {}


def test_codes_say_where_a_word_occurs_so_a_title_ranks_above_the_body():
    files = index([make("a", title="Spectrum auctions", summary="Cheap spectrum.", text="spectrum " * 20),
                   make("b", title="Other", text="Spectrum spectrum."), make("c", topics=("Spectrum",))])
    codes = find(files, "spectrum")
    assert codes == {"a": IN_TITLE | IN_META | 15, "b": 2, "c": IN_META}


def test_stopwords_and_possessives_follow_the_shared_tokeniser():
    assert terms_of(make("a", title="The EU's plan", topics=())) == ((IN_TITLE, ("eu", "plan")),)
    assert "the" in json.loads(index([make("a")])[INDEX])["stopwords"]


def test_tokens_given_by_the_build_give_the_same_terms():
    report = make("a", title="Spectrum plan", summary="Towers.", text="Spectrum towers, towers and the EU's rules.")
    assert report_index_terms(report, report.text, tokenize(report.text)) == terms_of(report)


def test_documents_hold_what_a_result_shows():
    report = make("a", title="Two\nlines", summary="Short.", text="Body text.", topics=("AI", "Law"))
    files = index([report])
    assert entry(files, 0) == ["reports/a/", "Two lines", "January 1, 2026", "AI\tLaw", "Short."]
    assert files["search/text/0.txt"] == b"Body text."


def test_ids_count_from_the_oldest_report():
    files = index([make("new", days=5), make("old", days=1)])
    assert entry(files, 0)[0] == "reports/old/"


def test_the_same_reports_give_the_same_bytes():
    reports = [make(f"r{i}", i, text=f"word{i} shared") for i in range(30)]
    assert index(reports) == index(list(reversed(reports)))


def generated(count: int, seed: int = 3) -> list[Report]:
    """Reports of ~300 words drawn Zipf-like from a 5,000-word vocabulary, with a few words everywhere."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
             for _ in range(5000)]
    cumulative = list(accumulate(1 / (rank + 1) for rank in range(len(vocab))))

    def words(k: int) -> str:
        return " ".join(rng.choices(vocab, cum_weights=cumulative, k=k))

    return [make(f"r{i}", i, title=words(6), summary=words(20), text=words(300)) for i in range(count)]


def test_shards_stay_small_at_2000_reports():
    files = index(generated(2000))
    shards = {path: data for path, data in files.items() if path.startswith("search/terms/")}
    assert len(shards) > 50
    assert max(len(data) for data in shards.values()) <= SHARD_BYTES + 200  # 200: the JSON around the entries
    assert len(files[INDEX]) < 20_000


def test_one_edited_report_changes_only_the_shards_of_its_changed_words():
    reports = generated(300)
    before = index(reports)
    edited = replace(reports[200], text=reports[200].text + " zyzzyva")
    after = index([*reports[:200], edited, *reports[201:]])
    changed = {path for path in after if before.get(path) != after[path]}
    added = {path for path in after if path not in before}
    removed = {path for path in before if path not in after}
    zy_shard, size = json.loads(after[INDEX])["shards"]["zy"]
    assert size == len(after[f"search/terms/{zy_shard}.json"])
    assert changed == {INDEX, "search/text/200.txt", f"search/terms/{zy_shard}.json"}
    assert added == {f"search/terms/{zy_shard}.json"} and len(removed) <= 1
    assert find(after, "zyzzyva") == {"r200": 1}  # ids past 64 take two digits


def test_a_new_report_leaves_the_other_documents_alone():
    reports = generated(50)
    before = index(reports)
    after = index([*reports, make("newest", 400, text="fresh words")])
    assert all(after[path] == data for path, data in before.items() if path.startswith("search/text/"))
    assert all(entry(after, n) == entry(before, n) for n in range(50))


def test_result_entries_are_grouped_in_files_of_docs_per_file_reports():
    files = index(generated(DOCS_PER_FILE * 2 + 1))
    docs = sorted(path for path in files if path.startswith("search/docs/"))
    assert docs == ["search/docs/0.txt", "search/docs/1.txt", "search/docs/2.txt"]
    assert len(files["search/docs/2.txt"].decode().split("\n")) == DOC_LINES
    assert [entry(files, n)[0] for n in (0, DOCS_PER_FILE, DOCS_PER_FILE * 2)] == \
        [f"reports/r{n}/" for n in (0, DOCS_PER_FILE, DOCS_PER_FILE * 2)]


def test_updating_the_index_after_random_edits_gives_what_a_fresh_build_gives():
    rng = random.Random(7)
    vocabulary = ["market", "markets", "mark", "ma", "robot", "robotics", "pricing", "zyzzyva", "law", "lawyer"]
    vocabulary += [f"w{i}" for i in range(60)]

    def words(n):
        return " ".join(rng.choice(vocabulary) for _ in range(n))

    reports = [make(f"r{i}", i // 3, title=words(4), summary=words(8), text=words(80)) for i in range(150)]
    terms = {r.slug: terms_of(r) for r in reports}
    state = Live(reports, terms)
    for step in range(60):
        for _ in range(rng.randint(1, 3)):
            n = rng.randrange(len(reports))
            field = rng.choice(["title", "summary", "text", "topics"])
            value = (tuple(TopicRef(t, t.lower()) for t in rng.sample(["AI", "Law", "Markets"], 2))
                     if field == "topics" else words(rng.randint(0, 90)))
            reports[n] = replace(reports[n], **{field: value})
            terms[reports[n].slug] = terms_of(reports[n])
        if step % 20 == 19:  # a new report: ids are given afresh
            reports.append(make(f"new{step}", 400 + step, text=words(50)))
            terms[reports[-1].slug] = terms_of(reports[-1])
        state.update(reports, terms)
        assert state.files == search_files(reports, terms), f"step {step}"


def test_an_update_makes_only_the_files_an_edit_touches():
    reports = generated(300)
    terms = {r.slug: terms_of(r) for r in reports}
    state = Live(reports, terms)
    before = dict(state.files)
    reports[200] = replace(reports[200], title="A new title with zyzzyva")
    terms["r200"] = terms_of(reports[200])
    made = state.update(reports, terms)
    # The manifest, r200's entry and text files, and a shard per prefix of its 11 old and new title words at most.
    assert 3 <= len(made) <= 14
    assert made["search/docs/50.txt"] != before["search/docs/50.txt"]  # r200's result entry
    assert state.files == search_files(reports, terms)


def carried(files, word):
    """The ids whose result entries the shard of `word` carries, and those entries' first lines (their URLs)."""
    keys = json.loads(files[INDEX])["shards"]
    best = max((k for k in keys if word.startswith(k)), key=len)
    docs = json.loads(files[f"search/terms/{keys[best][0]}.json"])["docs"]
    return {int(n): entry.split("\n") for n, entry in docs.items()}


def common_word_reports():
    """300 reports with "market" in the body; r120 and r7 also in the title, r200 once in a title with "rare"."""
    titles = {7: "Market maps", 120: "Market rules", 200: "Rare market"}
    return [make(f"r{i}", i, title=titles.get(i, f"Report {i}"), text="market " * (2 if i == 50 else 1))
            for i in range(300)]


def test_a_common_words_shard_carries_the_entries_of_its_best_reports():
    files = index(common_word_reports())
    # Title hits first, then the one report saying it twice, then the newest: search.js's order for "market".
    best = carried(files, "market")
    assert set(best) == {200, 120, 7, 50, 299, 298} and best[120] == entry(files, 120)
    assert carried(files, "rare") == {}  # a word in one report: its entry would cost more than its posting


def test_an_edit_to_a_carried_entry_alone_remakes_the_shard_carrying_it():
    reports = common_word_reports()
    terms = {r.slug: terms_of(r) for r in reports}
    state = Live(reports, terms)
    reports[120] = replace(reports[120], title="Market: rules")  # the same words, another entry
    terms["r120"] = terms_of(reports[120])
    state.update(reports, terms)
    assert carried(state.files, "market")[120][1] == "Market: rules"
    assert state.files == search_files(reports, terms)
