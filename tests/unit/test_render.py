import pytest

from builder.errors import BuildError
from builder.model import Page, SiteConfig
from builder.render import Renderer, collect_static, default_theme, theme_dirs


def renderer_for(tmp_path, templates: dict[str, str]):
    folder = tmp_path / "templates"
    (folder / "static").mkdir(parents=True)
    (folder / "static" / "style.css").write_text("body{}")
    for name, text in templates.items():
        (folder / name).write_text(text)
    dirs = theme_dirs(tmp_path)
    return Renderer(SiteConfig(base_url="https://example.org/sub/"), dirs, collect_static(dirs))


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


class Item:
    def __init__(self, name: str):
        self.name = name


def counting_renderer(tmp_path, templates: dict[str, str]):
    """A renderer for `templates`, whose count(x) records x in the list returned beside it."""
    calls = []
    renderer = renderer_for(tmp_path, templates)
    renderer.env.globals["count"] = lambda value: calls.append(value) or ""
    return renderer, calls
