"""Word tokens and per-report distinctive terms, shared by related reports and the search index."""
from __future__ import annotations

import functools
import math
import re
import sys
import unicodedata
from typing import Sequence

# static/search.js holds a copy of the folding and tokenising below (its block "The tokeniser of
# builder/terms.py"), and tests/unit/test_folding.py runs it against this one: a query finds a
# report only if both spell its words alike.


def _mark_ranges() -> str:
    """A character class body of every combining mark, which re's \\w leaves out: without them Hindi's vowel
    signs would cut its words apart. Marks are only in planes 0, 1 and 14."""
    spans, start = [], None
    for code in (*range(0x20000), *range(0xE0000, 0xE1000)):
        if unicodedata.category(chr(code))[0] == "M":
            start = code if start is None else start
        elif start is not None:
            spans.append(f"\\U{start:08x}-\\U{code - 1:08x}")
            start = None
    return "".join(spans)


@functools.cache
def _word() -> re.Pattern:
    """Letters, digits and marks of any script; an inner apostrophe keeps "don't" and "EU's" whole so the
    possessive can be stripped instead of leaving a stray "s" or "don" behind. Made on first use: listing
    the marks takes longer than any import a build that changes nothing needs."""
    letter = rf"[\w{_mark_ranges()}]"  # \w without "_": fold() turns it into a space
    return re.compile(rf"{letter}+(?:['’]{letter}+)*")


# Accents, and Arabic and Hebrew vowel points, which readers leave out as often as they write them.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                         "\u064b-\u065f\u0670\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]")
# Letters that are not a base letter and an accent, spelt as readers without them type them; the
# Arabic tatweel only stretches a word.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ς": "σ",
                          "ـ": None})
# Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): a run of them
# is indexed as its overlapping pairs of characters, which need no dictionary and find any word of two
# characters or more; a lone character is a word of its own.
_SPACELESS = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3005\u3040-\u30ff\u31f0-\u31ff"
              "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f")
_RUNS = re.compile(f"[{_SPACELESS}]+|[^{_SPACELESS}]+")
SPACELESS_CHAR = re.compile(f"[{_SPACELESS}]")  # search.py shards such terms by one character
# French and Italian articles and pronouns written against the next word: "l'économie" is "économie".
ELISIONS = frozenset("c d j l m n s t qu jusqu lorsqu puisqu quoiqu all dall dell nell sull un".split())

# A compact list: enough to keep function words out of term weights and the search index, short
# enough that topical words ("open", "cost", "network") are never swallowed.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    etc even ever every few for from further had has have having he her here hers herself him
    himself his how however if in into is it its itself just let may me might more most much
    must my myself neither no nor not now of off on once only or other our ours ourselves out
    over own per rather same shall she should since so some such than that the their theirs
    them themselves then there these they this those though through thus to too under until up
    upon us very via was we were what when where whether which while who whom whose why will
    with within without would yet you your yours yourself yourselves
    dont doesnt didnt isnt arent wasnt werent wont cant couldnt shouldnt wouldnt hasnt havent
    hadnt im ive youre youve theyre theyve weve thats theres whats lets
    """.split()
)
# The function words of the languages the theme is translated into, folded as fold() spells them.
# English's count in every language: reports quote it, and site names and terms of art are English.
_STOPWORDS_OF = {
    "es": """al algo ante antes aqui asi aun como con contra cual cuando de del desde donde durante el ella
             ellas ello ellos en entre era eran es esa esas ese eso esos esta estaba estan estas este esto
             estos fue fueron ha han hasta hay la las le les lo los mas me mi mientras muy ni no nos o otra
             otras otro otros para pero poco por porque que quien se ser si sido sin sobre son su sus
             tambien tan te tiene tienen todo todos tras tu un una unas uno unos usted y ya yo""",
    "pt": """ao aos aquela aquele aquilo as ate com como da das de dela dele deles depois do dos e ela elas
             ele eles em entre era essa esse esta este eu foi foram ha isso isto ja la lhe mais mas me mesmo
             muito na nao nas nem no nos num numa o os ou para pela pelas pelo pelos por qual quando que
             quem se sem ser seu seus so sua suas tambem te tem ter um uma umas uns voce""",
    "fr": """ai au aux avec ce ceci cela ces cet cette dans de des du elle elles en est et eu il ils je la le
             les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ont ou par pas plus pour qu
             que qui sa sans se ses si son sont sous sur ta te tes toi ton tous tout tres tu un une vos
             votre vous ete etre""",
    "de": """aber als am an auch auf aus bei bin bis bist da damit dann das dass dem den denn der des die
             dies diese dieser dieses doch dort du durch ein eine einem einen einer eines er es etwa fur hat
             hatte ich ihr ihre im in ist ja jede jedem jeden jeder jedes kann kein keine mit muss nach nicht
             noch nur ob oder ohne sehr sein seine sich sie sind so soll uber um und uns unter vom von vor
             war waren was weil wenn werden wie wieder will wir wird wo zu zum zur""",
}
# Weight of one occurrence by where it is: the title and summary say what a report is about.
TITLE_BOOST = 3.0
SUMMARY_BOOST = 2.0
DEFAULT_LIMIT = 32


def stopwords_for(language: str) -> frozenset[str]:
    """The words left out of terms and the search index for a language code ("es"): English's and its own."""
    return STOPWORDS | frozenset(_STOPWORDS_OF.get(language, "").split())


