import shutil
from dataclasses import dataclass

import pytest

from builder import __main__ as cli
from builder.build import BuildOptions, build
from builder.errors import BUG_HINT, BuildError
from builder.languages import load_language
from builder.model import Page, SiteConfig
from builder.render import Renderer, collect_static, default_theme, theme_dirs
from builder.listing import page_of
from conftest import FIXTURE_SITE, NOW, REPO, build_site, published_reports, report


def renderer_for(tmp_path, templates: dict[str, str]):
    folder = tmp_path / "templates"
    (folder / "static").mkdir(parents=True)
    (folder / "static" / "style.css").write_text("body{}")
    for name, text in templates.items():
        (folder / name).write_text(text)
    dirs = theme_dirs(tmp_path)
    return Renderer(SiteConfig(base_url="https://example.org/sub/"), dirs, collect_static(dirs),
                    load_language("en", dirs))


def test_the_default_theme_ships_with_the_package():
    assert (default_theme() / "report.html").is_file()


def test_site_templates_override_the_default_theme(tmp_path):
    renderer = renderer_for(tmp_path, {"404.html": "mine {{ url('x/') }} {{ static('style.css') }}"})
    html = renderer.render(Page(url="404.html", template="404.html", context={}))
    assert html.startswith("mine /sub/x/ /sub/static/style.")
    assert renderer.env.get_template("report.html")  # still found in the default theme


def test_values_are_escaped(tmp_path):
    renderer = renderer_for(tmp_path, {"t.html": "{{ page.title }}"})
    assert renderer.render(Page(url="t", template="t.html", context={}, title="<script>")) == "&lt;script&gt;"


def test_static_names_are_fingerprinted_by_content(tmp_path):
    first = renderer_for(tmp_path, {}).static_files["style.css"].url
    (tmp_path / "templates" / "static" / "style.css").write_text("body{color:red}")
    second = collect_static(theme_dirs(tmp_path))["style.css"].url
    assert first != second and first.startswith("static/style.") and first.endswith(".css")


def test_template_errors_name_the_template_file_and_line(tmp_path):
    renderer = renderer_for(tmp_path, {"bad.html": "line one\n{{ missing.value }}", "syntax.html": "{% if %}"})
    with pytest.raises(BuildError) as error:
        renderer.render(Page(url="x/", template="bad.html", context={}))
    problem = error.value.problems[0]
    assert (problem.path, problem.line) == ("templates/bad.html", 2) and "missing" in problem.message
    with pytest.raises(BuildError, match="template syntax error"):
        renderer.render(Page(url="x/", template="syntax.html", context={}))


def test_absolute_urls_are_kept_and_paths_are_made_absolute(tmp_path):
    renderer = renderer_for(tmp_path, {})
    assert renderer.absolute_url("reports/a b/") == "https://example.org/sub/reports/a%20b/"
    assert renderer.absolute_url("https://cdn.example.org/p.png") == "https://cdn.example.org/p.png"


@dataclass(frozen=True)
class Item:
    """A value, as the pipeline's records are."""

    name: str


def counting_renderer(tmp_path, templates: dict[str, str]):
    """A renderer for `templates`, whose count(x) records x in the list returned beside it."""
    calls = []
    renderer = renderer_for(tmp_path, templates)
    renderer.env.globals["count"] = lambda value: calls.append(value) or ""
    return renderer, calls


def test_memo_renders_a_fragment_once_per_arguments_and_forgets_unused_ones(tmp_path):
    renderer, calls = counting_renderer(tmp_path, {
        "_m.html": "{% macro item(x, level) %}{{ count(x.name) }}<h{{ level }}>{{ x.name }}</h{{ level }}>{% endmacro %}",
        "list.html": '{% import "_m.html" as m %}{% for x in items %}{{ memo(m.item, x, 2) }}{% endfor %}'})
    a, b = Item("a"), Item("<b>")
    page = Page(url="l/", template="list.html", context={"items": (a, b, a)})
    assert renderer.render(page) == "<h2>a</h2><h2>&lt;b&gt;</h2><h2>a</h2>"
    assert calls == ["a", "<b>"]  # the same object with the same arguments: rendered once
    renderer.forget_unused()
    renderer.render(Page(url="l/", template="list.html", context={"items": (a,)}))
    assert calls == ["a", "<b>"]  # kept from the last build
    renderer.forget_unused()
    renderer.forget_unused()  # b was not used for a whole build: forgotten
    renderer.render(Page(url="l/", template="list.html", context={"items": (Item("a"), b)}))
    assert calls == ["a", "<b>", "a", "<b>"]  # neither was used for a whole build: both forgotten
    renderer.render(Page(url="l/", template="list.html", context={"items": (Item("a"), Item("c"))}))
    assert calls == ["a", "<b>", "a", "<b>", "c"]  # an equal new object is the same value; another is not


