"""Error boundaries: a failure trendsite did not foresee names the file it happened in and never prints a
traceback, unless --debug asks for one."""
from __future__ import annotations

import pytest

from builder import __main__ as cli
from builder import prepare
from conftest import report


@pytest.fixture
def one_report_breaks(monkeypatch):
    """Terms fail for the report titled "Boom" alone, as a bug in a library might."""
    real = prepare.report_terms

    def failing(title, *args, **kwargs):
        if title == "Boom":
            raise ValueError("an invented failure")
        return real(title, *args, **kwargs)

    monkeypatch.setattr(prepare, "report_terms", failing)


def test_an_unexpected_failure_in_one_report_names_its_file_and_the_others_are_checked(
        make_site, capsys, one_report_breaks):
    root = make_site({"content/boom.md": report("Boom"), "content/fine.md": report("Fine"),
                      "content/bad.md": "---\ntitle: Bad\n---\n"})
    code = cli.main(["build", "--root", str(root)])
    err = capsys.readouterr().err
    assert code == 1
    assert "content/boom.md: could not be built: ValueError: an invented failure" in err
    assert "--debug" in err
    assert "content/bad.md" in err  # every problem of the build is listed, not only the first
    assert "Traceback" not in err
    assert not (root / "output").exists()


def test_debug_shows_the_traceback_of_an_unexpected_failure(make_site, capsys, one_report_breaks):
    root = make_site({"content/boom.md": report("Boom")})
    assert cli.main(["--debug", "build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "an invented failure" in err


def test_a_failure_outside_any_report_is_a_message_not_a_traceback(make_site, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("nobody saw this coming")

    monkeypatch.setattr(cli, "build", broken)
    root = make_site({"content/a.md": report("A")})
    assert cli.main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: nobody saw this coming" in err and "--debug" in err
    assert "Traceback" not in err
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "build", "--root", str(root)])


def test_warnings_of_a_build_are_printed_and_do_not_stop_it(make_site, capsys, monkeypatch):
    from builder.errors import warning
    real = prepare.parse_document

    def warned(source, tz):
        document, problems = real(source, tz)
        return document, [*problems, warning(f"content/{source.rel}", 3, "an invented warning", "ignore it")]

    monkeypatch.setattr(prepare, "parse_document", warned)
    root = make_site({"content/a.md": report("A")})
    assert cli.main(["build", "--root", str(root)]) == 0
    err = capsys.readouterr().err
    assert "warning: content/a.md:3: an invented warning (ignore it)" in err
    assert (root / "output" / "index.html").is_file()
