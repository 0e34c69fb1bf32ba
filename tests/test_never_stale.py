"""Never stale: after any sequence of edits handled like the watcher does, output/ equals a clean build."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from builder.build import BuildOptions, build
from builder.errors import BuildError
from builder.preview import Preview
from builder.watch import ChangeSet
from conftest import NOW, published, report

NAMES = ("alpha.md", "beta.md", "gamma.md", "ai/delta.md", "ai/epsilon.md", "law/zeta.md")
TITLES = ("Chips rebound", "Open models spread", "Telecom rules tighten", "Four-day week", "Robots in retail")
TAGS = ("AI", "Law", "Telecoms", "Hiring", "Chips")
DATES = ("2026-01-05", "2026-03-01", "2026-03-01", "2026-06-30", "2027-02-01")  # a tie, and a future date
TEXT = ("Chips and models and networks.", "Hiring law and courts.", "Spectrum towers and fibre.",
        "Was ~~struck~~ and H~2~O.")  # what markdown_extensions changes
ALIASES = ("/2019/old/", "/old.html", "/reports/renamed/")  # two reports may claim one: an error either way


@st.composite
def report_text(draw, others: tuple[str, ...] = ()) -> str:
    body = draw(st.sampled_from(TEXT))
    if others and draw(st.booleans()):
        body += f" See [the other report]({draw(st.sampled_from(others))})."
    fields = {"draft": "true"} if draw(st.integers(0, 5)) == 0 else {}
    aliases = draw(st.lists(st.sampled_from(ALIASES), max_size=2, unique=True))
    if aliases:
        fields["aliases"] = f"[{', '.join(aliases)}]"
    return report(draw(st.sampled_from(TITLES)), draw(st.sampled_from(DATES)),
                  tuple(draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True))),
                  body, **fields)


class SiteEdits(RuleBasedStateMachine):
    """A site edited at random; every step is followed by the rebuild `serve` runs after a burst."""

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="never-stale-"))
        self.root = self.folder / "site"
        (self.root / "content").mkdir(parents=True)
        (self.root / "pyproject.toml").write_text('[tool.trendsite]\nper_page = 2\nrelated_count = 2\n')
        # A template showing site.extra, which settings change.
        (self.root / "templates").mkdir()
        (self.root / "templates" / "base.html").write_text(
            '{% extends "base.html" %}{% block footer %}{{ site.extra.tagline | default("") }}{% endblock %}')
        self.options = BuildOptions(root=self.root, output=self.root / "output", now=NOW)
        self.preview = Preview(self.options)
        self.outcome = self.preview.rebuild(None)
        self.clean_runs = 0

    def teardown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def present(self) -> list[str]:
        content = self.root / "content"
        return sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md"))

    def apply(self, *paths: str) -> None:
        self.outcome = self.preview.rebuild(ChangeSet.of([f"content/{p}" for p in paths]))

    def write(self, name: str, text: str) -> None:
        path = self.root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # Editors save by writing a temporary file and renaming it over the report.
        temp = path.with_name(f".{path.name}.swp")
        temp.write_text(text, encoding="utf-8")
        temp.replace(path)

    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def create_or_edit(self, data, name):
        self.write(name, data.draw(report_text(tuple(n.split("/")[-1] for n in self.present() if "/" not in n))))
        self.apply(name)

    @precondition(lambda self: self.present())
    @rule(data=st.data(), new_name=st.sampled_from(NAMES))
    def rename(self, data, new_name):
        name = data.draw(st.sampled_from(self.present()))
        if name == new_name:
            return
        (self.root / "content" / new_name).parent.mkdir(parents=True, exist_ok=True)
        (self.root / "content" / name).replace(self.root / "content" / new_name)
        self.apply(name, new_name)

    @precondition(lambda self: self.present())
    @rule(data=st.data())
    def delete(self, data):
        name = data.draw(st.sampled_from(self.present()))
        (self.root / "content" / name).unlink()
        self.apply(name)

    @rule(title=st.sampled_from(("Trends", "Signals")), feed_size=st.integers(1, 3),
          base=st.sampled_from(("https://example.org/", "https://example.org/sub/")),
          extensions=st.sampled_from(("[]", '["pymdownx.tilde"]', '[{"pymdownx.tilde" = {subscript = false}}]')),
          tagline=st.sampled_from(("Hello", "Bye")), own_file=st.booleans())
    def change_settings(self, title, feed_size, base, extensions, tagline, own_file):
        # serve keeps feeds, the renderer and resolved links in memory: settings must reach them all.
        settings = (f'per_page = 2\nrelated_count = 2\ntitle = "{title}"\nfeed_size = {feed_size}\n'
                    f'base_url = "{base}"\nmarkdown_extensions = {extensions}\n[extra]\ntagline = "{tagline}"\n')
        # The settings move between trendsite.toml and pyproject.toml as well.
        (self.root / ("trendsite.toml" if own_file else "pyproject.toml")).write_text(
            settings if own_file else "[tool.trendsite]\n" + settings.replace("[extra]", "[tool.trendsite.extra]"))
        (self.root / ("pyproject.toml" if own_file else "trendsite.toml")).unlink(missing_ok=True)
        self.outcome = self.preview.rebuild(ChangeSet.of(["pyproject.toml", "trendsite.toml"]))

    @precondition(lambda self: (self.root / "content" / "ai").is_dir())
    @rule()
    def move_folder_out_and_back(self):
        # A folder leaving the site, then coming back: two bursts, two rebuilds.
        parked = self.folder / "parked"
        shutil.move(self.root / "content" / "ai", parked)
        self.apply("ai")
        shutil.move(parked, self.root / "content" / "ai")
        self.apply("ai")

    @invariant()
    def output_is_a_clean_build(self):
        clean = self.folder / f"clean{self.clean_runs}"
        self.clean_runs += 1
        shutil.copytree(self.root / "content", clean / "content")
        for name in ("pyproject.toml", "trendsite.toml"):
            if (self.root / name).is_file():
                shutil.copy(self.root / name, clean)
        shutil.copytree(self.root / "templates", clean / "templates")
        try:
            build(BuildOptions(root=clean, output=clean / "output", now=NOW))
        except BuildError as error:
            # The same problems stop the rebuild; the last good site stays in output/.
            assert self.outcome.site is None
            assert [str(p) for p in error.problems] == [str(p) for p in self.outcome.problems]
            return
        finally:
            shutil.rmtree(clean / "content")
        assert self.outcome.site is not None, self.outcome.log
        assert published(self.root / "output") == published(clean / "output")
        shutil.rmtree(clean)


SiteEdits.TestCase.settings = settings(max_examples=12, stateful_step_count=8, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])
test_never_stale = SiteEdits.TestCase
