import pytest

from builder.__main__ import main
from builder.build import BuildOptions
from builder.check import check_site
from builder.config import load_config, parse_config
from builder.errors import BuildError
from builder.preview import Preview
from builder.watch import CONFIG, classify
from conftest import NOW, report


def test_missing_pyproject_gives_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.per_page == 10 and config.related_count == 5


def test_settings_are_read_from_the_tool_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.trendsite]\ntitle = "X"\nper_page = 3\n'
                                             'base_url = "https://example.org/sub"\n')
    config = load_config(tmp_path)
    assert (config.title, config.per_page) == ("X", 3)
    assert config.base_url == "https://example.org/sub/" and config.base_path == "/sub/"


def test_every_bad_setting_is_reported_at_once():
    with pytest.raises(BuildError) as error:
        parse_config({"titel": "x", "per_page": "ten", "related_count": True, "feed_size": 0})
    messages = [p.message for p in error.value.problems]
    assert len(messages) == 4
    assert any("unknown setting" in m and "titel" in m for m in messages)
    assert any("per_page must be a whole number" in m for m in messages)
    assert any("related_count must be a whole number, got True" in m for m in messages)
    assert any("feed_size must be between 1 and 500" in m for m in messages)


def test_relative_base_url_is_refused():
    with pytest.raises(BuildError, match="base_url must be an absolute"):
        parse_config({"base_url": "/trends/"})


def test_broken_toml_names_the_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.trendsite]\ntitle = "unclosed\n')
    with pytest.raises(BuildError) as error:
        load_config(tmp_path)
    assert error.value.problems[0].path == "pyproject.toml"
    assert error.value.problems[0].line == 2


@pytest.mark.parametrize("zone", ["Mars/Base", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_a_settings_error(zone):
    with pytest.raises(BuildError) as error:
        parse_config({"timezone": zone})
    (problem,) = error.value.problems
    assert problem.message == f"[tool.trendsite] timezone must be a time zone name, got {zone!r}"


def test_a_time_zone_name_is_accepted():
    assert parse_config({"timezone": "Europe/Berlin"}).timezone == "Europe/Berlin"


def test_a_byte_order_mark_is_read_past(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b'\xef\xbb\xbf[tool.trendsite]\ntitle = "X"\n')
    assert load_config(tmp_path).title == "X"


def test_a_file_not_in_utf8_says_so_and_where(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.trendsite]\ntitle = "caf\xe9"\n')
    with pytest.raises(BuildError) as error:
        load_config(tmp_path)
    assert str(error.value) == ("pyproject.toml:2: is not UTF-8: byte 0xe9 at offset 29 "
                                "(save the file as UTF-8 in your editor)")


def test_broken_links_is_error_or_warn():
    assert parse_config({"broken_links": "warn"}).broken_links == "warn"
    with pytest.raises(BuildError) as error:
        parse_config({"broken_links": "ignore"})
    assert error.value.problems[0].message == "[tool.trendsite] broken_links must be 'error' or 'warn', got 'ignore'"


def test_without_base_url_build_and_check_warn_that_feeds_and_the_sitemap_point_at_localhost(make_site, capsys):
    root = make_site({"content/a.md": report("Alpha")})
    (warned,) = [f for f in check_site(BuildOptions(root=root, output=root / "output", now=NOW))
                 if "base_url" in f.message]
    assert (warned.path, warned.severity) == ("pyproject.toml", "warning")
    assert "feeds, the sitemap and canonical URLs point at http://localhost:8000/" in warned.message
    assert "--base-url" in warned.hint
    assert main(["build", "--root", str(root)]) == 0
    assert f"warning: {warned}" in capsys.readouterr().err.splitlines()
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/"\n',
                      "content/a.md": report("Alpha")})
    assert not [f for f in check_site(BuildOptions(root=root, output=root / "output", now=NOW))
                if "base_url" in f.message]
    assert main(["build", "--root", str(root)]) == 0
    assert "base_url" not in capsys.readouterr().err


