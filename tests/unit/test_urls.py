import pytest

from builder.urls import is_safe_relative, is_valid_slug, output_path, paginate_url, slugify


@pytest.mark.parametrize("text, slug", [
    ("Trend Analysis: 5G in Latin America", "trend-analysis-5g-in-latin-america"),
    ("Crème brûlée & Co.", "creme-brulee-co"),
    ("人工知能の動向", "人工知能の動向"),
    ("تحليل الاتجاهات", "تحليل-الاتجاهات"),
    ("🚀🚀", "rocket-rocket"),  # only emoji: their Unicode names, so the slug is still usable
    ("snake_case_name", "snake-case-name"),
    ("हिन्दी समाचार", "हिन्दी-समाचार"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_valid_slugs_are_single_path_segments():
    assert is_valid_slug("eu-vendors") and is_valid_slug("5g")
    assert not any(is_valid_slug(s) for s in ("../x", "a/b", "-a", "a-", "a--b", "A B", "", "Upper"))


def test_output_paths_are_pretty_urls():
    assert output_path("") == "index.html"
    assert output_path("reports/x/") == "reports/x/index.html"
    assert output_path("feed.xml") == "feed.xml"


def test_paths_that_leave_the_output_are_unsafe():
    assert is_safe_relative("reports/x/index.html")
    assert not any(is_safe_relative(p) for p in ("../x", "/etc/passwd", "a/../../b", "a\\b", ""))


def test_pagination_urls():
    assert paginate_url("", 1) == "" and paginate_url("", 3) == "page/3/"
    assert paginate_url("topics/ai/", 2) == "topics/ai/page/2/"
