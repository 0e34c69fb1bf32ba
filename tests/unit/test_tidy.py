"""What Python-Markdown writes as it was typed and HTML does not allow (addresses, attribute names,
character references, links in links, placeholders) comes out valid, as the corpus found it."""
from __future__ import annotations

import json
import subprocess

import pytest

from builder.markup import MarkdownRenderer
from conftest import build_site, report
from test_html_valid import validator


def html(body: str, unsafe: bool = False) -> str:
    return MarkdownRenderer(unsafe_html=unsafe).render(body).html


@pytest.mark.parametrize("written, href", [
    ("<a b.md>", "a%20b.md"),
    ("a%20b.md", "a%20b.md"),  # an escape is kept, not encoded again
    ("50%.png", "50%25.png"),
    ("a&quot;b", "a%22b"),
    ("https://matrix.to/#/#room:x.org", "https://matrix.to/#/%23room:x.org"),
    ("http://[2001:db8::1]:80/a[b]?q=[c]#[d]", "http://[2001:db8::1]:80/a%5Bb%5D?q=%5Bc%5D#%5Bd%5D"),
    ("https://x.org/?a=1&b=<2>", "https://x.org/?a=1&amp;b=%3C2%3E"),
    ("<mailto:  a@x.org>", "mailto:%20%20a@x.org"),
    ("https://bücher.de/straße", "https://bücher.de/straße"),
])
def test_an_address_is_percent_encoded_where_url_syntax_needs_it(written, href):
    assert f'href="{href}"' in html(f"[x]({written})")


def test_a_backslash_is_a_slash_in_a_web_address_as_browsers_read_it_and_encoded_elsewhere():
    assert 'href="a/b.md"' in html("[x](a\\b.md)")
    assert 'href="https://x.org/a/b"' in html("[x](https://x.org/a\\b)")
    assert 'href="C:%5CWindows"' in html("[x](C:\\Windows)")
    assert 'href="#%5C7.0"' in html("## Notes {: #\\7.0 }")  # the heading's own link


@pytest.mark.parametrize("address", ["http:// x.org", "https://a]b.org", "https://../", "http://xn--xn.com/",
                                     "http://x.org:99999/", "http://[::1/"])
def test_a_link_whose_host_is_no_host_keeps_its_text_without_an_address(address):
    assert "<a>x</a>" in html(f"[x](<{address}>)")


def test_an_attribute_list_sets_only_attributes_html_knows_on_that_element():
    out = html('a *b*{: foo="1" data-x="2" aria-label="3" _p.n TLI title="t" width="4" onclick="x" }')
    assert '<em aria-label="3" data-x="2" title="t">b</em>' in out
    assert "onclick" in html('a *b*{: onclick="x" }', unsafe=True)
    assert 'width="4"' in html('![c](c.png){: width="4" }')


def test_an_attribute_list_sets_only_values_html_allows_and_each_id_once_on_the_page():
    # Alone in its paragraph, the picture is a figure (figures.py).
    assert html('![i](i.png){: id="" width="4" height="x" }') == \
        '<figure><img alt="i" decoding="async" src="i.png" width="4"></figure>'
    assert html('*a*{: #main } *b*{: #x } *c*{: #x } *d*{: id="a b" }') == \
        '<p><em>a</em> <em id="x">b</em> <em>c</em> <em>d</em></p>'  # "main" is the page's own
    assert html('[a](b){: rel="noopener nofollow" target="_x" dir="up" lang="fr" }') == \
        '<p><a href="b" lang="fr" rel="noopener nofollow">a</a></p>'


def test_character_references_html_forbids_become_what_browsers_show():
    out = html("a &#x110000; b &#2; c &bad; d &copy; e &#xD800; f &#x80; g")
    assert out == "<p>a \ufffd b  c &amp;bad; d &copy; e \ufffd f € g</p>"
    assert 'title="a&amp;bad;b"' in html('*x*{: title="a&bad;b" }')


def test_a_link_inside_a_link_is_text_and_no_placeholder_reaches_an_attribute():
    out = html("<http://x.org/[`c`]()>\n\n![*a* [b __c__](#)](d.png)")
    assert '<a href="http://x.org/c">http://x.org/<span><code>c</code></span></a>' in out
    assert 'alt="*a* b c"' in out


def test_an_image_without_an_address_shows_its_alternative_text():
    assert html("![a chart]()") == "<p><span>a chart</span></p>"
    assert html("![a chart](javascript:x)") == "<p><span>a chart</span></p>"


def test_a_description_before_any_term_is_a_block_of_its_own():
    assert html("---\n: no term\n") == "<hr>\n<div>no term</div>"


def test_an_e_mail_address_with_a_backslash_escape_is_spelt_without_control_characters():
    out = html("<a\\+b@x.org>")
    assert "&#2;" not in out and "&#43;" in out and 'href="&#109;&#97;&#105;' in out


def test_a_page_of_each_construct_passes_the_nu_checker(make_site):
    command = validator()
    body = ("[a](<a b>) [b](a#b#c) [c](http://[::1]/a[b]) [d](http:// x) [e](a\\b) [f](%zz) ![g]() ![h](a b.png)\n\n"
            "&#x110000; &bad; &#2; <http://x.org/[`c`]()> ![*a* [b __c__](#)](d.png) <a\\+b@x.org>\n\n"
            "*x*{: _p.n TLI foo=1 title=\"a&bad;b\" }\n\n---\n: no term\n\n# H {: #\\7.0 }\n\n"
            "*a*{: #main } *b*{: #x } *c*{: #x } ![i](i.png){: id=\"\" width=\"x\" } [r](r){: rel=\"bad\" }\n")
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbase_url = "https://x.org/"\nbroken_links = "warn"\n',
                      "content/a.md": report("A", body=body)})
    build_site(root)
    page = root / "output/reports/a/index.html"
    done = subprocess.run([*command, "--format", "json", str(page)], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stdout)["messages"] if done.stdout.strip() else []
    assert [m["message"] for m in messages if m["type"] in ("error", "non-document-error")] == []
