"""Search folds accents and case and splits scripts without spaces alike on both sides: builder/terms.py
makes the index, the tokeniser block of static/search.js reads the query, run here in Node."""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess

import pytest

from builder.render import default_theme
from builder.terms import fold, tokenize, words

ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
START, END = "// -- The tokeniser of builder/terms.py", "// -- end of the tokeniser --"

# Each a trap for one side or the other: accents composed and not, ligatures, Turkish and German letters,
# final sigma, Arabic and Hebrew points, Indic vowel signs, kana and Han without spaces, elisions.
SAMPLES = [
    "Telefónica", "TELEFÓNICA", "Telefo\u0301nica", "l'économie d’Europe", "Straße STRASSE", "İstanbul ıstakoz",
    "ΟΔΟΣ οδός", "Ærø Œuvre Łódź Đakovo", "مُحَمَّد أحمد إسلام آمن العـــربية", "שָׁלוֹם עולם", "हिन्दी भाषा",
    "東京都に住む", "ｶﾀｶﾅ ＡＢＣ", "ภาษาไทย", "iPhone中文 2026年", "snake_case", "The EU's rock'n'roll",
    "dell'arte un'altra qu'il", "Ｆｕｌｌｗｉｄｔｈ ﬁnance", "Việt Nam", "Crème brûlée à la carte", "𠀋𠀌 pair",
]
ALPHABET = ("abcxyzÁÉÍÓÚÑÜáéíóúñüçÇßæœøłđıİΣσςабвгдеёжשָׁלוֹםمُحَمَّدहिन्दीभाषा東京都にカタｶﾀภาษาไทย"
            "ＡＢＣﬁ’'_-.,0123456789 \u0301\u0308\u0327")


def node_words(texts: list[str]) -> list[list[str]]:
    """words() of each text as search.js computes it."""
    node = shutil.which("node")
    if node is None:
        if ON_CI:
            pytest.fail("node is missing: .ci/run installs npm, which brings it")
        pytest.skip("node is missing")
    script = (default_theme() / "static" / "search.js").read_text("utf-8")
    block = script[script.index(START):script.index(END)]
    program = block + "\nprocess.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8'))" \
                      ".map(words)));"
    done = subprocess.run([node, "-e", program], input=json.dumps(texts), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_query_side_spells_every_word_as_the_index_does():
    rng = random.Random(14)
    texts = SAMPLES + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))) for _ in range(400)]
    mismatches = [(text, ours, theirs) for text, ours, theirs in zip(texts, map(words, texts), node_words(texts))
                  if ours != theirs]
    assert mismatches == []


def test_accents_and_case_fold_so_telefonica_finds_telefonica():
    assert tokenize("Telefónica") == tokenize("TELEFONICA") == tokenize("telefonica") == ["telefonica"]
    assert fold("Straße Ærø") == "strasse aero"
    assert tokenize("مُحَمَّد") == tokenize("محمد")


def test_an_elided_article_is_left_out_of_the_word():
    assert tokenize("l'économie d’Europe qu'il dell'arte") == ["economie", "europe", "il", "arte"]


def test_scripts_without_spaces_are_indexed_by_pairs_of_characters():
    assert tokenize("東京都に住む") == ["東京", "京都", "都に", "に住", "住む"]
    assert tokenize("iPhone中文 2026年") == ["iphone", "中文", "2026", "年"]


def test_indic_vowel_signs_stay_inside_their_word():
    assert tokenize("हिन्दी भाषा") == ["हिन्दी", "भाषा"]