def test_memo_tells_tuples_apart_by_their_items(tmp_path):
    renderer, calls = counting_renderer(tmp_path, {
        "_m.html": "{% macro group(xs) %}{{ count(xs | length) }}{% for x in xs %}{{ x.name }}{% endfor %}{% endmacro %}",
        "g.html": '{% import "_m.html" as m %}{{ memo(m.group, items) }}'})
    a, b = Item("a"), Item("b")

    def render(items):
        return renderer.render(Page(url="g/", template="g.html", context={"items": items}))
    assert render((a, b)) == render(tuple([a, b])) == "ab"  # a new tuple of the same items: rendered once
    assert render((a, Item("b"))) == "ab" and calls == [2]  # equal items are the same values
    assert render((a, Item("c"))) == "ac" and calls == [2, 2]  # another item: rendered again


def build_error(root) -> list:
    """The problems of building root, which must fail."""
    with pytest.raises(BuildError) as error:
        build_site(root)
    return error.value.problems


def test_a_site_template_that_extends_its_own_name_extends_the_bundled_one_on_every_page(make_site):
    root = make_site({"content/a.md": report("Alpha"), "templates/static/mine.css": "p{}",
                      "templates/base.html": '{% extends "base.html" %}{% block head %}'
                                             '<link rel="stylesheet" href="{{ static(\'mine.css\') }}">{% endblock %}'})
    build_site(root)
    for page in ("index.html", "reports/a/index.html", "topics/ai/index.html", "search/index.html"):
        html = (root / "output" / page).read_text()
        assert html.count("/static/mine.") == 1 and 'class="site-header"' in html, page


def test_a_bang_names_the_bundled_template_from_any_site_template(make_site):
    root = make_site({"content/a.md": report("Alpha"),
                      "templates/report.html": '{% extends "!report.html" %}{% block title %}Mine{% endblock %}',
                      "templates/home.html": '{% include "!home.html" %}<p>after the bundled home</p>'})
    build_site(root)
    assert "<title>Mine</title>" in (root / "output" / "reports" / "a" / "index.html").read_text()
    home = (root / "output" / "index.html").read_text()
    assert 'class="site-header"' in home and home.endswith("<p>after the bundled home</p>")


def test_templates_that_extend_each_other_in_a_loop_are_an_error_naming_the_files(make_site):
    root = make_site({"content/a.md": report("Alpha"), "templates/report.html": 'A page\n{% extends "page.html" %}',
                      "templates/page.html": '{% extends "report.html" %}'})
    (problem,) = build_error(root)
    assert (problem.path, problem.line) == ("templates/report.html", 2)
    assert "templates/report.html -> templates/page.html -> templates/report.html" in problem.message
    assert problem.message.endswith(", rendering /reports/a/") and '"!name.html"' in problem.hint


def test_a_macro_that_calls_itself_without_end_is_an_error_naming_its_file(make_site):
    root = make_site({"content/a.md": report("Alpha"),
                      "templates/report.html": '\n{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}'})
    (problem,) = build_error(root)
    assert (problem.path, problem.line) == ("templates/report.html", 2) and "calls itself" in problem.message


def test_a_missing_bundled_template_is_named_as_such(make_site):
    root = make_site({"content/a.md": report("Alpha"), "templates/report.html": '{% extends "!reports.html" %}'})
    (problem,) = build_error(root)
    assert problem.path == "templates/report.html"
    assert "there is no template 'reports.html' in the bundled theme" in problem.message


def test_every_failing_template_is_listed_once_with_the_pages_it_stopped(make_site):
    root = make_site({**{f"content/r{n}.md": report(f"R{n}") for n in range(5)},
                      "templates/report.html": "line one\n{{ report.title + 1 }}",
                      "templates/topic.html": "{{ missing.value }}"})
    report_problem, topic_problem = build_error(root)
    assert (report_problem.path, report_problem.line) == ("templates/report.html", 2)
    assert report_problem.message == ('template error: TypeError: can only concatenate str (not "int") to str, '
                                      "rendering /reports/r0/, /reports/r1/, /reports/r2/ and 2 more pages")
    assert report_problem.hint == "check the expression on this line" and "Traceback" in report_problem.detail
    assert topic_problem.path == "templates/topic.html" and "'missing' is undefined" in topic_problem.message
    assert not (root / "output").exists()