def test_build_base_url_overrides_the_setting_for_a_deploy_preview(make_site, capsys):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/trends/"\n',
                      "content/a.md": report("Alpha", body="[home](/)")})
    feed, page = root / "output" / "feed.xml", root / "output" / "reports" / "a" / "index.html"
    assert main(["build", "--root", str(root), "--base-url", "https://preview.x.org/pr-7"]) == 0
    assert "<id>https://preview.x.org/pr-7/feed.xml</id>" in feed.read_text()
    assert 'href="/pr-7/">home' in page.read_text()
    assert main(["build", "--root", str(root)]) == 0  # the next build without it is the site's again
    assert "<id>https://x.org/trends/feed.xml</id>" in feed.read_text()
    assert 'href="/trends/">home' in page.read_text()
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--root", str(root), "--base-url", "preview.x.org"])
    assert stopped.value.code == 2
    assert "--base-url: must be an absolute http(s) URL, got 'preview.x.org'" in capsys.readouterr().err


@pytest.mark.parametrize("base_url", ['https://x.org/a"b/', "https://x.org/my trends/", "https://x.org/<x>/"])
def test_a_base_url_that_would_break_every_link_is_refused(base_url):
    with pytest.raises(BuildError) as error:
        parse_config({"base_url": base_url})
    assert "base_url must have no spaces, quotes or angle brackets (%-encode them)" in error.value.problems[0].message


def test_serve_does_not_warn_about_base_url_as_it_serves_this_computer(make_site):
    root = make_site({"content/a.md": "---\ntitle: A\ndate: not a date\n---\n"})
    outcome = Preview(BuildOptions(root=root, output=root / "output", now=NOW)).rebuild(None)
    assert [p.path for p in outcome.problems] == ["content/a.md"]


def test_settings_are_read_from_trendsite_toml_at_its_top_level(tmp_path):
    (tmp_path / "trendsite.toml").write_text('title = "X"\nper_page = 3\n')
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "not-the-site"\n')
    config = load_config(tmp_path)
    assert (config.title, config.per_page) == ("X", 3)


def test_settings_in_both_trendsite_toml_and_pyproject_are_an_error_naming_both(tmp_path):
    (tmp_path / "trendsite.toml").write_text('title = "X"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.trendsite]\ntitle = "Y"\n')
    with pytest.raises(BuildError) as error:
        load_config(tmp_path)
    (problem,) = error.value.problems
    assert problem.path == "trendsite.toml"
    assert "trendsite.toml" in problem.message and "[tool.trendsite] of pyproject.toml" in problem.message


def test_problems_in_trendsite_toml_name_that_file_without_a_table(tmp_path):
    (tmp_path / "trendsite.toml").write_text('titel = "X"\nper_page = 0\n')
    with pytest.raises(BuildError) as error:
        load_config(tmp_path)
    assert [(p.path, p.message) for p in error.value.problems] == [
        ("trendsite.toml", "per_page must be between 1 and 500, got 0"),
        ("trendsite.toml", "unknown setting 'titel'")]
    (tmp_path / "trendsite.toml").write_text('title = "unclosed\n')
    with pytest.raises(BuildError) as error:
        load_config(tmp_path)
    assert (error.value.problems[0].path, error.value.problems[0].line) == ("trendsite.toml", 1)


def test_the_base_url_warning_names_trendsite_toml_when_the_site_has_one(make_site):
    root = make_site({"trendsite.toml": 'title = "X"\n', "content/a.md": report("Alpha")})
    (warned,) = [f for f in check_site(BuildOptions(root=root, output=root / "output", now=NOW))
                 if "base_url" in f.message]
    assert warned.path == "trendsite.toml" and "in trendsite.toml" in warned.hint


def test_serve_rebuilds_the_settings_when_trendsite_toml_changes():
    assert classify("trendsite.toml") == CONFIG and classify("pyproject.toml") == CONFIG
    assert classify("sub/trendsite.toml") is None


