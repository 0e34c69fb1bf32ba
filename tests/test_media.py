"""Reports that show: charts from data, figures, pictures in several sizes, video, audio, video-site posters
and callouts, built from tests/media_site.py and small sites of their own."""
from __future__ import annotations

import re
import shutil

import pytest
import vl_convert
from PIL import Image

from builder import charts, images
from builder.errors import BuildError
from conftest import build_site, picture, published, report, write_site
import media_site

HOST = "example.org/trends"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("media"), media_site.files())
    result = build_site(root)
    return root, result


def page(root, slug: str) -> str:
    return (root / "output" / "reports" / slug / "index.html").read_text("utf-8")


def body(root, slug: str) -> str:
    html = page(root, slug)
    return html[html.index('<div class="prose">'):html.index("</article>")]


def test_a_picture_alone_in_its_paragraph_becomes_a_figure_captioned_by_its_title(built):
    root, _ = built
    figure = re.search(r"<figure><picture>.*?</figure>", body(root, "media")).group(0)
    assert 'alt="A blue rectangle standing for a product photo"' in figure
    assert "<figcaption>The product, photographed for this report</figcaption>" in figure
    assert "title=" not in figure
    assert 'An inline picture <img alt="a small icon"' in body(root, "media")  # not alone: no figure


def test_pictures_beside_a_report_get_width_height_and_webp_sizes_that_exist(built):
    root, _ = built
    html = body(root, "media")
    photo = re.search(r'<source sizes="[^"]+" srcset="([^"]+)" type="image/webp"><img [^>]*src="/trends/media/photo'
                      r'.jpg"[^>]*>', html)
    assert photo and 'width="1600"' in photo.group(0) and 'height="900"' in photo.group(0)
    sizes = [entry.split(" ") for entry in photo.group(1).split(", ")]
    assert [w for _, w in sizes] == ["480w", "960w", "1440w"]
    for url, width in sizes:
        copy = root / "output" / url.removeprefix("/trends/")
        assert copy.read_bytes()[8:12] == b"WEBP"
        assert Image.open(copy).size == (int(width[:-1]), int(width[:-1]) * 900 // 1600)
    icon = re.search(r'<img alt="a small icon"[^>]*>', html).group(0)
    assert 'width="32"' in icon and 'height="32"' in icon


def test_only_a_picture_opening_the_report_is_loaded_eagerly(built):
    root, _ = built
    tags = re.findall(r"<img [^>]*>", body(root, "media"))
    assert ['loading="lazy"' in tag for tag in tags] == [False, True, True]
    assert all('decoding="async"' in tag for tag in tags)


def test_video_and_audio_beside_a_report_play_with_controls_and_a_caption(built):
    root, _ = built
    html = body(root, "media")
    assert re.search(r'<figure><video aria-label="A walkthrough of the tool" controls preload="metadata" '
                     r'src="/trends/media/demo.mp4"><a href="/trends/media/demo.mp4">Download the video: A walkthrough'
                     r' of the tool</a></video><figcaption>The walkthrough</figcaption></figure>', html)
    assert re.search(r'<figure><audio aria-label="The interview" controls preload="metadata" '
                     r'src="/trends/media/interview.wav">.*?</audio><figcaption>The interview, as recorded', html)


def test_youtube_and_vimeo_links_become_posters_that_ask_nothing_of_the_video_site(built):
    root, _ = built
    html = page(root, "media")
    youtube, vimeo = re.findall(r'<figure class="embed">.*?</figure>', html)
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in youtube
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in youtube
    assert "Play the video: The launch event" in vimeo and 'data-embed="https://player.vimeo.com/video/76979871' in vimeo
    # Nothing the browser loads by itself comes from another site: no frame, picture, script or style.
    assert not re.search(r'<(?:iframe|img|script|source)\b[^>]*(?:src|srcset)="(?:https?:)?//', html)
    assert not re.search(r'<link rel="stylesheet" href="(?:https?:)?//', html)


def test_github_alerts_become_the_same_callouts_as_admonitions(built):
    root, _ = built
    html = body(root, "media") + body(root, "charts")
    titles = re.findall(r'<div class="admonition (\w+)">\s*<p class="admonition-title">([^<]+)</p>', html)
    assert sorted(titles) == sorted([("tip", "Tip"), ("important", "Before you start"), ("warning", "Warning"),
                                     ("caution", "Caution"), ("note", "Note"), ("note", "Note")])
    assert "[!" not in html and "<blockquote>" not in html


def test_a_chart_becomes_an_svg_figure_with_its_caption_name_and_data_table(built):
    root, _ = built
    html = body(root, "charts")
    first = re.search(r'<figure class="chart" data-chart="(\w+)">(.*?)</figure>', html)
    assert first.group(2).startswith("<figcaption>Share of teams using the tool</figcaption>")
    svg = re.search(r"<svg [^>]*>", first.group(2)).group(0)
    assert 'role="img"' in svg and 'aria-label="Share of teams using the tool"' in svg
    assert re.search(r'<details class="chart-data"><summary>Data table</summary><table><thead><tr>'
                     r'<th scope="col">year</th><th scope="col">share</th><th scope="col">region</th></tr></thead>'
                     r"<tbody><tr><td>2021</td><td>12</td><td>North</td></tr>", first.group(2))
    assert '<a href="/trends/tools/adoption.csv">Download adoption.csv</a>' in first.group(2)
    drawn = root / "output" / "_media" / f"{first.group(1)}.svg"
    assert drawn.read_bytes().startswith(b"<svg") and len(drawn.read_bytes()) < charts.MAX_SVG_BYTES
    assert len(re.findall(r'<figure class="chart"', html)) == 3
    ids = re.findall(r'\sid="([^"]+)"', page(root, "charts"))
    assert len(ids) == len(set(ids))


def test_chart_titles_labels_and_cells_are_escaped(built):
    root, _ = built
    html = body(root, "charts")
    assert "<b>Sales</b>" not in html
    assert "<td>&lt;b&gt;Sales&lt;/b&gt; &amp; more</td>" in html
    assert "&lt;b&gt;Sales&lt;/b&gt; &amp; more</text>" in html  # the axis label in the drawing


def test_feeds_show_charts_as_images_and_pictures_at_their_own_size(built):
    root, _ = built
    feed = (root / "output" / "feed.xml").read_text("utf-8")
    assert "&lt;svg" not in feed and "srcset" not in feed and "&lt;source" not in feed
    charted = re.findall(r'&lt;img src="https://example.org/trends/_media/(\w+)\.svg" alt="([^"]+)"', feed)
    assert [alt for _, alt in charted][:1] == ["Share of teams using the tool"] and len(charted) == 3
    assert all((root / "output" / "_media" / f"{key}.svg").is_file() for key, _ in charted)


def test_a_report_card_shows_its_image_or_else_its_first_picture(built):
    root, _ = built
    home = (root / "output" / "index.html").read_text("utf-8")
    card = re.search(r'<article class="card[^"]*"[^>]*>(?:(?!</article>).)*?Media of every kind', home, re.S).group(0)
    thumb = re.search(r'<img class="card-image"[^>]*>', card).group(0)
    assert 'width="1600" height="900"' in thumb and 'alt=""' in thumb and 'loading="lazy"' in thumb
    assert re.search(r'srcset="/trends/_media/\w+\.webp 480w, /trends/_media/\w+\.webp 960w', thumb)
    plain = re.search(r'<article class="card[^"]*"[^>]*>(?:(?!</article>).)*?A plain report', home, re.S).group(0)
    assert "card-image" not in plain


def test_a_picture_without_alt_text_is_a_warning_of_the_build(make_site):
    root = make_site({"content/a.md": report("A", body="Text.\n\n![](pic.png)\n"), "content/pic.png": picture()})
    (found,) = [w for w in build_site(root).site.warnings if "alt" in w.message]
    assert (found.path, found.line, found.severity) == ("content/a.md", 8, "warning")


def test_a_file_that_is_no_picture_is_a_warning_naming_its_line(make_site):
    root = make_site({"content/a.md": report("A", body="Text.\n\n![Broken](pic.png)\n"), "content/pic.png": b"no"})
    (found,) = [w for w in build_site(root).site.warnings if "pic.png" in w.message]
    assert found.line == 8 and "cannot be read" in found.message


def chart_site(make_site, chart: str, **files):
    return make_site({"content/ai/a.md": report("A", body=f"Intro.\n\n```chart\n{chart}\n```\n"), **files})


@pytest.mark.parametrize("url", ["https://example.org/data.csv", "//example.org/data.csv", "/etc/passwd",
                                 "file:///etc/passwd", "../secret.csv", "data:text/csv,a%0A1"])
def test_chart_data_from_another_site_or_outside_the_reports_folder_is_an_error_naming_the_block(make_site, url):
    root = chart_site(make_site, f"data: {{url: '{url}'}}\nmark: bar", **{"content/secret.csv": "a\n1\n"})
    with pytest.raises(BuildError) as error:
        build_site(root)
    (problem,) = error.value.problems
    assert (problem.path, problem.line) == ("content/ai/a.md", 8)
    assert "not a file beside the report" in problem.message or "outside the report's folder" in problem.message


def test_a_chart_cannot_make_the_reader_fetch_from_or_follow_a_link_to_another_site(make_site):
    pictures = chart_site(make_site, 'title: Marks\ndata: {values: [{u: "https://tracker.example/pixel.png", a: 1}]}\n'
                          "mark: image\nencoding: {url: {field: u}, x: {field: a}}\nwidth: 40\nheight: 40")
    build_site(pictures)
    html = (pictures / "output" / "reports" / "a" / "index.html").read_text("utf-8")
    drawing = re.search(r'<svg class="chart-svg".*?</svg>', html).group(0)
    assert "<image" in drawing and not re.search(r'href="(?!#)', drawing)
    links = chart_site(make_site, 'data: {values: [{h: "javascript:alert(1)", a: 1}]}\n'
                       "mark: point\nencoding: {href: {field: h}, x: {field: a}}")
    with pytest.raises(BuildError) as error:
        build_site(links)
    assert error.value.problems[0].line == 8 and "href" in error.value.problems[0].message


def test_a_chart_that_cannot_be_drawn_does_not_stop_the_next_one(make_site, monkeypatch):
    failures = iter([ValueError("conversion failed:\nTypeError: left over from the last chart")])
    draw = vl_convert.vegalite_to_svg

    def flaky(*args, **options):
        failure = next(failures, None)
        if failure:
            raise failure
        return draw(*args, **options)

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", flaky)
    build_site(chart_site(make_site, "data: {values: [{a: 1}]}\nmark: bar\nencoding: {x: {field: a}}"))


def test_a_chart_is_drawn_the_same_whatever_was_drawn_before_it():
    # Rounded stacked bars are clipped, by ids vl-convert numbers across all it draws in a process.
    spec = {"data": {"values": [{"a": "x", "b": 1}, {"a": "x", "b": 2}]}, "mark": {"type": "bar", "cornerRadiusEnd": 3},
            "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"}}}
    first = charts._draw(spec, 1)
    assert b'id="d1"' in first and b'url(#d1)' in first
    assert charts._draw(spec, 1) == first


