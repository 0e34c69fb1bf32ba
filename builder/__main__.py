"""Command line: trendsite build | serve | new | check. Turns errors into messages and exit codes."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import BuildOptions, build
from .errors import BuildError


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = argparse.ArgumentParser(prog="trendsite", description="Build a static site of trend reports.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build the site into the output folder")
    _site_arguments(build_cmd)
    build_cmd.add_argument("--drafts", action="store_true", help="include reports marked draft: true")
    build_cmd.add_argument("--future", action="store_true", help="include reports dated in the future")
    args = parser.parse_args(argv)
    try:
        return args.run(args) if hasattr(args, "run") else _build(args)
    except BuildError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(error.problems)} problem(s); nothing was written.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged.", file=sys.stderr)
        return 130


def _site_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", type=Path, default=Path("."), help="the site folder (default: .)")
    command.add_argument("--output", type=Path, default=None, help="where to write (default: ROOT/output)")


def _build(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    output = (args.output or root / "output").resolve()
    result = build(BuildOptions(root=root, output=output, drafts=args.drafts, future=args.future))
    summary = result.summary
    print(f"built {len(result.site.reports)} reports: {summary.written} files written, "
          f"{summary.unchanged} unchanged, {summary.removed} removed in {result.seconds:.2f}s -> {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
