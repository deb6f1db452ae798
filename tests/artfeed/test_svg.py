"""SVG by allow-list (artfeed/svg.py): hostile files are refused, every picture the
project makes itself still passes."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command

from artfeed.demo import demo_requests
from artfeed.generation.base import GenerationRequest
from artfeed.generation.procedural import ProceduralGenerator
from artfeed.generation.vocabulary import MOODS, STYLES
from artfeed.models import Artwork
from artfeed.svg import UnsafeSvg, check_svg

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def svg(inner: str, *, root: str = OPEN) -> bytes:
    return f"{root}{inner}</svg>".encode()


# Each: what it tries, as a browser would see it. The first fifteen passed the old
# deny-list; the rest are the classic vectors of the XSS cheat sheets.
HOSTILE = {
    "set animates a link into javascript:": svg(
        '<a href="#x"><set attributeName="href" to="javascript:alert(1)"/><rect/></a>'
    ),
    "animate values into javascript:": svg(
        '<a><animate attributeName="href" values="javascript:alert(1)"/><rect/></a>'
    ),
    "escaped url( in <style>": svg(r"<style>rect{fill:u\72l(https://x.example/p)}</style>"),
    "escaped url( in style=": svg(r'<rect style="fill:u\72l(https://x.example/p)"/>'),
    "escaped @import in <style>": svg(r'<style>@\69mport "https://x.example/a.css";</style>'),
    "escaped @import in style=": svg(r'<rect style="@\69mport url(https://x.example/a.css)"/>'),
    "image-set in <style>": svg('<style>rect{fill:image-set("https://x.example/p" 1x)}</style>'),
    "image-set in style=": svg('<rect style="fill:image-set(\'https://x.example/p\' 1x)"/>'),
    "url() in fill": svg('<rect fill="url(https://x.example/p#g)"/>'),
    "url() in filter": svg('<rect filter="url(https://x.example/f.svg#f)"/>'),
    "url() in mask": svg('<rect mask="url(https://x.example/m.svg#m)"/>'),
    "url() in cursor": svg('<rect cursor="url(https://x.example/c.cur), auto"/>'),
    "xml-stylesheet instruction": b'<?xml-stylesheet href="https://x.example/a.css"?>'
    + svg("<rect/>"),
    "DOCTYPE SYSTEM": b'<!DOCTYPE svg SYSTEM "https://x.example/svg.dtd">' + svg("<rect/>"),
    "animate from/to into javascript:": svg(
        '<a><animate attributeName="xlink:href" from="#a" to="javascript:alert(1)"/></a>'
    ),
    "script": svg("<script>alert(1)</script>"),
    "script in CDATA": svg("<script><![CDATA[alert(1)]]></script>"),
    "script from elsewhere": svg('<script href="https://x.example/a.js"/>'),
    "XHTML script": svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
    "onload on the root": svg("<rect/>", root=OPEN[:-1] + ' onload="alert(1)">'),
    "onclick": svg('<rect onclick="alert(1)"/>'),
    "upper-case event handler": svg('<rect ONMOUSEOVER="alert(1)"/>'),
    "foreignObject with an iframe": svg(
        '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:1"/>'
        "</foreignObject>"
    ),
    "a link to javascript:": svg('<a xlink:href="javascript:alert(1)"><rect/></a>'),
    "use of another document": svg('<use href="https://x.example/sprites.svg#icon"/>'),
    "use of a data: SVG": svg('<use href="data:image/svg+xml;base64,PHN2Zy8+#x"/>'),
    "image from elsewhere": svg('<image href="https://tracker.example/pixel.png"/>'),
    "image of a data: SVG": svg('<image href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/>'),
    "feImage from elsewhere": svg(
        '<filter id="f"><feImage href="https://x.example/p.png"/></filter>'
    ),
    "set an event handler": svg('<rect><set attributeName="onmouseover" to="alert(1)"/></rect>'),
    "handler element (SVG Tiny)": svg(
        '<handler type="application/ecmascript">alert(1)</handler>'
    ),
    "@import in <style>": svg("<style>@import url(https://x.example/a.css);</style>"),
    "@font-face loading a font": svg(
        "<style>@font-face{font-family:x;src:url(https://x.example/f.woff)}</style>"
    ),
    "behavior (old IE)": svg('<rect style="behavior:url(https://x.example/x.htc)"/>'),
    "-moz-binding": svg('<rect style="-moz-binding:url(https://x.example/x.xml#x)"/>'),
    "expression() (old IE)": svg('<rect style="fill:expression(alert(1))"/>'),
    "background-image in a style": svg(
        "<style>svg{background-image:url(https://x.example/p)}</style>"
    ),
    "url() spelt with an entity": svg('<rect fill="&#117;rl(https://x.example/p)"/>'),
    "url() split by a comment": svg("<style>rect{fill:url(/**/https://x.example/p)}</style>"),
    "a quoted url()": svg("<style>rect{fill:url('https://x.example/p')}</style>"),
    "var() carrying a value": svg('<rect style="--a:url(https://x.example/p);fill:var(--a)"/>'),
    "attribute selector probing": svg("<style>rect[id^=a]{fill:red}</style>"),
    "xml:base moving relative links": svg(
        '<use href="#a"/>', root=OPEN[:-1] + ' xml:base="https://x.example/">'
    ),
    "external entity": b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + svg("<text>&x;</text>"),
    "billion laughs": b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    + svg("<text>&b;</text>"),
    "a discard element": svg('<discard href="#x"/>'),
    "animateMotion along another document": svg(
        '<animateMotion><mpath href="https://x.example/p.svg#p"/></animateMotion>'
    ),
    "an element outside the SVG namespace": b"<svg><rect/></svg>",
    "tref to another document": svg('<text><tref href="https://x.example/t.svg#t"/></text>'),
    "an embed": svg('<embed xmlns="http://www.w3.org/1999/xhtml" src="https://x.example/x"/>'),
    "a style that is not CSS": svg('<style type="text/ecmascript">alert(1)</style>'),
    "element inside a style": svg("<style><rect/></style>"),
}


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(HOSTILE) >= 45


@pytest.mark.parametrize("content", HOSTILE.values(), ids=list(HOSTILE))
def test_every_hostile_svg_is_refused(content):
    with pytest.raises(UnsafeSvg):
        check_svg(content)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (HOSTILE["set animates a link into javascript:"], "<a> element"),
        (HOSTILE["set an event handler"], "<set> element"),
        (HOSTILE["escaped url( in <style>"], "uses a CSS escape"),
        (HOSTILE["image-set in <style>"], "<style> loads something from outside"),
        (HOSTILE["url() in fill"], "fill attribute loads something from outside"),
        (HOSTILE["url() in cursor"], "cursor= attribute"),
        (HOSTILE["xml-stylesheet instruction"], "processing instruction (<?xml-stylesheet"),
        (HOSTILE["DOCTYPE SYSTEM"], "DOCTYPE"),
        (HOSTILE["image from elsewhere"], "linking outside itself"),
        (HOSTILE["XHTML script"], "in the namespace http://www.w3.org/1999/xhtml"),
        (HOSTILE["@font-face loading a font"], "@font-face rule"),
        (HOSTILE["expression() (old IE)"], "'expression'"),
        (HOSTILE["xml:base moving relative links"], "another namespace (base="),
    ],
)
def test_the_reason_is_named(content, says):
    with pytest.raises(UnsafeSvg) as caught:
        check_svg(content)

    assert says in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [
        svg('<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/>'
            '</linearGradient></defs><rect fill="url(#g)" style="stroke: url( \'#g\' )"/>'),
        svg('<style type="text/css">.st0{fill:#FFFFFF;stroke:rgb(10 20 30 / 50%)}'
            "#a > .b, g rect{opacity:.5 !important}</style><rect class=\"st0\"/>"),
        svg('<rect style="fill:none;stroke:#000;stroke-width:2px;transform:rotate(5deg)"/>'),
        svg('<text x="1" y="2" font-family="\'Helvetica Neue\', sans-serif">Hi &amp; bye</text>'),
        svg('<use xlink:href="#a"/><image href="data:image/png;base64,iVBORw0KGgo="/>'),
        svg('<filter id="f"><feTurbulence baseFrequency="0.1" numOctaves="2"/>'
            '<feColorMatrix type="saturate" values="0.5"/></filter><g filter="url(#f)"/>'),
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->'
        + svg('<rect width="1" height="1"/>', root=OPEN[:-1] + ' xml:space="preserve">'),
    ],
)  # fmt: skip
def test_an_ordinary_static_picture_passes(content):
    check_svg(content)


def test_every_demo_artwork_passes():
    generator = ProceduralGenerator()

    for request in demo_requests(64):
        check_svg(generator.generate(request).content)


def test_the_procedural_generator_makes_only_pictures_that_pass():
    # Every style with every mood, across tempos and energies: ~600 pictures.
    generator = ProceduralGenerator()
    tempos, energies = (None, 20.0, 96.0, 300.0), (None, 0.0, 0.5, 1.0)
    for style, mood, (bpm, energy) in itertools.product(
        STYLES, (None, *MOODS), zip(tempos, energies, strict=True)
    ):
        request = GenerationRequest(f"{style} {mood} <&>", style=style, mood=mood, bpm=bpm,
                                    energy=energy)  # fmt: skip
        check_svg(generator.generate(request).content)


@pytest.mark.django_db
def test_import_artworks_takes_none_of_the_corpus(tmp_path):
    for index, content in enumerate(HOSTILE.values()):
        (tmp_path / f"hostile-{index}.svg").write_bytes(content)

    with pytest.raises(CommandError, match=f"{len(HOSTILE)} of {len(HOSTILE)} files"):
        call_command("import_artworks", str(tmp_path))

    assert not Artwork.objects.exists()
