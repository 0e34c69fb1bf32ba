"""Pictures beside reports: their size, for width and height, and smaller WebP copies, made with Pillow.

A copy is kept in store.Made by a digest of the picture's bytes, its width and Pillow's version, so
an unchanged picture is never decoded again, whatever report shows it.
"""
from __future__ import annotations

import io
import math
import posixpath
import re
import warnings
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .errors import Problem, warning
from .load import ReportFiles
from .media import MediaLog, library, media_path
from .model import Thumbnail
from .prose import prose_lines
from .store import Made, digest

RASTER = (".png", ".jpg", ".jpeg", ".webp", ".gif")
WIDTHS = (480, 960, 1440)  # a phone, a phone at 2x or the column at 1x, the column at 2x
# The column is 44rem at most; on a phone the picture spans the screen.
SIZES = "(min-width: 48rem) 44rem, 100vw"
_IMAGE_NO_ALT = re.compile(r"!\[\s*\]\(")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
MAX_PIXELS = 50_000_000  # a picture larger than this is likely a decompression bomb, and far too heavy anyway
_VERSION = "webp-q78-m2"  # names how copies are made: change it when that changes


@dataclass(frozen=True)
class Picture:
    """A picture beside a report: its size as shown (turned as its EXIF data says) and its copies."""

    width: int
    height: int
    copies: tuple[tuple[str, int], ...]  # (output path, width) of each WebP copy, smallest first
    made: tuple[tuple[str, str], ...]  # (output path, Made key) of each

    @property
    def thumbnail(self) -> Thumbnail | None:
        return Thumbnail(self.width, self.height, self.copies) if self.copies else None

    def srcset(self) -> str:
        """The copies as a srcset of site-absolute paths."""
        return ", ".join(f"/{path} {width}w" for path, width in self.copies)


class PictureError(ValueError):
    """Bytes that are not a picture Pillow can use."""


def local_target(src: str) -> str | None:
    """The file a picture's address names beside the report, as written; None for one elsewhere."""
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or not parts.path or src.startswith("/"):
        return None
    target = unquote(parts.path)
    return target if posixpath.splitext(target)[1].lower() in RASTER else None


def picture_of(target: str, files: ReportFiles, made: Made | None) -> Picture:
    """The picture `target` names beside the report, with its copies made (none without a store);
    OSError or ValueError when it cannot be read, PictureError when it is no picture."""
    data = files.bytes_of(target)
    return picture(data, made)


def picture(data: bytes, made: Made | None) -> Picture:
    """The size of a picture's bytes and its copies, made and kept in `made` (none when it is None)."""
    from PIL import Image  # Pillow loads only when a picture is read, not in every build that reads none

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PictureError(f"it is {width} x {height} pixels, too large to make smaller copies of")
            # Browsers turn a photo as its EXIF orientation says; width and height must match.
            if image.getexif().get(0x0112) in (5, 6, 7, 8):
                width, height = height, width
            animated = getattr(image, "is_animated", False)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PictureError(str(exc) or "Pillow cannot read it") from None
    # A copy of an animation would be its first frame; one of an icon would save nothing worth a request.
    if made is None or animated or width <= WIDTHS[0]:
        return Picture(width, height, (), ())
    source = digest(data)
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    keys = {w: digest(_VERSION, library("pillow"), source, str(w)) for w in widths}
    missing = made.missing(keys.values())
    for key, copy in _copies(data, width, {k: w for w, k in keys.items() if k in missing}):
        made.put(key, copy)
    copies = tuple((media_path(keys[w], ".webp"), w) for w in widths)
    return Picture(width, height, copies, tuple((path, keys[w]) for path, w in copies))


def _copies(data: bytes, shown_width: int, wanted: dict[str, int]):
    """(key, WebP bytes) of each copy wanted (key -> width), decoding the picture once."""
    if not wanted:
        return
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(data))
    scale = max(wanted.values()) / shown_width
    image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))  # a JPEG decodes smaller
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    for key, width in sorted(wanted.items(), key=lambda item: item[1]):
        height = max(1, round(image.height * width / image.width))
        copy = image if width == image.width else image.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=78, method=2)
        yield key, out.getvalue()


def card_picture(image: str | None, media: MediaLog, files: ReportFiles, made: Made | None) -> Thumbnail | None:
    """What the report's cards show: its `image` when that is a picture beside it, else its body's first."""
    target = local_target(image) if image else None
    if target is not None:
        try:
            found = picture_of(target, files, made)
        except (OSError, ValueError):  # a missing `image` is the link check's to name; a broken one, the body's
            return None
        media.made.update(found.made)
        return found.thumbnail
    return None if image else next(iter(media.pictures), None)


def missing_alt(shown: str, body: str, body_line: int) -> list[Problem]:
    """A warning for each line of prose with a picture that has no alt text."""
    found = []
    for number, line in prose_lines(body.split("\n"), body_line):
        bare_tag = any("alt=" not in m.group(0).lower() for m in _HTML_IMAGE.finditer(line))
        if _IMAGE_NO_ALT.search(line) or bare_tag:
            found.append(warning(shown, number, "an image has no alt text",
                                 "describe the picture in the brackets: ![what it shows](file.png)"))
    return found
