"""The bundled templates' blocks a site overrides to add to every page without copying a template."""
from __future__ import annotations

from builder.__main__ import main
from conftest import report


def test_a_site_adds_analytics_a_banner_a_footer_line_and_a_report_ending_in_a_few_lines(make_site):
    root = make_site({
        "templates/base.html": '{% extends "base.html" %}\n'
                               '{% block head %}{{ super() }}<script defer src="https://stats.example/a.js"></script>'
                               '{% endblock %}\n'
                               '{% block header %}<p class="banner">We moved!</p>{{ super() }}{% endblock %}\n'
                               '{% block footer %}{{ super() }}<p class="imprint">Imprint</p>{% endblock %}\n',
        "templates/report.html": '{% extends "report.html" %}\n'
                                 '{% block report_end %}<p class="cta">Subscribe</p>{% endblock %}\n',
        "content/a.md": report("Alpha")})
    assert main(["build", "--root", str(root)]) == 0
    for page in ("index.html", "reports/a/index.html"):
        html = (root / "output" / page).read_text()
        head, body = html.split("</head>")
        assert "stats.example/a.js" in head
        banner, header = body.index('<p class="banner">'), body.index('<header class="site-header">')
        footer, imprint = body.index('<footer class="site-footer">'), body.index('<p class="imprint">')
        assert banner < header < body.index("<main") < footer < imprint
    report_page = (root / "output" / "reports" / "a" / "index.html").read_text()
    assert report_page.index('<div class="prose">') < report_page.index('<p class="cta">') < report_page.index(
        "</article>")
    assert "stats.example/a.js" in report_page and "application/ld+json" in report_page  # report.html's head kept
