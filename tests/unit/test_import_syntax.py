"""The importer's conversions: Hugo shortcodes and Liquid tags with a trendsite equivalent, and the rest listed."""
from __future__ import annotations

import pytest

from builder.importer.syntax import convert_tags


def nowhere(kind: str, target: str) -> None:
    return None


def test_a_hugo_figure_becomes_an_image_with_its_caption_below_and_its_link_around():
    done = convert_tags('{{< figure src="chart.png" alt="Sales" caption="By quarter" title="Q" link="/big.png" >}}',
                        "hugo", nowhere)
    assert done.body == '[![Sales](chart.png "Q")](/big.png)\n\n*By quarter*'
    assert done.conversions == {"figure": 1} and done.leftovers == []
    assert convert_tags("{{< figure src=\"/img/a-b.png\" >}}", "hugo", nowhere).body == "![a-b](/img/a-b.png)"


@pytest.mark.parametrize("tag, syntax, link", [
    ("{{< youtube dQw4w9WgXcQ >}}", "hugo", "[Watch the video on YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"),
    ('{{< youtube id="dQw4w9WgXcQ" title="Talk" >}}', "hugo", "[Talk](https://www.youtube.com/watch?v=dQw4w9WgXcQ)"),
    ("{{< vimeo 76979871 >}}", "hugo", "[Watch the video on Vimeo](https://vimeo.com/76979871)"),
    ("{% youtube 5qap5aO4i9A %}", "liquid", "[Watch the video on YouTube](https://www.youtube.com/watch?v=5qap5aO4i9A)"),
    ("{% vimeo 76979871 %}", "liquid", "[Watch the video on Vimeo](https://vimeo.com/76979871)"),
    ("{{< gist spf13 7896402 >}}", "hugo", "[Gist spf13/7896402](https://gist.github.com/spf13/7896402)"),
    ("{% gist octocat/6cad326836d3 %}", "liquid", "[Gist octocat/6cad326836d3](https://gist.github.com/octocat/6cad326836d3)"),
])
def test_videos_and_gists_become_links_to_them(tag, syntax, link):
    done = convert_tags(f"Watch: {tag}", syntax, nowhere)
    assert done.body == f"Watch: {link}" and sum(done.conversions.values()) == 1


def test_references_to_other_files_become_what_the_resolver_says_or_stay_listed():
    asked = []

    def resolve(kind: str, target: str) -> str | None:
        asked.append((kind, target))
        return None if "gone" in target else f"../{target}"

    done = convert_tags('[a]({{< ref "b.md#x" >}}) [c]({{< relref path="c" >}}) [d]({{< ref "gone.md" >}})', "hugo",
                        resolve)
    assert done.body == '[a](../b.md#x) [c](../c) [d]({{< ref "gone.md" >}})'
    assert asked == [("ref", "b.md#x"), ("ref", "c"), ("ref", "gone.md")]
    done = convert_tags("[a]({% post_url 2019-01-01-a %}) [b]({% link _posts/b.md %})", "liquid", resolve)
    assert done.body == "[a](../2019-01-01-a) [b](../_posts/b.md)"
    assert done.conversions == {"post_url": 1, "link": 1}


@pytest.mark.parametrize("body, syntax", [
    ('{{< highlight go "linenos=table" >}}\nfunc main() {}\n{{< /highlight >}}', "hugo"),
    ("{% highlight go linenos %}\nfunc main() {}\n{% endhighlight %}", "liquid"),
])
def test_highlight_becomes_a_fenced_code_block(body, syntax):
    done = convert_tags(f"Code:\n\n{body}\n\nAfter.", syntax, nowhere)
    assert done.body == "Code:\n\n```go\nfunc main() {}\n```\n\nAfter."
    assert done.conversions == {"highlight": 1}


def test_a_fence_inside_highlighted_code_gets_a_longer_fence():
    done = convert_tags("{% highlight md %}\n```\nx\n```\n{% endhighlight %}", "liquid", nowhere)
    assert done.body == "````md\n```\nx\n```\n````"


def test_raw_keeps_liquid_as_typed_and_escaped_shortcodes_show_as_hugo_shows_them():
    done = convert_tags("{% raw %}\n{{ page.title }}\n{% endraw %}\n{% include x.html %}", "liquid", nowhere)
    assert done.body == "\n{{ page.title }}\n\n{% include x.html %}"
    assert done.leftovers == [(4, "{% include x.html %}")]  # lines are those of the converted body
    done = convert_tags('Write {{</* figure src="x" */>}} for a figure.', "hugo", nowhere)
    assert done.body == 'Write {{< figure src="x" >}} for a figure.' and done.leftovers == []


def test_liquid_site_addresses_go_as_trendsite_puts_site_links_under_the_base_path_itself():
    done = convert_tags('![a]({{ site.baseurl }}/a.png) [b]({{ "/b/" | relative_url }}) [c]({{site.url}}/c/)',
                        "liquid", nowhere)
    assert done.body == "![a](/a.png) [b](/b/) [c](/c/)"


def test_every_other_tag_stays_as_it_is_listed_with_its_line_and_summary_dividers_go():
    body = ("Intro <!--more-->\n\n{{< tweet user=\"x\"\n  id=\"1\" >}}\n\n{{% note %}}\nMind.\n{{% /note %}}\n"
            "{{< figure >}}\n")
    done = convert_tags(body, "hugo", nowhere, ("<!--more-->",))
    assert done.body.startswith("Intro\n\n{{< tweet")
    assert done.leftovers == [(3, '{{< tweet user="x" id="1" >}}'), (6, "{{% note %}}"), (8, "{{% /note %}}"),
                              (9, "{{< figure >}}")]
    assert done.conversions == {"<!--more-->": 1}
    done = convert_tags("{% comment %}x{% endcomment %}{% if a %}b{% endif %} {{ page.date | date: '%Y' }}",
                        "liquid", nowhere)
    assert [tag for _, tag in done.leftovers] == ["{% if a %}", "{% endif %}", "{{ page.date | date: '%Y' }}"]
    assert done.conversions == {"comment": 1}
