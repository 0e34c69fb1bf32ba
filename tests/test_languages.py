"""The site's language: the theme's strings from gettext catalogs, dates and counts through Babel, a site's own
catalog, and the bundled sample site built in Spanish with none of the theme's English left on its pages."""
from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder.errors import BuildError
from catalogs import SHIPPED, TEMPLATE, catalog_path, extracted, new_catalog, read, text
from conftest import REPO, build_site, published_reports, report, write_site

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def sample_in(root: Path, language: str) -> Path:
    """The repository's sample site, its language set to `language`, built into root/output."""
    shutil.copytree(REPO / "content", root / "content")
    settings = (REPO / "pyproject.toml").read_text("utf-8")
    (root / "pyproject.toml").write_text(re.sub(r'(?m)^language = ".*"$', f'language = "{language}"', settings))
    build_site(root)
    return root


def test_the_catalog_template_lists_every_string_of_the_theme():
    found = extracted()
    if os.environ.get("TRENDSITE_UPDATE_CATALOGS"):
        TEMPLATE.write_text(text(found), "utf-8")
        for language in SHIPPED:
            catalog = read(catalog_path(language), language)
            catalog.update(found, no_fuzzy_matching=True)
            catalog_path(language).write_text(text(catalog), "utf-8")
    assert sorted(str(m.id) for m in read(TEMPLATE) if m.id) == sorted(str(m.id) for m in found if m.id), (
        "the theme's strings changed: TRENDSITE_UPDATE_CATALOGS=1 pytest tests/test_languages.py, then translate "
        "what that adds to each catalog")


@pytest.mark.parametrize("language", [language for language in SHIPPED if language != "en"])
def test_every_shipped_catalog_translates_every_string_with_its_placeholders(language):
    wanted = {m.id for m in read(TEMPLATE) if m.id}
    catalog = read(catalog_path(language), language)
    assert {m.id for m in catalog if m.id} == wanted
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        needed = set(PLACEHOLDER.findall(source[0])) - {"num"}  # a form may say "one" or "two" in words
        if message.fuzzy or len(forms) != (catalog.num_plurals if len(source) > 1 else 1) or any(
                not form or set(PLACEHOLDER.findall(form)) - set(PLACEHOLDER.findall(source[-1]))
                or needed - set(PLACEHOLDER.findall(form)) for form in forms):
            wrong.append(source[0])
    assert wrong == []


class VisibleText(HTMLParser):
    """What a reader sees or hears of a page: its text and the attributes shown or spoken in its place."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style", "noscript") or (tag == "template")
        self.parts += [value.strip() for name, value in attrs if name in self.SPOKEN and value and value.strip()]
        if tag == "meta" and dict(attrs).get("name") == "description":
            self.parts.append(dict(attrs)["content"])

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style", "noscript") or (tag == "template")

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def english_strings() -> list[str]:
    """The theme's strings, listed: the English of those its Spanish catalog words differently, as the words
    between their placeholders and markup ("Published by", "min read")."""
    spanish = read(catalog_path("es"), "es")
    pieces = set()
    for message in spanish:
        if message.id and message.string != message.id:
            for source in message.id if isinstance(message.id, tuple) else (message.id,):
                pieces |= {p.strip(" .,:·") for p in re.split(r"%\(\w+\)s|<[^>]+>|[“”]", source)}
    return sorted(p for p in pieces if re.search(r"[A-Za-z]{2}", p))


def writers_words(root: Path) -> str:
    """What the writers of the site at root wrote, in whatever language: its reports and settings."""
    return (root / "pyproject.toml").read_text("utf-8") + "\n".join(
        f"{r.title}\n{r.summary}\n{r.text}\n{' '.join(r.highlights)}\n{r.author}\n" + " ".join(t.name for t in r.topics)
        for r in published_reports(root))


def english_left(page: str, writers: str) -> list[str]:
    """The theme's English strings the HTML `page` shows or speaks, outside what its writers wrote."""
    parser = VisibleText()
    parser.feed(page)
    shown = [part for part in parser.parts if part not in writers]
    theme = english_strings()
    # A word alone ("On", "Feed") is the theme's where it is all of a text; words together, anywhere.
    alone, phrases = {s for s in theme if " " not in s}, [s for s in theme if " " in s]
    return sorted({part for part in shown if part.strip(" .:·") in alone} | {
        s for s in phrases for part in shown if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", part)})


def test_the_sample_site_in_spanish_shows_no_english_string_of_the_theme(tmp_path):
    root = sample_in(tmp_path, "es")
    assert {"Explore more", "min read", "Published by", "Link to this section", "Jump back to footnote", "On"} <= set(
        english_strings())
    writers = writers_words(root)
    found = {}
    for page in sorted((root / "output").rglob("*.html")):
        if english := english_left(page.read_text("utf-8"), writers):
            found[page.relative_to(root / "output").as_posix()] = english
    assert found == {}
    home = (root / "output" / "index.html").read_text("utf-8")
    assert '<html lang="es" dir="ltr"' in home and "8 de octubre de 2026" in home and "3 min de lectura" in home
    assert "17 informes, del más reciente al más antiguo." in (root / "output/archive/index.html").read_text("utf-8")
    manifest = json.loads((root / "output" / "search" / "index.json").read_text("utf-8"))
    assert manifest["text"]["none"] == "Ningún informe coincide con «%(query)s»."  # search.js fills it in


def test_feeds_and_search_results_carry_the_language_and_its_dates(tmp_path):
    root = sample_in(tmp_path, "de")
    feed = (root / "output" / "feed.xml").read_text("utf-8")
    assert 'xml:lang="de"' in feed
    docs = "".join(p.read_text("utf-8") for p in (root / "output" / "search" / "docs").iterdir())
    assert "8. Oktober 2026" in docs
    assert '"und"' in (root / "output" / "search" / "index.json").read_text("utf-8")  # German stopwords


def test_a_right_to_left_language_sets_the_direction_of_every_page(tmp_path):
    root = sample_in(tmp_path, "ar")
    pages = sorted((root / "output").rglob("*.html"))
    assert pages and all('<html lang="ar" dir="rtl"' in p.read_text("utf-8") for p in pages)


def test_an_unknown_language_is_an_error_naming_the_setting_with_an_example(make_site):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nlanguage = "espanol"\n', "content/a.md": report("A")})
    with pytest.raises(BuildError) as error:
        build_site(root)
    [problem] = error.value.problems
    assert problem.path == "pyproject.toml" and "language" in problem.message and "'espanol'" in problem.message
    assert 'language = "es"' in problem.hint


def test_a_language_is_written_as_html_wants_it(make_site):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nlanguage = "pt_br"\n', "content/a.md": report("A")})
    site = build_site(root).site
    assert site.config.language == "pt-BR"
    assert '<html lang="pt-BR" dir="ltr"' in (root / "output" / "index.html").read_text("utf-8")
    assert "Explorar mais" in (root / "output" / "index.html").read_text("utf-8")  # pt_BR falls back to pt


def site_catalog(language: str, entries: dict) -> str:
    """A site's .po file for `language` with these translations (plural ones: (singular, plural) -> forms)."""
    catalog = new_catalog(language)
    for source, translation in entries.items():
        catalog.add(source, translation)
    return text(catalog)


def test_a_site_catalog_rewords_single_strings_and_the_theme_s_catalog_gives_the_rest(make_site):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nlanguage = "es"\n', "content/a.md": report("A"),
                      "templates/locale/es/LC_MESSAGES/messages.po": site_catalog("es", {"Topics": "Materias"})})
    build_site(root)
    home = (root / "output" / "index.html").read_text("utf-8")
    assert ">Materias</a>" in home and ">Archivo</a>" in home
    assert (root / "output" / "topics" / "index.html").read_text("utf-8").count("<title>Materias ·") == 1


