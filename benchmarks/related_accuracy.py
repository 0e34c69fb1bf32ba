"""Speed and accuracy of the related-reports ranking on synthetic sites.

    python benchmarks/related_accuracy.py                 # times N=1000 and 10000, accuracy at 2000
    python benchmarks/related_accuracy.py 1000 10000 20000 --accuracy-n 2000 --sample-n 10000
    python benchmarks/related_accuracy.py 1000 10000 --edits 15   # also the update after one edit

Timing is related_reports() alone (report_terms is cached per report by the build, so it is
computed up front here), median of --repeat runs. With --edits, also the update `serve` makes
after a save (rank_related from the last ranking) when one report's title or body changed: the
median over that many saves, each of another report, and the first save on its own, which also
indexes what updates need; each result is checked against related_reports. Accuracy compares its picks with an exact
all-pairs ranking by the very same score function (RelatedIndex.score), as
|approx ∩ exact| / total picks. Exits 1 if accuracy < 95% or growth is far from linear.
"""
from __future__ import annotations

import argparse
import bisect
import gc
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from builder.model import Report, TopicRef  # noqa: E402
from builder.related import RelatedIndex, related_reports  # noqa: E402
from builder.related_update import rank_related  # noqa: E402
from builder.terms import report_terms  # noqa: E402

TOPICS = [
    "AI", "Telecoms", "Policy", "Security", "Europe", "Cloud", "Developer Tools", "Semiconductors",
    "Energy", "Finance", "Mobile", "Open Source", "Privacy", "Latin America", "Asia", "Startups",
    "Robotics", "Health", "Climate", "Retail", "Automotive", "Space", "Gaming", "Media",
    "Education", "Logistics", "Agriculture", "Quantum", "Biotech", "Payments", "Crypto",
    "Satellites", "Wearables", "Smart Cities", "Cybercrime", "Data Centres", "Batteries",
    "Supply Chains", "Labour", "Africa",
]
SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def make_report(slug: str, date: datetime, topics: tuple[TopicRef, ...], title: str = "",
                summary: str = "", text: str = "") -> Report:
    """A Report with dummy values for the fields the ranking doesn't read."""
    words = len(text.split())
    return Report(
        source=f"{slug}.md", slug=slug, title=title or slug, date=date, updated=None, author="Bench",
        summary=summary, topics=topics, highlights=(), html=f"<p>{text}</p>", headings=(),
        word_count=words, reading_minutes=max(1, round(words / 230)), text=text,
    )


class _Zipf:
    """Draws words from a list with Zipf(s) frequencies (rank 1 commonest)."""

    def __init__(self, words: list[str], s: float):
        self.words = words
        self.cum = list(accumulate(1.0 / (r ** s) for r in range(1, len(words) + 1)))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)


