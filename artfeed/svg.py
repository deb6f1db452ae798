"""Whether an SVG is a static, self-contained picture, decided by an allow-list.

An SVG is a document: it can run script, animate a link into ``javascript:``, fetch
from elsewhere through CSS (``url()``, ``image-set()``, ``@import``) or through the XML
around it (a DOCTYPE's external entities, an ``<?xml-stylesheet?>``). A deny-list
misses what it did not think of (``u\\72l(`` is ``url(`` to a browser), so this keeps
only what a picture needs and refuses the file when anything else is in it:

- the XML: no DOCTYPE (and so no entities), no processing instruction; every element
  and attribute in the SVG namespace (``xlink:href``, ``xml:space`` and ``xml:lang``
  aside), from the fixed sets below: shapes, text, gradients, patterns, clips, masks,
  markers, filters, ``<use>``, ``<image>`` and ``<style>``; nothing that scripts,
  animates, links or embeds other documents;
- references: ``href`` only to ``#an-id`` in the same document, or for ``<image>`` to
  a PNG, JPEG, WebP or GIF ``data:`` URI;
- CSS (in ``<style>``, ``style=`` and presentation attributes such as ``fill``): read
  with tinycss2, which tokenises as browsers do (escapes, comments, ``url`` tokens), so
  what is checked is what a browser would see. Only style rules with plain selectors,
  properties from a fixed set, values made of keywords, numbers, colours, strings and
  a few functions (colours, transforms, ``url(#id)``); no at-rule, no escape.
"""

from __future__ import annotations

import re
from xml.parsers import expat

import tinycss2
from tinycss2 import ast

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = frozenset(
    """
    svg g defs symbol use title desc metadata style
    rect circle ellipse line polyline polygon path text tspan textPath image
    linearGradient radialGradient stop pattern clipPath mask marker filter
    feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA
    feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset
    fePointLight feSpecularLighting feSpotLight feTile feTurbulence
    """.split()  # noqa: SIM905 - a list of words reads better quoted once
)
# CSS properties a picture may set, in a style or as presentation attributes (whose
# values browsers parse as CSS, escapes and all).
PROPERTIES = frozenset(
    """
    alignment-baseline baseline-shift clip clip-path clip-rule color color-interpolation
    color-interpolation-filters color-rendering direction display dominant-baseline
    enable-background fill fill-opacity fill-rule filter flood-color flood-opacity font
    font-family font-size font-size-adjust font-stretch font-style font-variant
    font-weight image-rendering isolation letter-spacing lighting-color marker marker-end
    marker-mid marker-start mask mix-blend-mode opacity overflow paint-order
    pointer-events shape-rendering stop-color stop-opacity stroke stroke-dasharray
    stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity
    stroke-width text-anchor text-decoration text-rendering transform transform-box
    transform-origin unicode-bidi vector-effect visibility word-spacing writing-mode
    """.split()  # noqa: SIM905 - a list of words reads better quoted once
)
# Attributes that are geometry, structure or filter parameters: nothing in them loads,
# runs or links.
PLAIN_ATTRIBUTES = frozenset(
    """
    id class lang role aria-label aria-hidden viewBox preserveAspectRatio version
    baseProfile x y width height rx ry cx cy r fx fy fr x1 y1 x2 y2 points d pathLength
    dx dy rotate textLength lengthAdjust startOffset method spacing side gradientUnits
    gradientTransform spreadMethod offset patternUnits patternContentUnits
    patternTransform clipPathUnits maskUnits maskContentUnits filterUnits primitiveUnits
    in in2 result mode type values operator k1 k2 k3 k4 stdDeviation edgeMode radius
    baseFrequency numOctaves seed stitchTiles scale xChannelSelector yChannelSelector
    slope intercept amplitude exponent tableValues order kernelMatrix divisor bias
    targetX targetY kernelUnitLength preserveAlpha surfaceScale diffuseConstant
    specularConstant specularExponent azimuth elevation z pointsAtX pointsAtY pointsAtZ
    limitingConeAngle markerWidth markerHeight markerUnits refX refY orient
    """.split()  # noqa: SIM905 - a list of words reads better quoted once
)
# CSS functions that compute a colour or a transform; anything else (image-set(),
# element(), var(), expression(), ...) is refused.
FUNCTIONS = frozenset(
    """
    rgb rgba hsl hsla hwb lab lch oklab oklch color translate translatex translatey
    rotate scale scalex scaley skew skewx skewy matrix
    """.split()  # noqa: SIM905 - a list of words reads better quoted once
)
_LOCAL_REFERENCE = re.compile(r"\s*#[^\s]*\s*")
_RASTER_DATA = re.compile(r"\s*data:image/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=\s]*", re.I)


class UnsafeSvg(ValueError):
    """The SVG is not a static, self-contained picture; the message says why, completing
    "This file …"."""