def test_a_missing_chart_data_file_is_an_error_naming_the_block(make_site):
    root = chart_site(make_site, "data: {url: gone.csv}\nmark: bar")
    with pytest.raises(BuildError) as error:
        build_site(root)
    (problem,) = error.value.problems
    assert (problem.line, problem.message) == (8, "the chart's data file gone.csv does not exist")


@pytest.mark.parametrize("chart, line, words", [
    ("data: {values: [{a: 1}]}\nmark: nope\nencoding: {x: {field: a}}", 8, "cannot be drawn"),
    ("data: {values: [{a: 1}]}\nencoding: {x: {field: a}}", 8, "cannot be drawn"),
    ("mark: bar\nencoding: {x: [unclosed}", 10, "not valid YAML or JSON"),
    ("- just\n- a list", 8, "must hold a Vega-Lite specification"),
])
def test_a_bad_chart_specification_is_an_error_naming_its_line(make_site, chart, line, words):
    with pytest.raises(BuildError) as error:
        build_site(chart_site(make_site, chart))
    (problem,) = error.value.problems
    assert problem.path == "content/ai/a.md" and problem.line == line and words in problem.message


def test_dates_written_plainly_in_a_yaml_chart_are_drawn_as_dates(make_site):
    root = chart_site(make_site, "title: Dated\ndata: {values: [{d: 2026-01-05, v: 3}, {d: 2026-02-05, v: 5}]}\n"
                      "mark: line\nencoding: {x: {field: d, type: temporal}, y: {field: v, type: quantitative}}")
    build_site(root)
    assert "<td>2026-01-05</td>" in (root / "output" / "reports" / "a" / "index.html").read_text("utf-8")