def test_a_failure_in_the_bundled_theme_is_a_problem_naming_the_template_and_page_without_a_traceback(
        make_site, monkeypatch, capsys):
    def broken(self, name):
        raise ValueError("an invented failure")

    monkeypatch.setattr(Renderer, "static", broken)
    root = make_site({"content/a.md": report("Alpha")})
    assert cli.main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"error: {default_theme() / 'base.html'}:" in err
    assert "could not be rendered: ValueError: an invented failure, rendering /, /404.html, /archive/ and 4 more" in err
    assert BUG_HINT in err and "Traceback" not in err


def test_memo_never_shows_one_pages_fragment_on_another_when_the_macro_reads_the_page(tmp_path):
    renderer, calls = counting_renderer(tmp_path, {
        "_m.html": "{% macro item(x) %}{{ count(x.name) }}{{ x.name }} on {{ page.url }}{% endmacro %}",
        "p.html": '{% import "_m.html" as m with context %}{{ memo(m.item, item) }}'})
    item = Item("a")
    first, second = (renderer.render(Page(url=url, template="p.html", context={"item": item})) for url in "xy")
    assert (first, second, calls) == ("a on x", "a on y", ["a", "a"])


def test_memo_tells_apart_macros_of_one_name_in_two_files_and_keeps_each(tmp_path):
    renderer, calls = counting_renderer(tmp_path, {
        "a.html": "{% macro item(x) %}{{ count(1) }}A {{ x }}{% endmacro %}",
        "b.html": "{% macro dot() %}.{% endmacro %}{% macro item(x) %}{{ count(2) }}B {{ x }}{{ dot() }}{% endmacro %}",
        "p.html": '{% import "a.html" as a %}{% import "b.html" as b with context %}'
                  '{{ memo(a.item, 1) }} {{ memo(b.item, 1) }} {{ memo(a.item, True) }}'})
    page = Page(url="p/", template="p.html", context={})
    assert renderer.render(page) == renderer.render(page) == "A 1 B 1. A True"
    assert calls == [1, 2, 1]  # each file's macro once per argument, True apart from 1


def test_memo_calls_the_macro_afresh_for_arguments_that_may_change(tmp_path):
    renderer, calls = counting_renderer(tmp_path, {
        "_m.html": "{% macro item(xs) %}{{ count(xs | length) }}{{ xs | join }}{% endmacro %}",
        "p.html": '{% import "_m.html" as m %}{{ memo(m.item, items) }}{% set _ = items.append("c") %}'
                  '{{ memo(m.item, items) }}'})
    assert renderer.render(Page(url="p/", template="p.html", context={"items": ["a", "b"]})) == "ababc"
    assert calls == [2, 3]


def test_a_sites_own_card_that_reads_the_page_shows_each_page_its_own(make_site):
    bundled = (default_theme() / "_macros.html").read_text()
    card_body = '{% macro card_body(report, heading_level, lead) %}\n<p class="seen-from">{{ page.url }}</p>'
    root = make_site({**{f"content/r{n}.md": report(f"Report {n}") for n in range(3)},
                      "templates/_macros.html": bundled.replace(
                          "{% macro card_body(report, heading_level, lead) %}", card_body)})
    build_site(root)
    for n in range(3):
        html = (root / "output" / "reports" / f"r{n}" / "index.html").read_text()
        assert html.count(f'<p class="seen-from">reports/r{n}/</p>') == 2  # its two Explore-more cards


def test_the_readme_documents_every_variable_each_template_receives(tmp_path):
    shutil.copytree(FIXTURE_SITE, tmp_path, dirs_exist_ok=True)
    site = build(BuildOptions(root=tmp_path, output=tmp_path / "output", now=NOW)).site
    lines = (REPO / "README.md").read_text().splitlines()
    everywhere = {"site", "page", "kind", "url", "absolute_url", "static", "memo"}
    assert all(any(line.startswith(f"| `{name}") for line in lines) for name in everywhere)
    reports = {r.slug: r for r in published_reports(tmp_path)}
    for spec in site.pages:
        page = page_of(spec, reports, reports.get(spec.own), 3, load_language("en", (default_theme(),)))
        row = next(line for line in lines if line.startswith("| `") and f"`{page.template}`" in line.split(" | ")[0])
        assert {key for key in page.context if key not in everywhere and f"`{key}`" not in row} == set(), row
