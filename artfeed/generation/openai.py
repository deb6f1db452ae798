"""The OpenAI-compatible image backend: ``POST {base}/images/generations``.

Any server speaking that API works (OpenAI itself, a local gateway, a self-hosted model
behind a compatible proxy). The standard library's urllib is enough for one JSON POST
a generation, so no HTTP client library is added. Every way the call can fail (no
answer in time, nobody listening, an error status, an answer that is not JSON, not
base64 or not an image) becomes a ``GenerationError`` whose message the display shows.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from artfeed.generation.base import (
    GeneratedImage,
    GenerationError,
    GenerationRequest,
    validate_request,
)
from artfeed.generation.looks import LOOKS
from artfeed.generation.vocabulary import STYLES, title_for
from artfeed.images import RASTERS, BadImage, identify

logger = logging.getLogger(__name__)

# How each style reads in words: an image model is steered by prose, not by names.
STYLE_PROMPTS = {
    "aurora": "northern lights, flowing curtains of light over a dark landscape",
    "bauhaus": "Bauhaus poster, bold geometric shapes, flat primary colours",
    "blobs": "soft organic shapes, layered translucent colour fields",
    "constellation": "a night sky of stars joined by fine lines, deep space",
    "mosaic": "a stained-glass mosaic of coloured tiles",
    "mountains": "layered mountain ridges fading into atmospheric haze",
    "rings": "concentric rings, radial rhythm, op-art precision",
    "stripes": "op-art stripes bending in waves",
    "waves": "flowing waves and currents, ocean rhythm",
}
assert set(STYLE_PROMPTS) == set(STYLES)

# The largest answer read: a 1792x1024 PNG in base64 is well under this.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


def compose_prompt(request: GenerationRequest, style: str) -> str:
    """The prompt sent to the model: the user's words, then the style, mood and feel."""
    parts = [request.prompt, f"Style: {STYLE_PROMPTS[style]}."]
    if request.look:
        parts.append(f"Look: {LOOKS[request.look].prompt}.")
    if request.mood:
        parts.append(f"Mood: {request.mood}.")
    if request.energy is not None:
        feel = "calm and sparse" if request.energy < 0.34 else "balanced"
        parts.append(f"Energy: {'intense, high contrast' if request.energy > 0.66 else feel}.")
    if request.bpm is not None:
        pace = "slow, spacious" if request.bpm < 80 else "steady"
        parts.append(f"Rhythm: {'fast, dense, repeating' if request.bpm > 130 else pace}.")
    if request.brightness is not None:
        light = "dark, deep, low-key" if request.brightness < 0.34 else "balanced light"
        parts.append(f"Light: {'bright, airy, luminous' if request.brightness > 0.66 else light}.")
    if request.fingerprint:
        # Different songs must not collapse into one picture; the model cannot hear, so it
        # gets the tempo and the signature as words.
        parts.append(f"Painted to the music playing now (signature {request.fingerprint}).")
    parts.append("Wall art for a 16:9 screen, no text, no lettering.")
    return " ".join(parts)


class OpenAIGenerator:
    """Images from an OpenAI-compatible ``/images/generations`` endpoint (base64 JSON)."""

    name = "openai"
    styles = STYLES

    def __init__(self, *, base_url: str, api_key: str, model: str, timeout: float) -> None:
        self.url = f"{base_url.rstrip('/')}/images/generations"
        self.api_key = api_key
        self.model = model
        self.timeout = timeout

    def generate(self, request: GenerationRequest) -> GeneratedImage:
        req = validate_request(request, styles=self.styles)
        style = req.style or self.styles[0]
        body = {
            "model": self.model,
            "prompt": compose_prompt(req, style),
            "n": 1,
            "response_format": "b64_json",
        }
        content = _image_bytes(self._post(body))
        try:
            kind = identify(content)
        except BadImage as error:
            raise GenerationError(f"The image service sent an image that {error}.") from error
        if kind not in RASTERS:
            raise GenerationError("The image service sent an SVG; only PNG, JPEG or WebP.")
        return GeneratedImage(
            content=content,
            extension=kind.extension,
            content_type=kind.content_type,
            title=title_for(req, style),
            style=style,
        )

    def _post(self, body: dict) -> object:
        http_request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:  # noqa: S310 - the URL is the operator's setting
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:
            detail = _error_detail(error)
            logger.warning("image service %s answered %s: %s", self.url, error.code, detail)
            raise GenerationError(
                f"The image service refused the request (HTTP {error.code}): {detail}"
            ) from error
        except OSError as error:  # URLError, refused, reset, timed out (TimeoutError)
            raise self._unreachable(error) from error
        if len(raw) > MAX_RESPONSE_BYTES:
            raise GenerationError("The image service sent an answer too large to be an image.")
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise GenerationError("The image service sent an answer that is not JSON.") from error

    def _unreachable(self, error: OSError) -> GenerationError:
        host = urlsplit(self.url).netloc
        reason = getattr(error, "reason", error)  # URLError wraps the socket's own error
        if isinstance(reason, TimeoutError):
            return GenerationError(
                f"The image service at {host} did not answer within {self.timeout:g} s; "
                "try again in a moment."
            )
        logger.warning("image service %s unreachable: %s", self.url, reason)
        return GenerationError(f"The image service at {host} cannot be reached ({reason}).")


def _image_bytes(answer: object) -> bytes:
    try:
        encoded = answer["data"][0]["b64_json"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        encoded = None
    if not isinstance(encoded, str) or not encoded:
        raise GenerationError("The image service's answer holds no image (data[0].b64_json).")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        message = "The image service sent an image that is not valid base64."
        raise GenerationError(message) from error


def _error_detail(error: urllib.error.HTTPError) -> str:
    """The server's own message when it sent the usual ``{"error": {"message": …}}``."""
    try:
        message = json.loads(error.read(65536))["error"]["message"]
    except Exception:  # any shape at all: fall back to the status text
        return error.reason or "no reason given"
    return str(message)[:300]
