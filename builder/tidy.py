"""What Python-Markdown makes, made valid HTML: it passes addresses, attribute names and character
references through as written, nests links in autolinks, and leaves its placeholders in attributes.
Browsers cope with each; the Nu HTML Checker, feed readers and some parsers do not."""
from __future__ import annotations

import html as html_lib
import ipaddress
import re
import xml.etree.ElementTree as etree
from html.entities import html5
from urllib.parse import quote

from markdown import util
from markdown.inlinepatterns import AutomailInlineProcessor, HtmlInlineProcessor
from markdown.treeprocessors import Treeprocessor

# C0 and C1 controls but tab and newline, lone surrogates and noncharacters: HTML forbids them, XML (feeds)
# too, UTF-8 cannot encode a surrogate, and Python-Markdown takes \x02...\x03 for its own placeholders.
# Text pasted from a PDF or a terminal has controls; only a YAML escape ("\ud800") makes a surrogate.
_NONCHARACTERS = "".join(chr(plane + last) for plane in range(0, 0x110000, 0x10000) for last in (0xfffe, 0xffff))
NOT_TEXT_CHARS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")

# Links with these schemes can run script in the reader's browser. Browsers ignore controls and spaces
# inside a scheme ("java\tscript:"), and tabs and newlines anywhere in an address.
_UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data(?!:image/(png|gif|jpe?g|webp);)):", re.I)
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20]")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_URL_ATTRIBUTES = ("href", "src", "cite")
# Schemes whose addresses have a host, and in which browsers read "\" as "/" (the URL Standard's "special").
_SPECIAL = ("http", "https", "ws", "wss", "ftp")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# What the URL Standard allows unencoded in a path, query or fragment: anything else is %-encoded, and a
# "%" that starts no escape too; a second "#" is a character of the fragment.
_NOT_URL = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9!$&'()*+,\-./:;=?@_~%\u00a0-\ufffc\U00010000-\U0010ffff]")
_NOT_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|]")
# A character reference the serializer keeps as it is: the browser reads it, so an address is unescaped.
_ESCAPED = re.compile("\x02([0-9]+)\x03")  # a backslash escape, as Python-Markdown holds it
_PLACEHOLDER = re.compile("\x02[a-z]+:[0-9]+\x03")
REFERENCE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z0-9]+);")

# What an attribute list (`{: name=value }`) may set: the attributes HTML gives every element and those it
# gives the elements Markdown makes, each with the values it allows (a pattern the whole value matches; None:
# any text). It may write any name and value, and the checker refuses those HTML does not have.
_WHOLE, _INTEGER, _POSITIVE = r"[0-9]+", r"-?[0-9]+", r"0*[1-9][0-9]*"
_REL = ("alternate|author|bookmark|external|help|license|me|next|nofollow|noopener|noreferrer|opener|prev|"
        "privacy-policy|search|sponsored|tag|terms-of-service|ugc")
_GLOBAL = {"id": r"[^\t\n\f\r ]+", "class": None, "title": None, "style": None, "slot": None,
           "lang": r"(?:[a-z]{2,3}(?:-[a-z0-9]{2,8})*)?", "dir": "ltr|rtl|auto", "translate": "|yes|no",
           "spellcheck": "|true|false", "hidden": "|hidden|until-found", "tabindex": _INTEGER,
           "aria-label": None, "aria-hidden": "true|false"}
_OWN = {"a": {"href": None, "download": None, "target": r"_blank|_self|_parent|_top|[^_\s<][^\t\n<]*",
              "rel": rf"\s*(?:{_REL})(?:\s+(?:{_REL}))*\s*"},
        "img": {"alt": None, "src": None, "width": _WHOLE, "height": _WHOLE, "loading": "lazy|eager",
                "decoding": "sync|async|auto"},
        "td": {"colspan": _POSITIVE, "rowspan": _WHOLE},
        "th": {"colspan": _POSITIVE, "rowspan": _WHOLE, "scope": "row|col|rowgroup|colgroup", "abbr": None},
        "ol": {"reversed": "|reversed", "start": _INTEGER, "type": "[1aAiI]"}, "li": {"value": _INTEGER},
        "blockquote": {"cite": None}, "q": {"cite": None}, "del": {"cite": None}, "ins": {"cite": None}}
