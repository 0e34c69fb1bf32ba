"""The site's language: Babel's locale for dates, numbers and plural rules, the direction of its script, and
the theme's strings translated through gettext catalogs.

A catalog is a .po file at locale/<locale>/LC_MESSAGES/messages.po in a theme folder: the bundled theme
ships some, and a site's templates/locale/ adds its own language or rewords single strings of a shipped
one. They are read as text with Babel, never compiled to .mo files: a site adds a catalog by saving a .po
file, with no msgfmt step and no binary to go stale, and the text read is what engine.read_settings
digests with every theme file, so a page is made again when a translation it shows changes.
"""
from __future__ import annotations

import functools
import gettext
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Sequence

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from .errors import Problem, warning
from .model import SiteConfig
from .terms import stopwords_for

CATALOG = "locale/{}/LC_MESSAGES/messages.po"
# The language the theme's templates are written in: it needs no catalog.
SOURCE_LANGUAGE = "en"
# Numbers the plural categories of the script's strings are picked with (see Language.plurals); a
# million is the smallest number some languages put in a category of its own ("1 000 000 de rapports").
_PLURAL_SAMPLES = (*range(200), 1_000_000)


def parse_locale(value: str) -> Locale | None:
    """Babel's locale for a language setting such as "es", "pt-BR" or "pt_BR"; None if CLDR has none."""
    try:
        locale = Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return None if locale.language == "root" else locale  # CLDR's fallback data, not a language


def site_stopwords(config: SiteConfig) -> frozenset[str]:
    """The words the site's terms and search index leave out (terms.stopwords_for its language)."""
    return stopwords_for((parse_locale(config.language) or Locale.parse(SOURCE_LANGUAGE)).language)


def language_tag(locale: Locale) -> str:
    """The BCP 47 tag <html lang> wants: "pt-BR", "zh-Hant-TW"."""
    return "-".join(part for part in (locale.language, locale.script, locale.territory, locale.variant) if part)


@functools.lru_cache(maxsize=4096)
def _grouped(value: int, locale: Locale) -> str:
    # Page numbers and counts repeat across thousands of pages; Babel takes tens of microseconds each.
    return format_decimal(value, locale=locale)