def _fake_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` new pronounceable nonsense words, so no real stopword sneaks in."""
    out = []
    while len(out) < count:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in taken:
            taken.add(w)
            out.append(w)
    return out


def synthetic_site(n: int, seed: int = 7) -> list[Report]:
    """n reports, newest first: 2-4 of 40 Zipf-popular topics each, ~1000 words whose vocabulary follows the topics."""
    rng = random.Random(seed)
    taken: set[str] = set()
    general = _Zipf(_fake_words(rng, 4000, taken), 1.0)  # filler every report uses
    topical = [_Zipf(_fake_words(rng, 300, taken), 1.0) for _ in TOPICS]  # a topic's own vocabulary
    entities = [_Zipf(_fake_words(rng, 1500, taken), 1.1) for _ in TOPICS]  # names, products, places
    refs = [TopicRef(name, name.lower().replace(" ", "-")) for name in TOPICS]
    popularity = list(accumulate(1.0 / (r ** 0.9) for r in range(1, len(TOPICS) + 1)))

    reports = []
    date = datetime(2026, 6, 1, tzinfo=timezone.utc)
    for i in range(n):
        picked: list[int] = []
        for _ in range(rng.choices((2, 3, 4), weights=(35, 40, 25))[0]):
            while True:
                t = bisect.bisect(popularity, rng.random() * popularity[-1])
                if t not in picked:
                    picked.append(t)
                    break
        # A report is mostly about its first topic; each topic lends words and a few named things.
        shares = [0.5 ** j for j in range(len(picked))]
        names: list[str] = []
        for j, t in enumerate(picked):
            for name in entities[t].draw(rng, 1 + round(6 * shares[j] / sum(shares))):
                names.extend([name] * rng.randint(1, 6))
        body = general.draw(rng, rng.randint(500, 700))
        for j, t in enumerate(picked):
            body += topical[t].draw(rng, round(330 * shares[j] / sum(shares)))
        body += names
        rng.shuffle(body)
        lead = topical[picked[0]]
        title = " ".join(lead.draw(rng, 3) + entities[picked[0]].draw(rng, 1) + general.draw(rng, 2))
        summary = " ".join(lead.draw(rng, 8) + rng.sample(names, min(3, len(names))) + general.draw(rng, 20))
        reports.append(make_report(
            f"report-{i:05d}", date, tuple(refs[t] for t in picked), title.title(), summary, " ".join(body)
        ))
        date -= timedelta(days=rng.choice((0, 0, 1, 1, 2)))  # many same-day ties, like a real archive
    return reports


def site_terms(reports: list[Report]) -> dict[str, tuple[tuple[str, float], ...]]:
    return {r.slug: report_terms(r.title, r.summary, r.text) for r in reports}


def time_related(reports, terms, count: int, repeat: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of related_reports over `repeat` runs.

    CPU time is shown too because a shared machine's wall time swings with its load.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        related_reports(reports, terms, count)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def time_updates(reports, terms, count: int, edits: int, seed: int) -> dict[str, tuple[float, float]]:
    """{kind of edit: (first save, median of the later ones)} in seconds, for title and body edits."""
    rng = random.Random(seed)
    out = {}
    for kind in ("title", "body"):
        site, words = list(reports), dict(terms)
        state = rank_related(site, words, count)
        times = []
        for i in rng.sample(range(len(site)), edits + 1):
            donor = site[rng.randrange(len(site))]
            r = site[i]
            if kind == "title":  # a word of another title added
                site[i] = replace(r, title=f"{r.title} {rng.choice(donor.title.split())}")
            else:  # a paragraph of 40 words replaced by one of another report's
                text, start = r.text.split(), rng.randrange(0, 400)
                site[i] = replace(r, text=" ".join(text[:start] + donor.text.split()[start:start + 40]
                                                   + text[start + 40:]))
            words[r.slug] = report_terms(site[i].title, site[i].summary, site[i].text)
            gc.collect()
            start = time.perf_counter()
            new = rank_related(site, words, count, state)
            times.append(time.perf_counter() - start)
            if new is not state or (len(times) <= 2 and new.related != related_reports(site, words, count)):
                raise SystemExit(f"the update after a {kind} edit differs from related_reports")
        out[kind] = (times[0], statistics.median(times[1:]))
    return out


def exact_picks(index: RelatedIndex, a: int, k: int) -> list[int]:
    """All-pairs ranking for report a by RelatedIndex.score: score desc, then recency position."""
    score = index.score
    ranked = sorted((b for b in range(len(index.reports)) if b != a), key=lambda b: (-score(a, b), b))
    return ranked[:k]


def agreement(reports, terms, count: int, sample: int | None, seed: int) -> tuple[float, float, int]:
    """(share of picks in common with the exact ranking, share of identical card lists, reports checked)."""
    index = RelatedIndex(reports, terms)
    got = related_reports(reports, terms, count)
    positions = range(len(index.reports))
    if sample is not None and sample < len(index.reports):
        positions = sorted(random.Random(seed).sample(positions, sample))
    common = total = same = 0
    for a in positions:
        exact = exact_picks(index, a, min(count, len(index.reports) - 1))
        approx = [index.position[c.report.slug] for c in got[index.reports[a].slug]]
        common += len(set(exact) & set(approx))
        total += len(exact)
        same += exact == approx
    return common / total, same / len(positions), len(positions)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sizes", nargs="*", type=int, default=[1000, 10000], help="N to time (default 1000 10000)")
    p.add_argument("--accuracy-n", type=int, default=2000, help="N for the exact all-pairs comparison")
    p.add_argument("--sample-n", type=int, default=0, help="also check a sample of 200 reports at this N")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--edits", type=int, default=0, help="also time the update after this many one-report edits")
    args = p.parse_args(argv)
    ok = True
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work on the machine slows wall time)")

    print(f"{'N':>7} {'wall (median)':>14} {'CPU (median)':>13} {'CPU/report':>11} {'report_terms, once':>19}")
    timed = []
    for n in args.sizes:
        reports = synthetic_site(n, args.seed)
        start = time.perf_counter()
        terms = site_terms(reports)
        t_terms = time.perf_counter() - start
        wall, cpu = time_related(reports, terms, args.count, args.repeat)
        timed.append((n, cpu))
        print(f"{n:>7} {wall:>12.3f} s {cpu:>11.3f} s {cpu / n * 1e6:>8.1f} µs {t_terms:>17.2f} s")
        if args.edits:
            for kind, (first, later) in time_updates(reports, terms, args.count, args.edits, args.seed).items():
                print(f"{'':>7} update after a {kind} edit: {later * 1e3:.1f} ms (median of {args.edits}; "
                      f"first save {first * 1e3:.1f} ms)")
    if len(timed) >= 2:
        (n0, t0), (n1, t1) = timed[0], timed[-1]
        growth = (t1 / t0) / (n1 / n0)  # 1.0 = perfectly linear
        linear = growth <= 1.5
        ok &= linear
        print(f"growth {n0} -> {n1}: CPU x{t1 / t0:.1f} for N x{n1 / n0:.0f} "
              f"(per-report cost x{growth:.2f}) {'near-linear' if linear else 'NOT LINEAR'}")

    checks = [(args.accuracy_n, None)] + ([(args.sample_n, 200)] if args.sample_n else [])
    for n, sample in checks:
        reports = synthetic_site(n, args.seed)
        picks, lists, checked = agreement(reports, site_terms(reports), args.count, sample, args.seed)
        good = picks >= 0.95
        ok &= good
        what = f"all {checked}" if sample is None else f"sample of {checked}"
        print(f"accuracy at N={n} ({what} reports, count={args.count}): picks in common {picks:.2%}, "
              f"identical lists {lists:.2%} {'OK' if good else 'BELOW 95%'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