def test_a_chart_block_without_its_closing_fence_is_an_error_naming_its_line(make_site):
    root = make_site({"content/a.md": report("A", body="Intro.\n\n```chart\nmark: bar\n")})
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert [(p.line, p.message) for p in error.value.problems] == [(8, "this chart block has no closing fence")]


@pytest.fixture
def counted(monkeypatch):
    """How many charts are drawn and pictures copied."""
    calls = {"charts": 0, "pictures": 0}
    draw, copies = charts._draw, images._copies

    def counting_draw(*args):
        calls["charts"] += 1
        return draw(*args)

    def counting_copies(data, width, wanted):
        calls["pictures"] += len(wanted)
        return copies(data, width, wanted)

    monkeypatch.setattr(charts, "_draw", counting_draw)
    monkeypatch.setattr(images, "_copies", counting_copies)
    return calls


def test_charts_and_pictures_are_made_once_and_an_edit_elsewhere_makes_none_again(make_site, counted, tmp_path):
    root = make_site(media_site.files())
    build_site(root)
    assert counted == {"charts": 3 + 2, "pictures": 6}  # its three chart blocks, and its two topics' timelines
    build_site(root)
    charts_md = root / "content" / "tools" / "charts.md"
    charts_md.write_text(charts_md.read_text() + "\nA sentence added.\n")
    media_md = root / "content" / "media" / "index.md"
    media_md.write_text(media_md.read_text() + "\nAnother sentence.\n")
    result = build_site(root)
    assert "reports/charts/index.html" in result.site.rendered
    assert counted == {"charts": 3 + 2, "pictures": 6}
    build_site(root, output=tmp_path / "elsewhere")  # another output folder shares what was made
    assert counted == {"charts": 3 + 2, "pictures": 6}


