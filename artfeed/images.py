"""What an image file is, told by its bytes, and whether an SVG is safe to show.

Used wherever images enter from outside (the import command, the admin, the OpenAI-
compatible generator): the extension of a file proves nothing, its first bytes do.
An SVG is a document that can run script and fetch from elsewhere; only a static,
self-contained picture is accepted (``artfeed/svg.py`` keeps to an allow-list).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from artfeed.svg import UnsafeSvg, check_svg

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
        try:
            check_svg(content)
        except UnsafeSvg as error:
            raise BadImage(str(error)) from error
        return SVG
    raise NotAnImage(f"is not {ACCEPTED}")
