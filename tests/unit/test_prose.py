"""Markup of other site generators left in a report: named with file and line, outside code."""
from __future__ import annotations

from builder.__main__ import main
from builder.build import BuildOptions
from builder.check import check_site
from conftest import NOW, build_site, report

SETTINGS = '[tool.trendsite]\nbase_url = "https://x.org/"\n'
BODY = """Intro.

{{< figure src="chart.png" >}}

Text {{% note %}} and more.

{% include cta.html %}

Hello {{ page.title }}, twice {{ page.title }}.

Shown as code: `{{< inline >}}` and ``{% raw `x` %}``.

```
{{< fenced >}}
```

~~~~
{% tilde %}
```
{{< still fenced >}}
~~~~

1. A step:

    ```
    {{< fenced in a list >}}
    ```
"""
EXPECTED = [
    (8, """a Hugo shortcode '{{< figure src="chart.png" >}}' is shown as typed: trendsite does not run Hugo"""),
    (10, "a Hugo shortcode '{{% note %}}' is shown as typed: trendsite does not run Hugo"),
    (12, "a Liquid tag '{% include cta.html %}' is shown as typed: trendsite does not run Liquid"),
    (14, "a Liquid tag '{{ page.title }}' is shown as typed: trendsite does not run Liquid"),
]


def test_hugo_shortcodes_and_liquid_tags_outside_code_are_warnings_in_build_check_and_the_command_line(
        make_site, capsys):
    root = make_site({"pyproject.toml": SETTINGS, "content/a.md": report("Alpha", body=BODY)})
    warnings = build_site(root).site.warnings
    assert [(w.line, w.message) for w in warnings] == EXPECTED
    assert {(w.path, w.severity) for w in warnings} == {("content/a.md", "warning")}
    found = check_site(BuildOptions(root=root, output=root / "output", now=NOW))
    assert [(f.line, f.message) for f in found if "shown as typed" in f.message] == EXPECTED
    assert main(["build", "--root", str(root), "--output", str(root / "again")]) == 0
    assert capsys.readouterr().err.count("warning: content/a.md:") == len(EXPECTED)


def test_a_report_without_template_tags_has_no_such_warning(make_site):
    root = make_site({"pyproject.toml": SETTINGS, "content/a.md": report("Alpha", body="Braces { } and {x} % %.")})
    assert build_site(root).site.warnings == ()