def test_a_changed_data_file_draws_its_chart_again_and_the_old_drawing_goes(make_site, counted, tmp_path):
    root = make_site(media_site.files())
    build_site(root)
    before = set((root / "output" / "_media").iterdir())
    (root / "content" / "tools" / "budgets.json").write_text('[{"area": "Research", "budget": 99}]')
    result = build_site(root)
    assert counted["charts"] == 3 + 2 + 1 and result.site.rendered.count("reports/charts/index.html") == 1
    after = set((root / "output" / "_media").iterdir())
    assert len(after - before) == 1 and len(before - after) == 1
    assert "<td>99</td>" in page(root, "charts")
    shutil.rmtree(root / ".trendsite-cache")
    build_site(root, output=tmp_path / "clean")
    assert published(tmp_path / "clean") == published(root / "output")


def test_a_generated_file_lost_from_output_and_the_store_is_made_again(make_site):
    root = make_site(media_site.files())
    build_site(root)
    drawn = next((root / "output" / "_media").glob("*.svg"))
    drawn.unlink()
    with __import__("sqlite3").connect(root / ".trendsite-cache" / "values.sqlite") as db:
        db.execute("DELETE FROM made")
    build_site(root)
    assert drawn.is_file()


def test_a_picture_that_appears_after_a_build_gets_its_width_and_height(make_site, tmp_path):
    root = make_site({"pyproject.toml": '[tool.trendsite]\nbroken_links = "warn"\n',
                      "content/a.md": report("A", body="Text.\n\n![A picture](later.png)\n")})
    build_site(root)
    (root / "content" / "later.png").write_bytes(picture(300, 200))
    build_site(root)
    assert re.search(r'<img alt="A picture" decoding="async" height="200" src="/later.png" width="300">',
                     page(root, "a"))
    build_site(root, output=tmp_path / "clean")
    assert published(tmp_path / "clean") == published(root / "output")


def test_chart_colours_keep_three_to_one_contrast_on_the_light_and_dark_backgrounds():
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    backgrounds = ("#ffffff", "#fbfaf7", "#131519", "#1b1e24")  # the theme's surfaces (style.css)
    weak = {(c, b): round(contrast(c, b), 2) for c in charts.PALETTE for b in backgrounds if contrast(c, b) < 3}
    assert weak == {}


def test_a_charts_data_table_speaks_the_sites_language(make_site):
    rows = "".join(f"2026-01-{1 + n % 28:02d},{n}\n" for n in range(150))
    chart = "title: Load\ndata: {url: load.csv}\nmark: line\nencoding: {x: {field: day, type: temporal}, y: {field: n, type: quantitative}}"
    root = chart_site(make_site, chart, **{"content/ai/load.csv": "day,n\n" + rows,
                                          "pyproject.toml": '[tool.trendsite]\nlanguage = "es"\n'})
    build_site(root)
    page = (root / "output" / "reports" / "a" / "index.html").read_text("utf-8")
    assert "<summary>Tabla de datos</summary>" in page and ">Descargar load.csv</a>" in page
    assert "Las primeras 100 de 150 filas." in page and "Data table" not in page
