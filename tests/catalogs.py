"""The theme's strings as gettext extracts them: from its templates, and from the Python that makes page
titles and the search script's words. `TRENDSITE_UPDATE_CATALOGS=1 pytest tests/test_languages.py` writes
them to templates/locale/messages.pot and merges them into every shipped catalog (translate what that adds,
then review the diff)."""
from __future__ import annotations

import io
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from conftest import REPO

LOCALE = REPO / "templates" / "locale"
TEMPLATE = LOCALE / "messages.pot"
# Languages the theme ships a catalog for; English is the templates' own.
SHIPPED = ("en", "es", "pt", "fr", "de", "ar")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "plurals": (1, 2)}
METHODS = [("templates/**.html", "jinja2"), ("builder/listing.py", "python"), ("builder/languages.py", "python")]
JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true", "newstyle_gettext": "true"}


def extracted() -> Catalog:
    """Every string of the theme, where it is."""
    catalog = new_catalog()
    found = extract_from_dir(REPO, METHODS, keywords=KEYWORDS, options_map={"templates/**.html": JINJA})
    for path, line, message, comments, context in found:
        catalog.add(message, None, [(path, line)], auto_comments=comments, context=context)
    return catalog


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def text(catalog: Catalog) -> str:
    """The catalog as its .po file, without the header lines that would change it on every update or name
    no one."""
    out = io.BytesIO()
    write_po(out, catalog, omit_header=False, sort_output=True, width=120, include_lineno=False)  # stable as templates grow
    lines = out.getvalue().decode("utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(_HEADER_LINES_LEFT_OUT))


_HEADER_LINES_LEFT_OUT = ('"POT-Creation-Date', '"PO-Revision-Date', '"Generated-By', '"Report-Msgid-Bugs-To',
                          '"Last-Translator', '"Language-Team')


def new_catalog(language: str | None = None) -> Catalog:
    """An empty catalog of the theme's strings in `language` (None: the template), with trendsite's header."""
    name = Locale.parse(language).english_name if language else "The"
    return Catalog(locale=language, project="trendsite", version="1", charset="utf-8", fuzzy=False,
                   header_comment=f"# {name} strings of trendsite's bundled theme: {HEADER}")


HEADER = "see the README's Languages section."


def catalog_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "messages.po"
