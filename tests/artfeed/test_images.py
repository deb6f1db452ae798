"""Telling images by their bytes, and refusing SVGs that could run or fetch anything."""

from __future__ import annotations

import re

import pytest

from artfeed.images import JPEG, PNG, SVG, WEBP, BadImage, NotAnImage, identify
from tests.factories import JPEG_BYTES, WEBP_BYTES, png_bytes
from tests.factories import SVG as SIMPLE_SVG


def svg(inner: str = "", **root_attributes: str) -> bytes:
    extra = "".join(f' {k.replace("_", ":")}="{v}"' for k, v in root_attributes.items())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f"{extra}>{inner}</svg>"
    ).encode()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (png_bytes(), PNG),
        (JPEG_BYTES, JPEG),
        (WEBP_BYTES, WEBP),
        (SIMPLE_SVG, SVG),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by hand -->' + SIMPLE_SVG, SVG),
        (svg('<use href="#a"/><image href="data:image/png;base64,AAAA"/>'), SVG),
    ],
)
def test_it_knows_each_accepted_kind_by_its_bytes(content, kind):
    assert identify(content) == kind


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"GIF89a....", "is not a PNG, JPEG, WebP or SVG image"),
        (b"hello, world", "is not a PNG, JPEG, WebP or SVG image"),
    ],
)
def test_what_is_no_image_at_all_says_so(content, message):
    with pytest.raises(NotAnImage, match=message):
        identify(content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (png_bytes()[:40], "is a PNG but is damaged or cut short"),
        (JPEG_BYTES[:-2], "is a JPEG but is damaged or cut short"),
        (WEBP_BYTES[:20], "is a WebP but is damaged or cut short"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', "is not well-formed XML"),
        (b'<?xml version="1.0"?><html><body/></html>', "root element is <html>, not <svg>"),
        (svg("<script>alert(1)</script>"), "<script> element"),
        (svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>'),
         "<foreignObject> element"),
        (svg(onload="alert(1)"), "event handler (onload"),
        (svg('<rect onClick="x()"/>'), "event handler (onClick"),
        (svg('<image xlink:href="https://tracker.example/p.png"/>'), "linking outside itself"),
        (svg('<a href="javascript:alert(1)"><rect/></a>'), "<a> element"),
        (svg('<rect style="fill: url(https://x.example/p)"/>'), "style attribute loads something"),
        (svg("<style>@import url(https://x.example/a.css);</style>"), "<style> loads"),
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
         "DOCTYPE"),
    ],
)  # fmt: skip
def test_damaged_or_unsafe_images_are_refused_with_the_reason(content, message):
    with pytest.raises(BadImage, match=re.escape(message)):
        identify(content)


def test_an_internal_style_reference_is_fine():
    content = svg('<defs><linearGradient id="g"/></defs><rect style="fill: url(#g)"/>')

    assert identify(content) == SVG
