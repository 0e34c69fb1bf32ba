"""Social cards: a 1200 x 630 PNG for each report without an `image`, for og:image and twitter:image.

It shows the report's title, its topics and the site's name in the theme's light colours, set in the
theme's bundled font (fonts/DejaVuSans-Bold.ttf, which a site's templates/ may replace). A card is kept
in store.Made by a digest of all it shows, so it is drawn again only when one of those changes.
"""
from __future__ import annotations

import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence


from .media import library, media_path
from .model import Card
from .store import Made, digest

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

WIDTH, HEIGHT = 1200, 630
FONT = "fonts/DejaVuSans-Bold.ttf"
MARGIN = 80
# The theme's light colours (style.css): page, text, muted text, accent and kicker.
COLOURS = {"page": "#fbfaf7", "ink": "#1a1d23", "muted": "#5a606c", "accent": "#0b5cab", "kicker": "#a8261d"}
TITLE_SIZES = (68, 58, 50, 44)  # the largest at which the title fits in four lines
PARALLEL_MIN = 60  # cards to draw before worker processes pay for their start
_VERSION = "card-1"  # names the layout: change it when the drawing changes

Text = tuple[str, str, str]  # (title, topics, site name)


def social_cards(cards: Sequence[Card], site: str, theme: Sequence[Path], made: Made, holds: Callable[[str], bool],
                 workers: int = 1) -> tuple[tuple[Card, ...], dict[str, str]]:
    """The cards with `social_image` set for each report without an `image`, and output path -> Made key of
    every social card. Those neither output/ nor the store has are drawn and stored."""
    font = next((folder / FONT for folder in theme if (folder / FONT).is_file()), None)
    if font is None:
        return tuple(cards), {}
    drawing = digest(_VERSION, library("pillow"), digest(font.read_bytes()), repr(sorted(COLOURS.items())))
    out, files, wanted = [], {}, {}
    for card in cards:
        if card.image:
            out.append(card)
            continue
        text = (card.title, " · ".join(t.name for t in card.topics), site)
        key = digest(drawing, *text)
        path = media_path(key, ".png")
        files[path] = key
        if not holds(path):
            wanted[key] = text
        out.append(replace(card, social_image=path))
    missing = sorted(made.missing(wanted))
    for key, png in zip(missing, draw_many([wanted[k] for k in missing], font, workers)):
        made.put(key, png)
    return tuple(out), files


def draw_many(texts: list[Text], font: Path, workers: int) -> Iterable[bytes]:
    """The PNG of each card, drawn across worker processes when there are enough of them."""
    if len(texts) < PARALLEL_MIN or workers < 2:
        return draw_chunk(texts, font)
    size = -(-len(texts) // workers)
    chunks = [texts[i:i + size] for i in range(0, len(texts), size)]
    # "spawn": a worker starts from a clean interpreter instead of a copy of this process's memory.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [png for chunk in pool.map(draw_chunk, chunks, [font] * len(chunks)) for png in chunk]


def draw_chunk(texts: list[Text], font: Path) -> list[bytes]:
    from PIL import ImageFont  # Pillow loads only when a card is drawn, not in every build that draws none

    faces = {size: ImageFont.truetype(str(font), size) for size in (*TITLE_SIZES, 30, 26)}
    return [draw(text, faces) for text in texts]


def draw(text: Text, faces: dict[int, FreeTypeFont]) -> bytes:
    """One card's PNG."""
    from PIL import Image, ImageDraw

    title, topics, site = text
    image = Image.new("RGB", (WIDTH, HEIGHT), COLOURS["page"])
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, HEIGHT - 18, WIDTH, HEIGHT), fill=COLOURS["accent"])
    pen.rounded_rectangle((MARGIN, 64, MARGIN + 44, 108), radius=10, fill=COLOURS["accent"])
    pen.line([(MARGIN + 9, 96), (MARGIN + 19, 84), (MARGIN + 27, 92), (MARGIN + 37, 77)], fill=COLOURS["page"],
             width=5, joint="curve")
    pen.text((MARGIN + 64, 86), _fit(site, faces[30], WIDTH - 2 * MARGIN - 64), font=faces[30],
             fill=COLOURS["ink"], anchor="lm")
    top = 190
    if topics:
        pen.text((MARGIN, top), _fit(topics.upper(), faces[26], WIDTH - 2 * MARGIN), font=faces[26],
                 fill=COLOURS["kicker"])
        top += 58
    for size in TITLE_SIZES:
        lines = _wrap(title, faces[size], WIDTH - 2 * MARGIN)
        if len(lines) <= 4:
            break
    lines = lines[:4] if len(lines) <= 4 else [*lines[:3], _fit(" ".join(lines[3:]), faces[size], WIDTH - 2 * MARGIN)]
    pen.multiline_text((MARGIN, top), "\n".join(lines), font=faces[size], fill=COLOURS["ink"], spacing=size // 4)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)  # flat colours: smaller levels cost time and save little
    return out.getvalue()


def _wrap(text: str, face: FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word if face.getlength(word) <= width else _fit(word, face, width))
    return lines or [""]


def _fit(text: str, face: FreeTypeFont, width: int) -> str:
    """The text, cut with an ellipsis where it would pass `width`."""
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
