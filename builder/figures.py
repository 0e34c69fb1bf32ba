"""Figures, pictures, video and audio, and video-site links, in a report's body.

- A picture, video or audio alone in its paragraph becomes a <figure>, its title the <figcaption>
  (`![Alt](chart.png "Caption")`, as Pandoc does).
- A picture beside the report gets its width and height, is loaded lazily unless it opens the report,
  and offers smaller WebP copies through <picture> (images.py).
- A video or audio file (`![Demo](demo.mp4)`) plays in <video> or <audio> with the browser's controls.
- A YouTube or Vimeo link alone in its paragraph becomes a poster with a play button: nothing is asked
  of the video site until the reader presses it (site.js puts the player in its place).
"""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

from markdown.treeprocessors import Treeprocessor

from .images import SIZES, PictureError, local_target, picture_of

VIDEO = (".mp4", ".m4v", ".webm", ".ogv", ".mov")
AUDIO = (".mp3", ".m4a", ".aac", ".oga", ".ogg", ".opus", ".wav", ".flac")
EAGER_BLOCKS = 3  # a picture among the body's first blocks is likely on the first screen: not lazy
_YOUTUBE = re.compile(r"https?://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:[^#]*&)?v=|embed/|shorts/"
                      r"|live/)|youtu\.be/)([A-Za-z0-9_-]{11})(?:[?&#/][^\s]*)?\Z")
_VIMEO = re.compile(r"https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d{4,12})(?:[/?#][^\s]*)?\Z")


class Figures(Treeprocessor):
    """Runs once images and links exist as elements; md.files, md.made and md.media as markup.render sets them."""

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        top = {child: index for index, child in enumerate(root)}
        seen_picture = False
        for image in list(root.iter("img")):
            src = image.get("src")
            if src is None:
                continue
            suffix = posixpath.splitext(urlsplit(src).path)[1].lower() if _is_url(src) else ""
            if suffix in VIDEO or suffix in AUDIO:
                _replace(parents, image, _player(image, "video" if suffix in VIDEO else "audio"))
                continue
            image.set("decoding", "async")
            opening = not seen_picture and _block_index(image, parents, top) < EAGER_BLOCKS
            seen_picture = True
            if not opening:
                image.set("loading", "lazy")
            self._size(image, parents)
        for paragraph in list(root.iter("p")):
            if not len(paragraph) and _is_video_link((paragraph.text or "").strip()):  # a bare address
                paragraph.append(etree.Element("a", {"href": paragraph.text.strip()}))
                paragraph[0].text, paragraph.text = paragraph.text.strip(), None
            only = _alone(paragraph)
            if only is None:
                continue
            embed = _embed(only) if only.tag == "a" else None
            if embed is not None:
                paragraph.tag = "figure"
                paragraph.set("class", "embed")
                paragraph.remove(only)
                paragraph.extend(embed)
            elif _caption_source(only) is not None:
                _to_figure(paragraph, only)

    def _size(self, image: etree.Element, parents: dict) -> None:
        """Width, height and smaller copies of a picture beside the report."""
        files, made, log = self.md.files, self.md.made, self.md.media
        target = local_target(image.get("src", ""))
        if files is None or target is None:
            return
        try:
            found = picture_of(target, files, made)
        except PictureError as error:
            log.warn(f"the picture {target} cannot be read ({error}), so it has no width, height or smaller copies",
                     "save it again as PNG, JPEG or WebP", target)
            return
        except (OSError, ValueError):
            return  # missing or outside content/: the build's link check names it
        image.set("width", str(found.width))
        image.set("height", str(found.height))
        log.made.update(found.made)
        if found.thumbnail is not None:
            log.pictures.append(found.thumbnail)
            wrapper = etree.Element("picture")
            etree.SubElement(wrapper, "source", {"type": "image/webp", "srcset": found.srcset(), "sizes": SIZES})
            _replace(parents, image, wrapper)
            wrapper.append(image)
            parents[image] = wrapper


def _is_url(src: str) -> bool:
    try:
        urlsplit(src)
    except ValueError:
        return False
    return True


def _block_index(element: etree.Element, parents: dict, top: dict) -> int:
    while element not in top and element in parents:
        element = parents[element]
    return top.get(element, len(top))


def _replace(parents: dict, old: etree.Element, new: etree.Element) -> None:
    parent = parents[old]
    new.tail, old.tail = old.tail, None
    parent.insert(list(parent).index(old), new)
    parent.remove(old)
    parents[new] = parent


def _player(image: etree.Element, kind: str) -> etree.Element:
    """<video> or <audio> with controls for the file an image's address names, its alt text its name."""
    src = image.get("src", "")
    remote = bool(urlsplit(src).scheme)
    # A file of the site may fetch its first frame; another site's is asked for nothing before play.
    player = etree.Element(kind, {"controls": "controls", "preload": "none" if remote else "metadata", "src": src})
    if image.get("alt"):
        player.set("aria-label", image.get("alt"))
    if image.get("title"):
        player.set("title", image.get("title"))
    fallback = etree.SubElement(player, "a", {"href": src})
    fallback.text = f"Download the {kind}" + (f": {image.get('alt')}" if image.get("alt") else "")
    return player


def _alone(paragraph: etree.Element) -> etree.Element | None:
    """The one element a paragraph holds, with no text around it, else None."""
    if len(paragraph) != 1 or (paragraph.text or "").strip() or (paragraph[0].tail or "").strip():
        return None
    return paragraph[0]


def _caption_source(element: etree.Element) -> etree.Element | None:
    """The picture, video or audio a figure would be made of: the element, or the one inside a link."""
    if element.tag == "a" and len(element) == 1 and not (element.text or "").strip():
        element = element[0]
    if element.tag == "picture":
        element = element.find("img")
    return element if element is not None and element.tag in ("img", "video", "audio") else None


def _to_figure(paragraph: etree.Element, only: etree.Element) -> None:
    paragraph.tag = "figure"
    source = _caption_source(only)
    title = source.attrib.pop("title", None)
    if title and title.strip():
        caption = etree.SubElement(paragraph, "figcaption")
        caption.text = title


def _is_video_link(text: str) -> bool:
    return bool(_YOUTUBE.match(text) or _VIMEO.match(text))


def _embed(link: etree.Element) -> list[etree.Element] | None:
    """A poster that plays a YouTube or Vimeo video in place once pressed, and its caption; None for
    another link."""
    href = link.get("href", "")
    youtube, vimeo = _YOUTUBE.match(href), _VIMEO.match(href)
    if youtube:
        site, player = "YouTube", f"https://www.youtube-nocookie.com/embed/{youtube.group(1)}?autoplay=1"
    elif vimeo:
        site, player = "Vimeo", f"https://player.vimeo.com/video/{vimeo.group(1)}?autoplay=1&dnt=1"
    else:
        return None
    text = "".join(link.itertext()).strip()
    title = "" if text == href or not text else text
    poster = link.find("img")
    play = etree.Element("a", {"class": "embed-play", "href": href, "data-embed": player,
                               "data-title": f"{title or 'Video'} ({site})"})
    if poster is not None:
        poster.tail = None
        play.append(poster)
    etree.SubElement(play, "span", {"class": "embed-button", "aria-hidden": "true"})
    label = etree.SubElement(play, "span", {"class": "embed-label"})
    label.text = f"Play the video{': ' + title if title else ''}"
    caption = etree.Element("figcaption")
    caption.text = f"{title + '. ' if title else ''}Plays from {site}, which sees the visit, once you press play."
    return [play, caption]