@dataclass(frozen=True, eq=False)
class Language:
    """What pages show in the site's language: its strings, dates and numbers, and its direction."""

    tag: str  # BCP 47
    locale: Locale
    translations: gettext.NullTranslations
    problems: tuple[Problem, ...] = ()  # catalogs that could not be read, a language without one
    stopwords: frozenset[str] = field(default_factory=frozenset)

    @property
    def direction(self) -> str:
        """"rtl" for right-to-left scripts (Arabic, Hebrew...), else "ltr"."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    def gettext(self, message: str, **values: object) -> str:
        """The message in the site's language, with %(name)s placeholders filled from `values`."""
        return self.translations.gettext(message) % values if values else self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        """The form of the message for `count` (see counted), other placeholders filled from `values`."""
        return self.counted(singular, plural, count) % values

    def counted(self, singular: str, plural: str, count: int) -> str:
        """The form of the message for `count`, its %(num)s the count as the language writes numbers ("1.234"),
        other placeholders left in; templates' ngettext."""
        return self.translations.ngettext(singular, plural, count).replace("%(num)s", self.number(count))

    def plurals(self, singular: str, plural: str) -> dict[str, str]:
        """Each form of a message by CLDR plural category ("one", "few", "other"...), placeholders left in,
        for scripts that pick one with the browser's Intl.PluralRules."""
        samples: dict[str, int] = {}
        for n in _PLURAL_SAMPLES:
            samples.setdefault(self.locale.plural_form(n), n)
        return {category: self.translations.ngettext(singular, plural, n) for category, n in samples.items()}

    def date(self, moment: datetime) -> str:
        """A day as the language writes it in full: "8 de octubre de 2026"."""
        return format_date(moment, "long", locale=self.locale)

    def month(self, moment: date) -> str:
        """A month and its year: "marzo de 2026"."""
        return format_skeleton("yMMMM", moment, locale=self.locale)

    def time_locale(self) -> dict[str, object]:
        """d3's time-format locale for the language (what vl-convert names months and days with), from CLDR;
        its date and time patterns are d3's own, as charts spell out the formats they show."""
        def names(table, width: str, keys) -> list[str]:
            return [table["stand-alone"][width][key] for key in keys]
        sunday_first = (6, 0, 1, 2, 3, 4, 5)  # d3 starts the week on Sunday, CLDR's numbering on Monday
        return {"dateTime": "%x, %X", "date": "%-m/%-d/%Y", "time": "%-I:%M:%S %p",
                "periods": [self.locale.day_periods["format"]["abbreviated"][p] for p in ("am", "pm")],
                "days": names(self.locale.days, "wide", sunday_first),
                "shortDays": names(self.locale.days, "abbreviated", sunday_first),
                "months": names(self.locale.months, "wide", range(1, 13)),
                "shortMonths": names(self.locale.months, "abbreviated", range(1, 13))}

    def number(self, value: int) -> str:
        """A whole number with the language's digit grouping: "12.345"."""
        return _grouped(value, self.locale)

    def percent(self, value: int) -> str:
        """A whole percentage as the language writes it: "30 %" in French."""
        return format_percent(value / 100, locale=self.locale)

    def markup_titles(self) -> tuple[str, ...]:
        """markup.TITLES in the site's language, their placeholders as str.format's."""
        def braced(text: str) -> str:
            return re.sub(r"%\((\w+)\)s", r"{\1}", text.replace("{", "{{").replace("}", "}}"))
        back = braced(self.gettext("Jump back to footnote %(num)s in the text")).replace("{num}", "{}")
        return (self.gettext("Link to this section"), back, self.gettext("Data table"),
                braced(self.gettext("Download %(file)s")),
                braced(self.gettext("The first %(shown)s of %(total)s rows.")))

    def script_text(self) -> dict[str, object]:
        """The strings static/search.js shows once it has the index, translated; the index carries them."""
        return {
            "results": self.plurals("%(num)s result for “%(query)s”", "%(num)s results for “%(query)s”"),
            "all": self.plurals("All %(num)s result", "All %(num)s results"),
            "none": self.gettext("No reports match “%(query)s”."),
            "longer": self.gettext("Type a longer word to search."),
            "typing": self.gettext("Keep typing to search."),
            "page": self.gettext("Open on the search page"),
        }


def load_language(value: str, dirs: Sequence[Path]) -> Language:
    """The language of the setting `value` (config.parse_config checked it), with the catalogs of the theme
    folders `dirs` (the site's first): for "pt-BR", the site's pt_BR, then its pt, then the theme's."""
    locale = parse_locale(value) or Locale.parse(SOURCE_LANGUAGE)
    names = [str(locale)] + ([locale.language] if str(locale) != locale.language else [])
    translations: gettext.NullTranslations | None = None
    problems: list[Problem] = []
    for folder in dirs:
        for name in names:
            path = folder / CATALOG.format(name)
            if not path.is_file():
                continue
            shown = f"templates/{CATALOG.format(name)}" if len(dirs) > 1 and folder == dirs[0] else str(path)
            read = _read_catalog(path, shown, locale, problems)
            if read is not None and translations is None:
                translations = read
            elif read is not None:
                translations.add_fallback(read)
    if translations is None and locale.language != SOURCE_LANGUAGE:
        problems.append(warning("pyproject.toml", None, f"the theme has no translation into {value!r}: its "
                                f"strings show in English", f"add templates/{CATALOG.format(locale.language)} "
                                "(copy one the theme ships, such as its es catalog, and translate it)"))
    return Language(tag=language_tag(locale), locale=locale, translations=translations or gettext.NullTranslations(),
                    problems=tuple(problems), stopwords=stopwords_for(locale.language))


def _read_catalog(path: Path, shown: str, locale: Locale, problems: list[Problem]) -> Translations | None:
    try:
        with path.open("rb") as file:
            catalog = read_po(file, locale=locale, abort_invalid=True)
    except PoFileError as error:
        # Babel counts lines from 0 and says so at the end of its message: "... on 2".
        message = re.sub(r" on \d+$", "", str(error))
        problems.append(Problem(shown, error.lineno + 1, f"not a valid gettext catalog: {message}",
                                'each entry is a msgid "..." line and a msgstr "..." line'))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(shown, None, "is not UTF-8", "save the file as UTF-8 in your editor"))
        return None
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # in memory: gettext's reader takes the compiled form
    compiled.seek(0)
    return Translations(compiled)
