"""Word tokens and per-report distinctive terms, shared by related reports and the search index."""
from __future__ import annotations

import math
import re
import sys
import unicodedata
from typing import Sequence

# Letters and digits of any script; an inner apostrophe keeps "don't" and "EU's" whole so the
# possessive can be stripped instead of leaving a stray "s" or "don" behind.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

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

# Weight of one occurrence by where it is: the title and summary say what a report is about.
TITLE_BOOST = 3.0
SUMMARY_BOOST = 2.0
DEFAULT_LIMIT = 32


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens of `text`: letters/digits, no 1-char tokens, no stopwords, no possessive 's."""
    # NFKC folds compatibility forms (full-width letters, ligatures) so they match their plain
    # spelling. Plain lower(), not casefold(): static/search.js mirrors this with toLowerCase().
    words = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    out = []
    for w in words:
        if "'" in w or "’" in w:
            w = w.replace("’", "'")
            if w.endswith("'s"):
                w = w[:-2]
            w = w.replace("'", "")
        if len(w) > 1 and w not in STOPWORDS:
            out.append(w)
    return out


def report_terms(
    title: str, summary: str, text: str, limit: int = DEFAULT_LIMIT, *, text_tokens: Sequence[str] | None = None
) -> tuple[tuple[str, float], ...]:
    """The report's `limit` heaviest terms as (term, weight), weight = 1 + ln(boosted count), heaviest first.

    `text_tokens`, if given, is tokenize(text): the build tokenises a body once for these terms and
    the search index, as tokenising is most of the cost of both.
    """
    counts: dict[str, float] = {}
    for boost, part in ((TITLE_BOOST, title), (SUMMARY_BOOST, summary)):
        for tok in tokenize(part):
            counts[tok] = counts.get(tok, 0.0) + boost
    for tok in tokenize(text) if text_tokens is None else text_tokens:
        counts[tok] = counts.get(tok, 0.0) + 1.0
    # Sublinear tf: a word said 40 times is not 40 times as telling as one said once, and it keeps
    # a few repeated words from drowning the rest once idf is applied.
    weighted = [(1.0 + math.log(c), t) for t, c in counts.items()]
    # Explicit (weight desc, term asc) order: the cut at `limit` must not depend on dict order.
    weighted.sort(key=lambda wt: (-wt[0], wt[1]))
    # Interned, as the build cache decodes them: one shared string per word across all reports
    # saves memory and makes the related-reports index, which hashes every term, ~20% faster.
    return tuple((sys.intern(t), w) for w, t in weighted[: max(limit, 0)])
