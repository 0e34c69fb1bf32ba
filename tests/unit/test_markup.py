from builder.markup import MarkdownRenderer, summarize


def render(body: str, unsafe: bool = False):
    return MarkdownRenderer(unsafe_html=unsafe).render(body)


def test_headings_get_anchors_and_feed_the_table_of_contents():
    out = render("## First part\n\ntext\n\n### Detail\n\n## Second\n")
    assert '<h2 id="first-part">' in out.html and 'href="#first-part"' in out.html
    assert [(h.level, h.id, h.title) for h in out.headings] == [
        (2, "first-part", "First part"), (3, "detail", "Detail"), (2, "second", "Second")]


def test_a_heading_never_takes_an_id_the_page_gives_its_own_elements():
    out = render("## Main\n\ntext\n\n## Explore more\n\n## Main section\n")
    assert [h.id for h in out.headings] == ["main-section", "explore-more-section", "main-section_1"]


def test_marked_text_tables_footnotes_admonitions_and_code():
    out = render("A ==key point== here.[^1]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                 '!!! note "Watch"\n    Body.\n\n```python\nprint(1)\n```\n\n[^1]: The note.\n')
    assert "<mark>key point</mark>" in out.html
    assert "<table>" in out.html and 'class="footnote"' in out.html
    assert 'class="admonition note"' in out.html
    assert 'class="codehilite"' in out.html and '<span class="nb">print</span>' in out.html


def test_smart_typography():
    assert "&ldquo;quoted&rdquo; &ndash; dash" in render('"quoted" -- dash').html


def test_raw_html_is_escaped_unless_the_site_trusts_its_writers():
    assert "&lt;b&gt;bold&lt;/b&gt;" in render("<b>bold</b>").html
    assert "<b>bold</b>" in render("<b>bold</b>", unsafe=True).html


def test_script_urls_are_dropped():
    html = render("[x](javascript:alert(1)) [y](https://example.org/)").html
    assert "javascript" not in html and 'href="https://example.org/"' in html


def test_plain_text_word_count_and_first_paragraph():
    out = render("First *para* here.\n\n## Head\n\nSecond one.")
    assert out.first_paragraph == "First para here."
    assert out.text == "First para here. Head Second one."
    assert out.word_count == 6


def test_plain_text_keeps_punctuation_against_inline_markup_and_drops_footnote_marks():
    # The first paragraph becomes the teaser on cards, in feeds and in meta descriptions.
    out = render("As [Ofcom](https://ofcom.org.uk/) said, it is *growing*; **Vodafone**'s view[^1].\n\n"
                 "## Head\n\nEnd.\n\n[^1]: A note.\n")
    assert out.first_paragraph == "As Ofcom said, it is growing; Vodafone’s view."
    assert out.text == "As Ofcom said, it is growing; Vodafone’s view. Head End. A note."


def test_the_first_paragraph_is_the_first_with_words_not_a_lone_image():
    assert render("![Chart](chart.png)\n\nAdoption doubled.\n").first_paragraph == "Adoption doubled."


def test_renderer_does_not_leak_state_between_documents():
    renderer = MarkdownRenderer()
    renderer.render("## Same\n\n[^1]\n\n[^1]: n")
    again = renderer.render("## Same\n")
    assert '<h2 id="same">' in again.html and "footnote" not in again.html


def test_summarize_cuts_on_a_word_boundary():
    text = " ".join(f"word{i}," for i in range(80))
    summary = summarize(text, 50)
    assert summary.endswith("word49…") and len(summary.split()) == 50
    assert summarize("short text") == "short text"