def test_extra_settings_reach_every_template_as_site_extra(make_site):
    root = make_site({
        "trendsite.toml": 'base_url = "https://x.org/"\n[extra]\nanalytics = "UA-7"\nbanner = {text = "Sale", on = true}\n',
        "templates/base.html": '{% extends "base.html" %}{% block head %}<meta name="a" content="{{ site.extra.analytics }}">'
                               '{% if site.extra.banner.on %}<meta name="b" content="{{ site.extra.banner.text }}">'
                               '{% endif %}{% endblock %}',
        "content/a.md": report("Alpha")})
    assert main(["build", "--root", str(root)]) == 0
    for page in ("index.html", "reports/a/index.html", "topics/index.html"):
        html = (root / "output" / page).read_text()
        assert '<meta name="a" content="UA-7">' in html and '<meta name="b" content="Sale">' in html


def test_extra_must_be_a_table():
    with pytest.raises(BuildError) as error:
        parse_config({"extra": "analytics"})
    assert error.value.problems[0].message == "[tool.trendsite] extra must be a table, got 'analytics'"


def test_markdown_extensions_add_python_markdown_extensions_with_their_settings(make_site):
    root = make_site({"trendsite.toml": 'markdown_extensions = ["pymdownx.tilde"]\n',
                      "content/a.md": report("Alpha", body="Was ~~struck~~, H~2~O.")})
    assert main(["build", "--root", str(root)]) == 0
    page = root / "output" / "reports" / "a" / "index.html"
    assert "<del>struck</del>" in page.read_text() and "<sub>2</sub>" in page.read_text()
    # The extensions and their settings are part of what a stored report was made from.
    (root / "trendsite.toml").write_text('markdown_extensions = [{"pymdownx.tilde" = {subscript = false}}]\n')
    assert main(["build", "--root", str(root)]) == 0
    assert "<del>struck</del>" in page.read_text() and "<sub>" not in page.read_text()
    (root / "trendsite.toml").write_text("")
    assert main(["build", "--root", str(root)]) == 0
    assert "<del>" not in page.read_text()


@pytest.mark.parametrize("setting, message", [
    ('["pymdownx.nope"]', "the Markdown extension 'pymdownx.nope' cannot be loaded: No module named 'pymdownx.nope'"),
    ('[{"pymdownx.tilde" = {subscript = false, colour = "red"}}]', "the Markdown extension 'pymdownx.tilde' has no setting 'colour'"),
    ('["toc"]', "the Markdown extension 'toc' is one trendsite sets up itself"),
    ('["nl2br", "nl2br"]', "the Markdown extension 'nl2br' is listed twice"),
    ('[3]', "markdown_extensions item 1 must be a name or a table of one name and its settings, got 3"),
    ('"nl2br"', "markdown_extensions must be a list of extension names, got 'nl2br'"),
])
def test_a_markdown_extension_that_cannot_be_used_is_a_settings_error_naming_it(tmp_path, setting, message):
    (tmp_path / "trendsite.toml").write_text(f"markdown_extensions = {setting}\n")
    with pytest.raises(BuildError) as error:
        load_config(tmp_path)
    assert [(p.path, p.message) for p in error.value.problems] == [("trendsite.toml", message)]


def test_a_markdown_extension_failing_on_a_report_is_named_with_the_report(make_site, monkeypatch, capsys):
    root = make_site({"trendsite.toml": 'markdown_extensions = ["shouting"]\n',
                      "shouting.py": "from markdown.extensions import Extension\nfrom markdown.preprocessors import "
                                     "Preprocessor\n\nclass Shout(Preprocessor):\n    def run(self, lines):\n"
                                     "        if 'boom' in lines:\n            raise ValueError('no boom')\n"
                                     "        return lines\n\nclass ShoutExtension(Extension):\n"
                                     "    def extendMarkdown(self, md):\n"
                                     "        md.preprocessors.register(Shout(md), 'shout', 1)\n\n"
                                     "def makeExtension(**kwargs):\n    return ShoutExtension(**kwargs)\n",
                      "content/a.md": report("Alpha", body="boom")})
    monkeypatch.syspath_prepend(str(root))
    assert main(["build", "--root", str(root)]) == 1
    assert ("error: content/a.md:6: the Markdown extension 'shouting' failed: ValueError: no boom"
            in capsys.readouterr().err)