def check_svg(content: bytes) -> None:
    """Raise ``UnsafeSvg`` unless ``content`` is well-formed XML with an ``<svg>`` root
    holding only the elements, attributes and CSS this module allows."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    open_elements: list[str] = []
    styles: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if not open_elements and local != "svg":
            raise UnsafeSvg(f"is XML but its root element is <{local}>, not <svg>")
        if open_elements and open_elements[-1] == "style":
            raise UnsafeSvg("is an SVG with an element inside its <style>")
        if namespace != SVG_NS:
            where = f"in the namespace {namespace}" if namespace else "outside the SVG namespace"
            raise UnsafeSvg(f"is an SVG with a <{local}> element {where}, which is not allowed")
        if local not in ELEMENTS:
            raise UnsafeSvg(
                f"is an SVG with a <{local}> element, which a static picture may not hold"
            )
        for attribute, value in attributes.items():
            _check_attribute(local, attribute, value)
        open_elements.append(local)

    def end(name: str) -> None:
        if open_elements.pop() == "style":
            _check_stylesheet("".join(styles))
            styles.clear()

    def text(data: str) -> None:
        if open_elements and open_elements[-1] == "style":
            styles.append(data)

    def doctype(name: str, *_: object) -> None:
        raise UnsafeSvg(f"is an SVG with a DOCTYPE ({name}), which is not allowed: remove it")

    def instruction(target: str, data: str) -> None:
        raise UnsafeSvg(f"is an SVG with a processing instruction (<?{target} …?>)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(content, True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise UnsafeSvg(f"is not well-formed XML ({reason}, line {error.lineno})") from error


def _check_attribute(element: str, attribute: str, value: str) -> None:
    namespace, _, local = attribute.rpartition(" ")
    if local.lower().startswith("on"):
        raise UnsafeSvg(f"is an SVG with an event handler ({local}=…)")
    if namespace == XLINK_NS and local == "href" or not namespace and local == "href":
        _check_reference(element, value)
    elif namespace == XML_NS and local in ("space", "lang"):
        return
    elif namespace:
        raise UnsafeSvg(f"is an SVG with an attribute in another namespace ({local}=…)")
    elif local == "style":
        _no_escapes(value, "style attribute")
        _check_declarations(tinycss2.parse_blocks_contents(value), "style attribute")
    elif local in PROPERTIES:
        _no_escapes(value, f"{local} attribute")
        _check_value(tinycss2.parse_component_value_list(value), f"{local} attribute")
    elif local == "type" and element == "style" and value.strip().lower() != "text/css":
        raise UnsafeSvg(f"is an SVG whose <style> is not CSS (type={value[:40]!r})")
    elif local not in PLAIN_ATTRIBUTES:
        raise UnsafeSvg(
            f"is an SVG with a {local}= attribute on <{element}>, which is not allowed"
        )


def _check_reference(element: str, value: str) -> None:
    if _LOCAL_REFERENCE.fullmatch(value):
        return
    if element == "image" and _RASTER_DATA.fullmatch(value):
        return
    raise UnsafeSvg(f"is an SVG linking outside itself (href={value[:60]!r})")


def _check_stylesheet(css: str) -> None:
    _no_escapes(css, "<style>")
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule":
            if rule.lower_at_keyword == "import":
                raise UnsafeSvg("is an SVG whose <style> loads something from outside (@import)")
            raise UnsafeSvg(f"is an SVG whose <style> has an @{rule.at_keyword} rule")
        if rule.type != "qualified-rule":
            raise UnsafeSvg("is an SVG whose <style> is not valid CSS")
        for token in rule.prelude:
            if token.type not in ("ident", "hash", "literal", "whitespace", "comment"):
                raise UnsafeSvg("is an SVG whose <style> has a selector beyond names and classes")
        _check_declarations(tinycss2.parse_blocks_contents(rule.content), "<style>")


def _check_declarations(nodes: list[ast.Node], where: str) -> None:
    for node in nodes:
        if node.type in ("whitespace", "comment") or node.type == "literal" and node.value == ";":
            continue
        if node.type != "declaration":
            raise UnsafeSvg(f"is an SVG whose {where} is not a list of CSS declarations")
        _no_escapes(node.name, where)
        if node.lower_name not in PROPERTIES:
            raise UnsafeSvg(f"is an SVG whose {where} sets {node.name}, which is not allowed")
        _check_value(node.value, where)


def _check_value(tokens: list[ast.Node], where: str) -> None:
    for token in tokens:
        if token.type in ("whitespace", "comment", "ident", "hash", "number", "percentage",
                          "dimension", "string"):  # fmt: skip
            continue
        if token.type == "literal" and token.value in (",", "/", "!", "%", "-", "+", ";"):
            continue
        if token.type == "url" and _LOCAL_REFERENCE.fullmatch(token.value):
            continue
        if token.type == "function" and token.lower_name == "url":
            inside = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
            local = len(inside) == 1 and inside[0].type == "string"
            if local and _LOCAL_REFERENCE.fullmatch(inside[0].value):
                continue
        if token.type in ("url", "function") and _loads(token):
            raise UnsafeSvg(f"is an SVG whose {where} loads something from outside")
        if token.type == "function" and token.lower_name in FUNCTIONS:
            _check_value(token.arguments, where)
            continue
        name = getattr(token, "name", None) or getattr(token, "value", None) or token.type
        raise UnsafeSvg(f"is an SVG whose {where} uses {name!r:.40}, which is not allowed")


def _loads(token: ast.Node) -> bool:
    name = getattr(token, "lower_name", "url")
    return name in ("url", "image", "image-set", "-webkit-image-set", "src", "cross-fade")


def _no_escapes(css: str, where: str) -> None:
    # No picture needs an escape, and they are how deny-lists are walked past.
    if "\\" in css:
        raise UnsafeSvg(f"is an SVG whose {where} uses a CSS escape (\\), which is not allowed")
