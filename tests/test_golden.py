"""Golden checks of the HTML that matters: a report page and the home index of the fixture site.

After an intended change, regenerate with `TRENDSITE_UPDATE_GOLDEN=1 pytest tests/test_golden.py`
and review the diff of tests/golden/ like any other change.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest


GOLDEN = Path(__file__).parent / "golden"
PAGES = {"report-alpha.html": "reports/alpha/index.html", "home.html": "index.html",
         "topic-europe.html": "topics/europe/index.html"}
# Static file names carry a content hash; a CSS tweak should not churn every golden file.
_FINGERPRINT = re.compile(r"\.[0-9a-f]{10}\.(css|js|svg)")
_MADE = re.compile(r"_media/[0-9a-f]{32}\.")  # generated files are named by what they are made from, Pillow included


def normalise(html: str) -> str:
    return _MADE.sub("_media/HASH.", _FINGERPRINT.sub(r".HASH.\1", html))


@pytest.mark.parametrize("golden, page", sorted(PAGES.items()))
def test_page_matches_its_golden_copy(fixture_output, golden, page):
    actual = normalise((fixture_output / page).read_text(encoding="utf-8"))
    expected_file = GOLDEN / golden
    if os.environ.get("TRENDSITE_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8"), (
        f"{page} differs from tests/golden/{golden}; if the change is intended, regenerate with "
        "TRENDSITE_UPDATE_GOLDEN=1 pytest tests/test_golden.py and review the diff")
