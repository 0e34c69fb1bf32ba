"""What the Markdown extensions for charts, figures and pictures (charts.py, figures.py, images.py) make.

Each render starts a MediaLog (md.media) that they fill with the files they made for the site (a chart's
SVG, a picture's smaller sizes), the warnings they found and the pictures of the body, for its card.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib.metadata import version

from .model import Thumbnail

class MediaError(ValueError):
    """A block the build cannot make (a chart whose data is missing); `line` counts from the body's first line, 1."""

    def __init__(self, line: int, message: str, hint: str):
        super().__init__(f"{message} at line {line} of the body")
        self.line, self.message, self.hint = line, message, hint


MEDIA_DIR = "_media"  # generated files; content/ cannot hold a folder of this name (load.is_ignored)


@dataclass
class MediaLog:
    """What the extensions made while rendering one report body."""

    made: dict[str, str] = field(default_factory=dict)  # output path -> key of its bytes in store.Made
    warnings: list[tuple[int | None, str, str]] = field(default_factory=list)  # (body line, message, hint)
    pictures: list[Thumbnail] = field(default_factory=list)  # the body's pictures beside the report, in order
    body: str = ""  # the Markdown rendered, to find the line a warning is about

    def warn(self, message: str, hint: str, near: str | None = None) -> None:
        """Note a warning about the first line of the body holding `near` (the whole body if None)."""
        at = self.body.find(near) if near else -1
        self.warnings.append((self.body.count("\n", 0, at) + 1 if at >= 0 else None, message, hint))


def media_path(key: str, suffix: str) -> str:
    """The output path of a generated file, named by the key of what it is made from."""
    return f"{MEDIA_DIR}/{key}{suffix}"


@functools.cache  # reading a package's metadata takes a millisecond; social cards ask once per report
def library(name: str) -> str:
    """The installed version of a library whose output goes into made files (Pillow, vl-convert)."""
    return version(name)