def test_a_site_adds_a_language_the_theme_lacks_and_without_one_is_warned(make_site):
    files = {"pyproject.toml": '[tool.trendsite]\nlanguage = "it"\n', "content/a.md": report("A", "2026-03-05")}
    bare = build_site(make_site(files)).site
    assert [w.message for w in bare.warnings if "translation" in w.message] == [
        "the theme has no translation into 'it': its strings show in English"]
    root = make_site({**files, "templates/locale/it/LC_MESSAGES/messages.po": site_catalog(
        "it", {"Explore more": "Scopri di più", ("%(num)s report", "%(num)s reports"): (
            "%(num)s rapporto", "%(num)s di rapporti", "%(num)s rapporti")})})
    site = build_site(root).site
    assert not [w for w in site.warnings if "translation" in w.message]
    home = (root / "output" / "index.html").read_text("utf-8")
    assert "Scopri di più" in home and "5 marzo 2026" in home
    assert "1 rapporto" in (root / "output" / "topics" / "index.html").read_text("utf-8")


def test_a_broken_site_catalog_is_an_error_naming_its_line(make_site):
    broken = site_catalog("es", {"Topics": "Materias"}) + 'msgid "Archive"\nmsgstr "Archivo"\nArchivo: Materias\n'
    root = make_site({"pyproject.toml": '[tool.trendsite]\nlanguage = "es"\n', "content/a.md": report("A"),
                      "templates/locale/es/LC_MESSAGES/messages.po": broken})
    with pytest.raises(BuildError) as error:
        build_site(root)
    [problem] = error.value.problems
    assert problem.path == "templates/locale/es/LC_MESSAGES/messages.po"
    assert problem.line == broken.count("\n") and "catalog" in problem.message


def test_editing_a_site_catalog_renders_again_the_pages_that_show_the_string(make_site):
    path = "templates/locale/es/LC_MESSAGES/messages.po"
    root = make_site({"pyproject.toml": '[tool.trendsite]\nlanguage = "es"\n', "content/a.md": report("A"),
                      path: site_catalog("es", {"Topics": "Materias"})})
    build_site(root)
    write_site(root, {path: site_catalog("es", {"Topics": "Asuntos"})})
    build_site(root)
    assert ">Asuntos</a>" in (root / "output" / "index.html").read_text("utf-8")
    assert ">Asuntos</a>" in (root / "output" / "reports" / "a" / "index.html").read_text("utf-8")
