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
from conftest import NOW, picture, published, report

NAMES = ("alpha.md", "beta.md", "gamma.md", "ai/delta.md", "ai/epsilon.md", "law/zeta.md")
TITLES = ("Chips rebound", "Open models spread", "Telecom rules tighten", "Four-day week", "Robots in retail")
TAGS = ("AI", "Law", "Telecoms", "Hiring", "Chips")
DATES = ("2026-01-05", "2026-03-01", "2026-03-01", "2026-06-30", "2027-02-01")  # a tie, and a future date
TEXT = ("Chips and models and networks.", "Hiring law and courts.", "Spectrum towers and fibre.")
# Files beside reports that bodies show: a chart's data and a picture, in the top folder and in ai/.
FILES = ("data.csv", "pic.png", "ai/data.csv", "ai/pic.png")
MEDIA = ("", '\n\n![A picture](pic.png "Its caption")',
         "\n\n```chart\ntitle: Shares\ndata: {url: data.csv}\nmark: bar\n"
         "encoding: {x: {field: k, type: nominal}, y: {field: v, type: quantitative}}\n```")


@st.composite
def report_text(draw, others: tuple[str, ...] = ()) -> str:
    body = draw(st.sampled_from(TEXT)) + draw(st.sampled_from(MEDIA))
    if others and draw(st.booleans()):
        body += f" See [the other report]({draw(st.sampled_from(others))})."
    fields = {"draft": "true"} if draw(st.integers(0, 5)) == 0 else {}
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

    @rule(name=st.sampled_from(FILES), size=st.integers(1, 3))
    def write_file_beside(self, name, size):
        path = self.root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".csv"):
            path.write_text("k,v\n" + "".join(f"{chr(97 + n)},{n * size}\n" for n in range(size + 1)))
        else:
            path.write_bytes(picture(200 * size + 300, 150 * size, colour=("#3b7dd8", "#d0680c", "#28925a")[size - 1]))
        self.apply(name)

    @rule(name=st.sampled_from(FILES))
    def delete_file_beside(self, name):
        path = self.root / "content" / name
        if path.exists():
            path.unlink()
            self.apply(name)

    @precondition(lambda self: self.present())
    @rule(data=st.data())
    def delete(self, data):
        name = data.draw(st.sampled_from(self.present()))
        (self.root / "content" / name).unlink()
        self.apply(name)

    @rule(title=st.sampled_from(("Trends", "Signals")), feed_size=st.integers(1, 3),
          base=st.sampled_from(("https://example.org/", "https://example.org/sub/")))
    def change_settings(self, title, feed_size, base):
        # serve keeps feeds, the renderer and resolved links in memory: settings must reach them all.
        (self.root / "pyproject.toml").write_text(f'[tool.trendsite]\nper_page = 2\nrelated_count = 2\n'
                                                  f'title = "{title}"\nfeed_size = {feed_size}\nbase_url = "{base}"\n')
        self.outcome = self.preview.rebuild(ChangeSet.of(["pyproject.toml"]))

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
        shutil.copy(self.root / "pyproject.toml", clean)
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
