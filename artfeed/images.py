"""What an image file is, told by its bytes, and whether an SVG is safe to show.

Used wherever images enter from outside (the import command, the admin, the OpenAI-
compatible generator): the extension of a file proves nothing, its first bytes do.
An SVG is a document that can run script and fetch from elsewhere; only a static,
self-contained picture is accepted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from xml.parsers import expat

ACCEPTED = "a PNG, JPEG, WebP or SVG image"


class BadImage(ValueError):
    """The bytes are not an image we accept; the message says why, for the person who sent it."""


class NotAnImage(BadImage):
    """The bytes are no kind of image we know (rather than a damaged or unsafe one)."""


@dataclass(frozen=True)
class ImageKind:
    extension: str
    content_type: str
    label: str


PNG = ImageKind("png", "image/png", "PNG")
JPEG = ImageKind("jpg", "image/jpeg", "JPEG")
WEBP = ImageKind("webp", "image/webp", "WebP")
SVG = ImageKind("svg", "image/svg+xml", "SVG")
RASTERS = (PNG, JPEG, WEBP)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_XML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<(\?xml|svg|!--|!DOCTYPE)", re.IGNORECASE)
# url(...) that points anywhere but into the document itself, and @import.
_EXTERNAL_CSS = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.IGNORECASE)
_SAFE_HREF = re.compile(r"^\s*(#|data:image/(png|jpeg|webp|gif);)", re.IGNORECASE)


def content_digest(content: bytes) -> str:
    """The sha256 hex of an image's bytes: how the pool knows it has an image already."""
    return hashlib.sha256(content).hexdigest()


def identify(content: bytes) -> ImageKind:
    """The kind of image ``content`` is, checked from its bytes; ``BadImage`` if it is
    none we accept, is cut short, or (an SVG) could run script or fetch from elsewhere."""
    if not content:
        raise NotAnImage("is empty")
    if content.startswith(_PNG_SIGNATURE):
        if content[12:16] != b"IHDR" or b"IEND" not in content[-12:]:
            raise BadImage("is a PNG but is damaged or cut short")
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        # Every complete JPEG ends with the EOI marker (some writers pad after it).
        if b"\xff\xd9" not in content[-1024:]:
            raise BadImage("is a JPEG but is damaged or cut short")
        return JPEG
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        declared = int.from_bytes(content[4:8], "little") + 8
        if content[12:16] not in (b"VP8 ", b"VP8L", b"VP8X") or declared > len(content):
            raise BadImage("is a WebP but is damaged or cut short")
        return WEBP
    if _XML_START.match(content[:1024]):
        check_svg(content)
        return SVG
    raise NotAnImage(f"is not {ACCEPTED}")


def check_svg(content: bytes) -> None:
    """Raise ``BadImage`` unless ``content`` is well-formed XML with an ``<svg>`` root and
    nothing active: no ``<script>`` or ``<foreignObject>``, no ``on…`` event attributes,
    no links or CSS ``url()`` leaving the document, no entity declarations (which are how
    XML bombs and external entities get in)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    elements: list[str] = []
    styles: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        if not elements and local != "svg":
            raise BadImage(f"is XML but its root element is <{local}>, not <svg>")
        if local in ("script", "foreignObject"):
            raise BadImage(f"is an SVG with a <{local}> element, which could run code")
        for attribute, value in attributes.items():
            attribute_local = attribute.rsplit(" ", 1)[-1]
            if attribute_local.lower().startswith("on"):
                raise BadImage(f"is an SVG with an event handler ({attribute_local}=…)")
            if attribute_local == "href" and not _SAFE_HREF.match(value):
                raise BadImage(f"is an SVG linking outside itself (href={value[:60]!r})")
            if attribute_local == "style" and _EXTERNAL_CSS.search(value):
                raise BadImage("is an SVG whose style loads something from outside")
        elements.append(local)

    def text(data: str) -> None:
        if elements and elements[-1] == "style":
            styles.append(data)

    def declares_entity(*_: object) -> None:
        raise BadImage("is an SVG declaring XML entities, which is not allowed")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: elements.pop()
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = declares_entity
    try:
        parser.Parse(content, True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise BadImage(f"is not well-formed XML ({reason}, line {error.lineno})") from error
    if _EXTERNAL_CSS.search("".join(styles)):
        raise BadImage("is an SVG whose <style> loads something from outside")
