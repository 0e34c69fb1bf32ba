"""Tokenizer and per-report term weights."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from builder.terms import SPACELESS_CHAR, STOPWORDS, report_terms, stopwords_for, tokenize


def test_lowercases_and_splits_on_non_word_characters():
    assert tokenize("Open-Weight Models: APIs, 5G & AI!") == ["open", "weight", "models", "apis", "5g", "ai"]


def test_drops_stopwords_and_one_character_tokens():
    assert tokenize("The cost of a 5 x rollout is in the towers") == ["cost", "rollout", "towers"]


def test_strips_possessive_with_straight_or_curly_apostrophe():
    assert tokenize("The EU's toolbox and Latin America’s rollout") == ["eu", "toolbox", "latin", "america", "rollout"]


def test_contractions_collapse_and_common_ones_are_stopwords():
    assert tokenize("Operators don't wait; rock'n'roll") == ["operators", "wait", "rocknroll"]


def test_unicode_letters_are_words_folded_as_readers_type_them():
    assert tokenize("Café in Zürich, Straße, 東京 and Ｆｕｌｌｗｉｄｔｈ") == ["cafe", "zurich", "strasse", "東京", "fullwidth"]


def test_a_language_adds_its_own_function_words_to_english_ones():
    spanish = stopwords_for("es")
    assert tokenize("La red de fibra y el 5G en América", spanish) == ["red", "fibra", "5g", "america"]
    assert STOPWORDS < spanish and stopwords_for("xx") == STOPWORDS


def test_underscore_splits_like_punctuation():
    assert tokenize("snake_case names") == ["snake", "case", "names"]


def test_empty_text():
    assert tokenize("") == []
    assert report_terms("", "", "") == ()


@given(st.text())
def test_tokens_are_clean(text):
    tokens = tokenize(text)
    assert tokens == tokenize(text)
    for tok in tokens:
        assert len(tok) > 1 or SPACELESS_CHAR.match(tok)
        assert tok not in STOPWORDS
        assert not any(ch.isspace() for ch in tok)


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Po"), max_codepoint=0x17F)))
def test_tokenizing_tokens_gives_them_back(text):
    tokens = tokenize(text)
    assert tokenize(" ".join(tokens)) == tokens


def test_title_and_summary_are_boosted_over_body():
    terms = dict(report_terms("Spectrum", "Coverage", "towers towers"))
    # One title occurrence counts 3, one summary occurrence 2, a body occurrence 1.
    assert terms["spectrum"] > terms["coverage"] == terms["towers"] > dict(report_terms("", "", "towers"))["towers"]


def test_sorted_by_weight_then_term_and_limited():
    terms = report_terms("", "", "delta alpha charlie bravo alpha bravo", limit=3)
    assert terms == tuple(sorted(terms, key=lambda tw: (-tw[1], tw[0])))
    assert [t for t, _ in terms] == ["alpha", "bravo", "charlie"]
    assert report_terms("", "", "alpha beta", limit=0) == ()


def test_weights_are_sublinear_and_positive():
    terms = dict(report_terms("", "", "single " + "often " * 20))
    assert terms["single"] == 1.0
    assert 1.0 < terms["often"] < 5.0


def test_pure_and_deterministic():
    args = ("A title", "A summary of things", "Body text with words, words and more words.")
    assert report_terms(*args) == report_terms(*args)


def test_tokens_given_by_the_build_give_the_same_terms():
    args = ("A title", "A summary of things", "Body text with words, words and more words.")
    assert report_terms(*args, text_tokens=tokenize(args[2])) == report_terms(*args)