_ALLOWED = {tag: {name: value and re.compile(value, re.I) for name, value in {**_GLOBAL, **own}.items()}
            for tag, own in {**_OWN, "": {}}.items()}
_DATA = re.compile(r"data-[\w.\-]+\Z")
_HANDLER = re.compile(r"on[a-z]+\Z")


def reference(text: str) -> str:
    """A character reference as the page may hold it: one to a character HTML forbids becomes the
    character a browser shows for it (U+FFFD, or none for a control), an unknown name plain text."""
    name = text[1:-1]
    if not name.startswith("#"):
        return text if f"{name};" in html5 else f"&amp;{name};"
    number = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    shown = html_lib.unescape(text)
    if number < 0x110000 and shown == chr(number) and not NOT_TEXT_CHARS.match(shown) and number != 13:
        return text
    return html_lib.escape(NOT_TEXT_CHARS.sub("", shown))


class References(HtmlInlineProcessor):
    """Python-Markdown's character references, each as `reference` makes it."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:
        return self.md.htmlStash.store(reference(m.group(1))), m.start(0), m.end(0)


class Automail(AutomailInlineProcessor):
    """`<name@example.org>`, with its backslash escapes read: the extension spelt out the placeholders
    standing for them ("<a\\+b@c.org>" gave "&#2;43&#3;", STX 4 3 ETX, in its text)."""

    def unescape(self, text: str) -> str:
        return _ESCAPED.sub(lambda m: chr(int(m.group(1))), super().unescape(text))


def url(value: str) -> str | None:
    """The address `value` (as a browser reads the attribute) %-encoded where URL syntax needs it, with
    the tabs and newlines browsers drop dropped and "\\" read as "/" where browsers read it so; None if
    its host is not a host."""
    value = _TAB_OR_NEWLINE.sub("", value).strip("\x00 ")
    scheme = _SCHEME.match(value)
    special = scheme is None or scheme.group()[:-1].lower() in _SPECIAL
    head, mark, fragment = value.partition("#")
    path, query_mark, query = head.partition("?")
    if special:
        path = path.replace("\\", "/")
    start = scheme.end() if scheme else 0
    if path.startswith("//", start):
        end = next((i for i in range(start + 2, len(path)) if path[i] == "/"), len(path))
        if special and not _is_authority(path[start + 2:end]):
            return None
        start = end
    return (path[:start] + _encoded(path[start:]) + query_mark + _encoded(query)
            + mark + _encoded(fragment).replace("#", "%23"))


def _encoded(part: str) -> str:
    return _NOT_URL.sub(lambda m: quote(m.group(), safe=""), part)


def _is_authority(authority: str) -> bool:
    """Whether `authority` ([user@]host[:port]) has a host and port browsers accept."""
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        address, closed, port = host[1:].partition("]")
        try:
            ipaddress.IPv6Address(address if closed else "")
        except ValueError:
            return False
        port = port[1:] if port.startswith(":") else None if port else ""
    else:
        host, _, port = host.partition(":")
        if not _is_domain(host):
            return False
    return port is not None and (port == "" or port.isascii() and port.isdigit() and int(port) < 65536)


def _is_domain(host: str) -> bool:
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:  # "example.org.", fully qualified
        labels.pop()
    if not all(labels) or _NOT_HOST.search(host):
        return False
    for label in labels:
        try:
            if label.lower().startswith("xn--"):
                label.encode("ascii")[4:].decode("punycode")
            elif not label.isascii():
                label.encode("idna")
        except (UnicodeError, ValueError):
            return False
    return True


class Tidy(Treeprocessor):
    """After every other pass: attributes and addresses as HTML allows them (script addresses and event
    handlers removed too on a site that does not trust its writers), a link inside a link made text, an
    image without an address its alternative text, and a definition list's descriptions before any term
    taken out of it."""

    def __init__(self, md, safe: bool, page_ids: frozenset[str]):
        super().__init__(md)
        self.safe = safe
        self.page_ids = page_ids

    def run(self, root: etree.Element) -> None:
        self._stash: dict | None = None
        self._ids = set(self.page_ids)
        lists: list[tuple[etree.Element, etree.Element]] = []
        self._walk(root, False, lists)
        for parent, dl in lists:
            index = list(parent).index(dl)
            parent[index:index + 1] = _split_list(dl)

    def _walk(self, element: etree.Element, in_link: bool, lists: list) -> None:
        for child in element:
            if child.attrib:
                self._tidy(child)
            if child.tag == "a" and in_link:
                child.tag = "span"
                child.attrib.clear()
            elif child.tag == "dl" and len(child) and child[0].tag == "dd":
                lists.append((element, child))
            if len(child):
                self._walk(child, in_link or child.tag == "a", lists)

    def _stashed(self) -> dict:
        """Placeholder -> what it stands for, of both of Python-Markdown's stashes."""
        if self._stash is None:
            inline = self.md.treeprocessors["inline"].stashed_nodes
            self._stash = {**{util.INLINE_PLACEHOLDER % key: node for key, node in inline.items()},
                           **{util.HTML_PLACEHOLDER % n: raw for n, raw in enumerate(self.md.htmlStash.rawHtmlBlocks)}}
        return self._stash

    def _tidy(self, element: etree.Element) -> None:
        allowed = _ALLOWED.get(element.tag, _ALLOWED[""])
        for name, value in list(element.attrib.items()):
            del element.attrib[name]
            name = name.lower()
            if not (name in allowed or _DATA.match(name) or (not self.safe and _HANDLER.match(name))):
                continue
            spelt = util.AMP_SUBSTITUTE in (value or "")  # an e-mail address, spelt out against harvesters
            value = _placeholders_as_text(value or "", self._stashed)
            if name in _URL_ATTRIBUTES:
                address = REFERENCE.sub(lambda m: html_lib.unescape(m.group()), value)
                if self.safe and _UNSAFE_SCHEME.match(_CONTROL_OR_SPACE.sub("", address)):
                    continue
                address = url(address)
                if address is None:
                    continue
                # The serializer leaves "&name;" as it is: an address holding one must keep its "&".
                value = "".join(f"&#{ord(c)};" for c in address) if spelt else \
                    REFERENCE.sub(lambda m: "&amp;" + m.group()[1:], address)
            else:
                value = REFERENCE.sub(lambda m: reference(m.group()), value)
                valid = allowed.get(name)
                if valid is not None and not valid.fullmatch(html_lib.unescape(value)):
                    continue
                if name == "id":  # once on the page, the template's own ids (PAGE_IDS) included
                    if value in self._ids:
                        continue
                    self._ids.add(value)
            element.set(name, value)
        if element.tag == "img" and not element.get("src"):
            element.tag, element.text = "span", element.get("alt", "")
            element.attrib.clear()


def _placeholders_as_text(value: str, stashed) -> str:
    """An attribute with the placeholders Python-Markdown left in it as the text they stand for."""
    def text(match: re.Match[str]) -> str:
        node = stashed().get(match.group())
        return node if isinstance(node, str) else "".join(node.itertext()) if node is not None else ""
    if "\x02" not in value:
        return value
    return NOT_TEXT_CHARS.sub("", _PLACEHOLDER.sub(text, value.replace(util.AMP_SUBSTITUTE, "&")))


def _split_list(dl: etree.Element) -> list[etree.Element]:
    """A definition list as HTML allows it: descriptions before its first term as blocks before it."""
    before = []
    while len(dl) and dl[0].tag == "dd":
        description = dl[0]
        dl.remove(description)
        description.tag = "div"
        before.append(description)
    return before + [dl] if len(dl) else before