def fold(text: str) -> str:
    """`text` as terms are spelt: compatibility forms as their plain letters (NFKC: full-width letters,
    ligatures), lower case, without accents or vowel points. Plain lower(), not casefold(): search.js
    mirrors this with toLowerCase()."""
    text = unicodedata.normalize("NFKC", text).lower()
    if text.isascii():
        return text
    bare = _DIACRITICS.sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", bare).translate(_LETTERS)


def words(text: str) -> list[str]:
    """The terms of `text` before stopwords are left out: folded words of two characters or more, without a
    possessive 's or an elided article, and runs of a script without spaces as pairs of characters."""
    out = []
    for word in _word().findall(fold(text).replace("_", " ")):
        if "'" in word or "’" in word:
            word = word.replace("’", "'")
            if word.endswith("'s"):
                word = word[:-2]
            head, apostrophe, rest = word.partition("'")
            word = (rest if apostrophe and head in ELISIONS else word).replace("'", "")
        if SPACELESS_CHAR.search(word):
            for run in _RUNS.findall(word):
                if not SPACELESS_CHAR.match(run):
                    out += [run] if len(run) > 1 else []
                else:
                    out += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
        elif len(word) > 1:
            out.append(word)
    return out


def tokenize(text: str, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """The terms of `text` (see words) that are not stopwords."""
    return [w for w in words(text) if w not in stopwords]


def report_terms(
    title: str, summary: str, text: str, limit: int = DEFAULT_LIMIT, *, text_tokens: Sequence[str] | None = None,
    stopwords: frozenset[str] = STOPWORDS) -> tuple[tuple[str, float], ...]:
    """The report's `limit` heaviest terms as (term, weight), weight = 1 + ln(boosted count), heaviest first.

    `text_tokens`, if given, is tokenize(text, stopwords): the build tokenises a body once for these terms and
    the search index, as tokenising is most of the cost of both.
    """
    counts: dict[str, float] = {}
    for boost, part in ((TITLE_BOOST, title), (SUMMARY_BOOST, summary)):
        for tok in tokenize(part, stopwords):
            counts[tok] = counts.get(tok, 0.0) + boost
    for tok in tokenize(text, stopwords) if text_tokens is None else text_tokens:
        counts[tok] = counts.get(tok, 0.0) + 1.0
    # Sublinear tf: a word said 40 times is not 40 times as telling as one said once, and it keeps
    # a few repeated words from drowning the rest once idf is applied.
    weighted = [(1.0 + math.log(c), t) for t, c in counts.items()]
    # Explicit (weight desc, term asc) order: the cut at `limit` must not depend on dict order.
    weighted.sort(key=lambda wt: (-wt[0], wt[1]))
    # Interned, as the build cache decodes them: one shared string per word across all reports
    # saves memory and makes the related-reports index, which hashes every term, ~20% faster.
    return tuple((sys.intern(t), w) for w, t in weighted[: max(limit, 0)])
