"""Command line: trendsite build | serve | new | check | init | import. Turns errors into messages and exit codes."""
from __future__ import annotations

import argparse
import importlib.metadata
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from . import scaffold
from .build import BuildOptions, build
from .config import base_url_error, base_url_warnings, config_file
from .errors import BUG_HINT, BuildError, Problem
from .progress import ProgressBar, summary_line


# The tools `import` reads (importer.TOOLS), named here so that a build does not load the importer.
IMPORTED_TOOLS = ("hugo", "jekyll", "pelican")


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = argparse.ArgumentParser(prog="trendsite", description="Build a static site of trend reports.")
    parser.add_argument("--version", action="version", version=f"trendsite {importlib.metadata.version('trendsite')}")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks of unexpected failures")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build the site into the output folder")
    _site_arguments(build_cmd)
    _draft_arguments(build_cmd)
    build_cmd.add_argument("--base-url", type=_base_url, default=None,
                           help="the address the site is published at, instead of base_url (a deploy preview's)")
    serve_cmd = commands.add_parser("serve", help="build, serve the site and rebuild it on every change")
    _site_arguments(serve_cmd)
    _draft_arguments(serve_cmd)
    serve_cmd.add_argument("--port", type=_port, default=8000, help="the port to listen on (default: 8000)")
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="the address to listen on (default: 127.0.0.1, this computer only)")
    serve_cmd.set_defaults(run=_serve)
    new_cmd = commands.add_parser("new", help="create content/<slug>.md for a new report")
    new_cmd.add_argument("title", help="the report's title, in quotes")
    new_cmd.add_argument("--topic", action="append", default=[], help="a topic of the report (repeatable)")
    new_cmd.add_argument("--root", type=Path, default=Path("."), help="the site folder (default: .)")
    new_cmd.set_defaults(run=_new)
    check_cmd = commands.add_parser("check", help="lint content and the built site without writing output")
    check_cmd.add_argument("--root", type=Path, default=Path("."), help="the site folder (default: .)")
    _draft_arguments(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json"), default="text", help="how to print findings")
    check_cmd.set_defaults(run=_check)
    init_cmd = commands.add_parser("init", help="write a starter site: settings, an example report, a .gitignore")
    init_cmd.add_argument("folder", type=Path, nargs="?", default=Path("."), help="where (default: .)")
    init_cmd.set_defaults(run=_init)
    import_cmd = commands.add_parser("import", help="make reports and settings of a Hugo, Jekyll or Pelican site")
    import_cmd.add_argument("tool", choices=IMPORTED_TOOLS, help="the tool the site was made with")
    import_cmd.add_argument("source", type=Path, help="the folder of that site")
    import_cmd.add_argument("--root", type=Path, default=Path("."), help="the trendsite site to write (default: .)")
    import_cmd.add_argument("--force", action="store_true", help="overwrite files that exist and differ")
    import_cmd.set_defaults(run=_import)
    args = parser.parse_args(argv)
    try:
        return args.run(args) if hasattr(args, "run") else _build(args)
    except BuildError as error:
        _print_problems(error.problems, args.debug)
        errors = sum(p.is_error for p in error.problems)
        print(f"{errors} problem(s); nothing was written.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the output folder holds a complete site (the previous one unless writing had "
              "finished).", file=sys.stderr)
        return 130
    except Exception as exc:  # the last error boundary: never a traceback, unless asked for
        if args.debug:
            raise
        print(f"error: trendsite failed unexpectedly: {type(exc).__name__}: {exc} ({BUG_HINT})", file=sys.stderr)
        return 1


def _print_problems(problems: Sequence[Problem], debug: bool) -> None:
    for problem in problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)
        if debug and problem.detail:
            print(problem.detail, file=sys.stderr)


def _site_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", type=Path, default=Path("."), help="the site folder (default: .)")
    command.add_argument("--output", type=Path, default=None, help="where to write (default: ROOT/output)")


def _port(text: str) -> int:
    """A port number, refused before the first build rather than by the socket after it."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 0 to 65535")
    return int(text)


def _base_url(text: str) -> str:
    wrong = base_url_error(text)
    if wrong:
        raise argparse.ArgumentTypeError(wrong.removeprefix("base_url "))
    return text


def _draft_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--drafts", action="store_true", help="include reports marked draft: true")
    command.add_argument("--future", action="store_true", help="include reports dated in the future")


def _options(args: argparse.Namespace) -> BuildOptions:
    root = args.root.resolve()
    output = (getattr(args, "output", None) or root / "output").resolve()
    return BuildOptions(root=root, output=output, drafts=args.drafts, future=args.future,
                        base_url=getattr(args, "base_url", None))


def _serve(args: argparse.Namespace) -> int:
    from . import preview  # the watcher and the server: loaded only to serve, as every build starts up here

    # Across the cores, as `build`: a first build of a large site, or a theme edit, renders every page.
    options = replace(_options(args), workers=os.cpu_count() or 1)
    return preview.serve(options, host=args.host, port=args.port, debug=args.debug)


def _new(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    path = scaffold.create_report(root, args.title, args.topic, scaffold.site_today(root))
    print(path)
    return 0


def _init(args: argparse.Namespace) -> int:
    folder = args.folder.resolve()
    written, kept = scaffold.init_site(folder, scaffold.site_today(folder))
    for rel in written:
        print(f"wrote {folder / rel}")
    for rel in kept:
        print(f"kept {folder / rel}: it exists already")
    where = "" if folder == Path.cwd() else f" --root {folder}"
    print(f"next: fill in base_url in {folder / config_file(folder)}, then run `trendsite serve{where}`")
    return 0


def _import(args: argparse.Namespace) -> int:
    from . import importer  # loaded only to import, as every build starts up here
    from .importer.report import format_report

    done = importer.import_site(args.tool, args.source, args.root.resolve(), args.force)
    print(format_report(done))
    return 0


def _check(args: argparse.Namespace) -> int:
    from . import check  # loaded only to check, as every build starts up here

    findings = check.check_site(_options(args))
    print(check.format_findings(findings, args.format))
    return 1 if any(p.severity == "error" for p in findings) else 0


def _build(args: argparse.Namespace) -> int:
    bar = ProgressBar(sys.stderr)
    options = replace(_options(args), workers=os.cpu_count() or 1, progress=bar,
                      waiting=lambda message: print(message, file=sys.stderr, flush=True))
    try:
        result = build(options)
    finally:
        bar.clear()
    # A published site's own warnings: `serve` needs no base_url.
    _print_problems([*base_url_warnings(result.site.config, options.root), *result.site.warnings], args.debug)
    print(summary_line(result, options.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
