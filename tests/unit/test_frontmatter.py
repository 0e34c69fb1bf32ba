"""frontmatter.py: YAML split and validated into typed fields; every problem with its line."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from builder.frontmatter import parse_document
from builder.model import Source


def parse(text: str, tz=timezone.utc):
    return parse_document(Source(path=Path("/site/content/a.md"), rel="a.md", text=text), tz)


def problems(text: str) -> list[str]:
    document, found = parse(text)
    assert document is None
    return [f"{p.line}: {p.message}" for p in found]


def test_fields_become_typed_values_and_the_body_keeps_its_line():
    document, found = parse("---\ntitle: T\ndate: 2026-01-02\ntags: [AI, AI, Law]\ndraft: true\n"
                            "extra:\n  colour: red\n---\nBody\n")
    assert found == []
    meta = document.meta
    assert (meta.title, meta.tags, meta.draft, meta.extra) == ("T", ("AI", "Law"), True, {"colour": "red"})
    assert meta.date == datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert (document.body, document.body_line) == ("Body\n", 9)


def test_dates_without_an_offset_take_the_site_timezone():
    document, _ = parse("---\ntitle: T\ndate: 2026-01-02T10:00\n---\n", timezone(timedelta(hours=2)))
    assert document.meta.date.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("text, expected", [
    ("", "1: is empty"),
    ("   \n\n", "1: is empty"),
    ("title: T\n", "1: does not start with front matter"),
    ("---\ntitle: T\n", "1: front matter is never closed"),
    ("---\n- a\n- b\n---\n", "2: front matter must be a mapping"),
    ("---\ntitle: T\ndate: 2026-02-30\n---\n", "3: front matter is not valid YAML: a value cannot be read"),
    ("---\ntitle: T\ndate: 2026-01-01\nupdated: 2025-01-01\n---\n", "4: 'updated' is earlier than 'date'"),
    ("---\ntitle: T\ndate: soon\n---\n", "3: 'date' must be a date"),
    ("---\ntitle: [a, b]\ndate: 2026-01-01\n---\n", "2: 'title' must be text, got a list"),
    ("---\ntitle: T\ndate: 2026-01-01\nextra: [1]\n---\n", "4: 'extra' must be a mapping"),
    ("---\ntitle: T\ndate: 2026-01-01\nslug: ../x\n---\n", "4: 'slug' must be lowercase words"),
])
def test_each_problem_names_its_line(text, expected):
    assert any(p.startswith(expected) for p in problems(text)), problems(text)


def test_a_bad_value_deep_in_extra_is_found_on_its_line():
    text = "---\ntitle: T\ndate: 2026-01-01\nextra:\n  dates: [2026-01-01, 2026-13-01]\n---\n"
    assert problems(text)[0].startswith("5: front matter is not valid YAML: a value cannot be read: month")


def test_aliases_are_refused_where_they_are_used():
    text = "---\ntitle: &t T\ndate: 2026-01-01\nsummary: *t\n---\n"
    assert problems(text) == ["4: front matter is not valid YAML: aliases (*name) are not allowed in front matter"]


def test_python_object_tags_are_not_constructed():
    assert "not valid YAML" in problems("---\ntitle: !!python/name:os.system\ndate: 2026-01-01\n---\n")[0]


def test_deeply_nested_yaml_is_an_error_not_a_crash():
    assert problems("---\ntitle: T\ndate: 2026-01-01\nextra: {a: " + "[" * 5000 + "]" * 5000 + "}\n---\n")


def test_only_front_matter_is_a_report_with_an_empty_body():
    document, found = parse("---\ntitle: T\ndate: 2026-01-01\n---")
    assert found == [] and document.body == ""


@pytest.mark.parametrize("field, expected", [
    ("tags: [Norway, NO]", "'tags' must be a list of text items; item 2 is true/false "
                           "(YAML reads yes, no, on and off as true/false: put the words in quotes)"),
    ("highlights:\n  - Fine.\n  - Result: slower", "'highlights' must be a list of text items; item 2 is a "
                                                   "mapping (YAML reads `words: more words` as a key and its value: "
                                                   "put the words in quotes)"),
])
def test_a_list_item_yaml_reads_as_something_else_is_named_with_the_fix(field, expected):
    _, found = parse(f"---\ntitle: T\ndate: 2026-01-01\n{field}\n---\n")
    assert [str(p) for p in found] == [f"content/a.md:4: {expected}"]


@pytest.mark.parametrize("line, expected", [
    ("title: #1 in Europe", "content/a.md:2: 'title' is empty (YAML reads # after a space as the start of a "
                            "comment: put the value in quotes)"),
    ("title:", "content/a.md:2: 'title' is empty (write it after `title:`)"),
])
def test_a_present_but_empty_title_says_so_and_why(line, expected):
    _, found = parse(f"---\n{line}\ndate: 2026-01-01\n---\n")
    assert [str(p) for p in found] == [expected]


@pytest.mark.parametrize("line", ["summary: 'It's late'", 'summary: "The "best" trend"'])
def test_a_quote_that_ends_a_value_early_gets_a_hint_about_quotes(line):
    _, (problem,) = parse(f"---\ntitle: T\ndate: 2026-01-01\n{line}\n---\n")
    assert problem.line == 4
    assert problem.hint == "a quote inside a quoted value ends it early: write ' inside '...' as '' (It''s), " \
                           "or \" inside \"...\" as \\\""
