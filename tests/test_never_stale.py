"""Never stale: after any sequence of edits, both a warm `serve` and a fresh `trendsite build` process
leave output/ byte for byte as a clean build of the same site makes it.

Each random step changes one input (a report's every front matter field, series and updates among them,
its body, a file beside it, a site template, a static file, a setting, the clock, past stale_after_days
too) and is replayed three ways: the rebuild `serve` runs after a burst of saves (one Store kept open), a
`trendsite build` in a new process (faketime sets its clock, as nothing in trendsite is a test switch),
and a clean build of a copy of the site.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from builder.build import BuildOptions, build
from builder.errors import BuildError
from builder.preview import Preview
from builder.watch import ChangeSet
from conftest import NOW, REPO, picture, published

NAMES = ("alpha.md", "beta.md", "gamma.md", "ai/delta.md", "ai/index.md", "law/zeta.md")
TITLES = ("Chips rebound", "Open models spread", "Telecom rules tighten", "Four-day week", "Robots in retail")
TAGS = ("AI", "ai", "Law", "Telecoms", "Hiring", "C++")
DATES = ("2026-01-05", "2026-03-01", "2026-03-01T09:30+02:00", "2026-06-30", "2026-11-26", "2027-02-01")
TEXT = ("Chips and models and networks.", "Hiring law and courts.", "Spectrum towers and fibre.",
        "## Findings\n\nModels spread.\n\n### Detail\n\nMore chips.\n\n## Outlook\n\nFibre.",
        "Was ~~struck~~ and H~2~O.",  # what markdown_extensions changes
        "## Red de la compañía\n\nLa red y el 5G en España.[^1]\n\n[^1]: Una nota.")
LANGUAGES = ("en", "es", "ar", "de")
SERIES = ("State of chips", "state of Chips", "Open models")  # the first two are one series
ALIASES = ("/2019/old/", "/old.html", "/reports/renamed/")  # two reports may claim one: an error either way
FILES = ("chart.png", "ai/chart.png", "data.csv", "ai/data.csv", "logo.svg")
CHART = ("```chart\ntitle: Shares\ndata: {url: data.csv}\nmark: bar\n"
         "encoding: {x: {field: k, type: nominal}, y: {field: v, type: quantitative}}\n```")
SETTINGS = {"title": ('"Trends"', '"Signals"'), "description": ('""', '"Reports on everything."'),
            "base_url": ('"https://example.org/"', '"https://example.org/sub/"'), "per_page": ("2", "3"),
            "related_count": ("1", "2"), "feed_size": ("1", "3"), "toc_min_headings": ("1", "3"),
            "words_per_minute": ("50", "230"), "author": ('""', '"The desk"'), "unsafe_html": ("false", "true"),
            "broken_links": ('"error"', '"warn"'), "timezone": ('"UTC"', '"Europe/Berlin"'),
            "markdown_extensions": ('[]', '["pymdownx.tilde"]'), "extra": ('{}', '{tagline = "Signals first"}'),
            "language": tuple(f'"{language}"' for language in LANGUAGES), "stale_after_days": ("0", "30"),
            "rising_window_days": ("90", "30"), "rising_baseline_days": ("365", "60")}
TEMPLATES = {
    "templates/_macros.html": None,  # the bundled one, with a marker inside its card
    "templates/base.html": '{% extends "base.html" %}{% block head %}{{ super() }}<meta name="x" content="1">'
                           '{% endblock %}',
    "templates/404.html": '{% extends "base.html" %}{% block content %}<p>Lost {{ page.title }}</p>{% endblock %}',
}


@st.composite
def report_text(draw, others: tuple[str, ...]) -> str:
    """A report with any of the front matter fields set, a body that may link to others and to files."""
    lines = ["---", f'title: "{draw(st.sampled_from(TITLES))}"', f"date: {draw(st.sampled_from(DATES))}"]
    optional = {
        "updated": "updated: 2027-03-01", "author": 'author: "Mara Quint"', "summary": 'summary: "A short teaser."',
        "highlights": 'highlights: ["One point.", "Another."]', "slug": f"slug: {draw(st.sampled_from(('own', 'mine')))}",
        "draft": "draft: true", "image": f"image: {draw(st.sampled_from(('chart.png', 'logo.svg')))}",
        "extra": 'extra: {mood: "sunny", rank: 2}',
        "aliases": f"aliases: [{', '.join(draw(st.lists(st.sampled_from(ALIASES), min_size=1, max_size=2, unique=True)))}]",
        "series": f'series: "{draw(st.sampled_from(SERIES))}"',
    }
    lines += [optional[k] for k in draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=4))]
    lines.append(f"tags: [{', '.join(draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True)))}]")
    body = draw(st.sampled_from(TEXT))
    if others and draw(st.booleans()):
        body += f"\n\nSee [the other report]({draw(st.sampled_from(others))})."
    if draw(st.booleans()):
        body += f"\n\n![A chart]({draw(st.sampled_from(('chart.png', 'data.csv', 'logo.svg')))} \"Its caption\")"
    if draw(st.integers(0, 3)) == 0:
        body += f"\n\n{CHART}"
    return "\n".join(lines) + "\n---\n" + body + "\n"


class SiteEdits(RuleBasedStateMachine):
    """A site edited at random, each step rebuilt by a warm serve and by a fresh process."""

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="never-stale-"))
        self.root = self.folder / "site"
        (self.root / "content").mkdir(parents=True)
        self.settings = {"per_page": "2", "related_count": "2", "stale_after_days": "30"}
        self.write_settings()
        self.now = NOW
        self.options = BuildOptions(root=self.root, output=self.folder / "serve-out", now=self.now)
        self.preview = Preview(self.options)
        self.outcome = self.preview.rebuild(None)
        self.fresh = self.run_fresh()
        self.clean_runs = 0

    def teardown(self):
        self.preview.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the three builds -------------------------------------------------------------------------

    def rebuilt(self, *paths: str) -> None:
        """The rebuild serve runs for a burst of saves of these site paths, then a fresh process's build."""
        self.preview.options = replace(self.preview.options, now=self.now)
        self.outcome = self.preview.rebuild(ChangeSet.of(list(paths)))
        self.fresh = self.run_fresh()

    def run_fresh(self) -> subprocess.CompletedProcess:
        clock = self.now.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return subprocess.run(["faketime", "-f", f"@{clock}", sys.executable, "-m", "builder", "build", "--root",
                               str(self.root), "--output", str(self.folder / "cli-out")],
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)

    # -- edits ------------------------------------------------------------------------------------

    def present(self) -> list[str]:
        content = self.root / "content"
        return sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md"))

    def save(self, rel: str, data: str | bytes) -> None:
        """Write a site file as editors do: a temporary file renamed over it."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.swp")
        temp.write_bytes(data.encode() if isinstance(data, str) else data)
        temp.replace(path)

    def write_settings(self) -> None:
        """The settings, in trendsite.toml or in pyproject.toml (they move between the two)."""
        lines = "".join(f"{k} = {v}\n" for k, v in self.settings.items())
        own_file = self.settings.get("title") == '"Signals"'
        self.save("trendsite.toml" if own_file else "pyproject.toml", lines if own_file else "[tool.trendsite]\n" + lines)
        (self.root / ("pyproject.toml" if own_file else "trendsite.toml")).unlink(missing_ok=True)

    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def create_or_edit_a_report(self, data, name):
        others = tuple(n.split("/")[-1] for n in self.present() if "/" not in n)
        self.save(f"content/{name}", data.draw(report_text(others)))
        self.rebuilt(f"content/{name}")

    @precondition(lambda self: self.present())
    @rule(data=st.data(), new_name=st.sampled_from(NAMES))
    def rename_a_report(self, data, new_name):
        name = data.draw(st.sampled_from(self.present()))
        if name != new_name:
            (self.root / "content" / new_name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / "content" / name).replace(self.root / "content" / new_name)
            self.rebuilt(f"content/{name}", f"content/{new_name}")

    @precondition(lambda self: self.present())
    @rule(data=st.data())
    def delete_a_report(self, data):
        name = data.draw(st.sampled_from(self.present()))
        (self.root / "content" / name).unlink()
        self.rebuilt(f"content/{name}")

    @rule(name=st.sampled_from(FILES), version=st.integers(0, 3))
    def change_a_file_beside_the_reports(self, name, version):
        path = f"content/{name}"
        if version == 0 and (self.root / path).exists():
            (self.root / path).unlink()
        elif version > 1 and name.endswith(".png"):  # a real picture, in sizes that get smaller copies or not
            self.save(path, picture(400 * version - 300, 150 * version, colour=("#3b7dd8", "#d0680c")[version - 2]))
        elif version > 1 and name.endswith(".csv"):  # a chart's data
            self.save(path, "k,v\n" + "".join(f"{chr(97 + n)},{n * version}\n" for n in range(version)))
        elif name.endswith(".svg"):
            self.save(path, f'<svg xmlns="http://www.w3.org/2000/svg" width="{version}0" height="10">'
                            f'<script>alert(1)</script><rect width="5" height="5"/></svg>')
        else:
            self.save(path, f"picture or data, version {version}\n".encode())
        self.rebuilt(path)

    @rule(name=st.sampled_from(sorted(TEMPLATES)), present=st.booleans())
    def change_a_site_template(self, name, present):
        path = self.root / name
        if not present:
            if path.exists():
                path.unlink()
        elif TEMPLATES[name] is None:
            bundled = (REPO / "templates" / "_macros.html").read_text()
            self.save(name, bundled.replace('<article class="card', '<article data-seen="1" class="card', 1))
        else:
            self.save(name, TEMPLATES[name])
        self.rebuilt(name)

    @rule(word=st.sampled_from(("Subjects", "Themes", None)))
    def reword_the_theme(self, word):
        # A site's own catalog is a theme file: every page showing one of its strings must be made again,
        # report bodies (their heading links) included.
        paths = [f"templates/locale/{language}/LC_MESSAGES/messages.po" for language in LANGUAGES]
        for path in paths:
            if word is None:
                (self.root / path).unlink(missing_ok=True)
            else:
                self.save(path, f'msgid "Topics"\nmsgstr "{word}"\n\nmsgid "Link to this section"\nmsgstr "{word}"\n')
        self.rebuilt(*paths)

    @rule(colour=st.sampled_from(("", "red", "blue")))
    def change_a_static_file(self, colour):
        path = self.root / "templates" / "static" / "extra.css"
        if colour:
            self.save("templates/static/extra.css", f"body {{ color: {colour}; }}\n")
        elif path.exists():
            path.unlink()
        self.rebuilt("templates/static/extra.css")

    @rule(data=st.data(), key=st.sampled_from(sorted(SETTINGS)))
    def change_a_setting(self, data, key):
        self.settings[key] = data.draw(st.sampled_from(SETTINGS[key]))
        self.write_settings()
        self.rebuilt("pyproject.toml", "trendsite.toml")

    @rule(days=st.sampled_from((1, 3, 70)))
    def let_time_pass(self, days):
        # Scheduled reports come due without a save, reports turn stale (70 days pass stale_after_days = 30) and
        # leave the rising window; serve rebuilds when its watcher is quiet.
        self.now += timedelta(days=days)
        self.rebuilt()

    @precondition(lambda self: (self.root / "content" / "ai").is_dir())
    @rule()
    def move_a_folder_out_and_back(self):
        parked = self.folder / "parked"
        shutil.move(self.root / "content" / "ai", parked)
        self.rebuilt("content/ai")
        shutil.move(parked, self.root / "content" / "ai")
        self.rebuilt("content/ai")

    # -- the invariant ----------------------------------------------------------------------------

    @invariant()
    def every_output_is_a_clean_build(self):
        clean = self.folder / f"clean{self.clean_runs}"
        self.clean_runs += 1
        shutil.copytree(self.root, clean, ignore=shutil.ignore_patterns(".trendsite-cache", "output"))
        try:
            build(BuildOptions(root=clean, output=clean / "output", now=self.now))
        except BuildError as error:
            # The same problems stop both rebuilds; the last good site stays in their output folders.
            assert self.outcome.site is None, "serve built a site a clean build refuses"
            assert [str(p) for p in error.problems] == [str(p) for p in self.outcome.problems]
            assert self.fresh.returncode == 1, self.fresh.stdout + self.fresh.stderr
            return
        assert self.outcome.site is not None, self.outcome.log
        assert self.fresh.returncode == 0, self.fresh.stderr
        expected = published(clean / "output")
        assert published(self.folder / "serve-out") == expected, "serve's output differs from a clean build"
        assert published(self.folder / "cli-out") == expected, "a fresh build's output differs from a clean build"
        shutil.rmtree(clean)


SiteEdits.TestCase.settings = settings(max_examples=10, stateful_step_count=8, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])
test_never_stale = SiteEdits.TestCase
