"""Errors that carry where a problem is, what is wrong and how to fix it."""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field

# Said of every failure trendsite did not foresee: the reader's input is fine, our code is not.
BUG_HINT = "this is a bug in trendsite: run the command again with --debug and report what it prints"


@dataclass(frozen=True)
class Problem:
    """One finding about the site's input: an error stops the build, a warning does not."""

    path: str  # relative to the site root, e.g. "content/x.md"
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"
    # The Python traceback of an unexpected failure, printed only with --debug.
    detail: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict:
        return {
            "file": self.path,
            "line": self.line,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


def unexpected(path: str, exc: BaseException, line: int | None = None, doing: str = "could not be built") -> Problem:
    """The problem an unforeseen exception becomes at an error boundary: it names the file, and keeps
    the traceback for --debug."""
    detail = "".join(traceback.format_exception(exc))
    return Problem(path, line, f"{doing}: {type(exc).__name__}: {exc}", BUG_HINT, detail=detail)


def warning(path: str, line: int | None, message: str, hint: str = "") -> Problem:
    """A finding that does not stop the build."""
    return Problem(path, line, message, hint, severity="warning")


class BuildError(Exception):
    """Raised with every problem found, so the editor can fix them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


def raise_errors(problems: list[Problem]) -> None:
    """Raise a BuildError listing every problem (warnings too) when any of them is an error."""
    if any(p.is_error for p in problems):
        raise BuildError(problems)
