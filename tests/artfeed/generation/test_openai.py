"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1 (port 0)."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from artfeed.generation.base import GenerationError, GenerationRequest
from artfeed.generation.openai import OpenAIGenerator
from artfeed.generation.procedural import ProceduralGenerator
from artfeed.generation.registry import get_generator
from tests.factories import png_bytes

Reply = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class ImageService:
    """A stand-in image API: ``reply`` answers each POST; ``seen`` keeps what came in."""

    url: str
    reply: Reply
    seen: list[dict] = field(default_factory=list)


def answer(status: int, body: bytes, content_type: str = "application/json") -> Reply:
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return send


def image_answer(content: bytes) -> Reply:
    encoded = base64.b64encode(content).decode()
    return answer(200, json.dumps({"data": [{"b64_json": encoded}]}).encode())


@pytest.fixture
def service() -> Iterator[ImageService]:
    state = ImageService(url="", reply=image_answer(png_bytes()))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
            length = int(self.headers.get("Content-Length", 0))
            state.seen.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            state.reply(self)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    server.shutdown()
    server.server_close()


def generator(url: str, timeout: float = 5.0) -> OpenAIGenerator:
    return OpenAIGenerator(base_url=url, api_key="sk-test", model="image-model", timeout=timeout)


def ask(**fields: object) -> GenerationRequest:
    return GenerationRequest(prompt=fields.pop("prompt", "A harbour at dawn"), **fields)


def test_it_posts_the_prompt_and_returns_the_decoded_image(service):
    image = generator(service.url).generate(ask(style="waves", mood="calm", bpm=70, energy=0.2))

    assert image.content == png_bytes()
    assert (image.extension, image.content_type, image.style) == ("png", "image/png", "waves")
    assert image.title
    (call,) = service.seen
    assert call["path"] == "/v1/images/generations"
    assert call["authorization"] == "Bearer sk-test"
    body = call["body"]
    assert body["model"] == "image-model"
    assert body["response_format"] == "b64_json"
    assert body["n"] == 1
    assert body["prompt"].startswith("a harbour at dawn")
    assert "waves" in body["prompt"] and "calm" in body["prompt"]


def test_a_timeout_is_a_clear_error(service):
    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.0)
        image_answer(png_bytes())(handler)

    service.reply = slow

    with pytest.raises(GenerationError, match=r"did not answer within 0.2 s"):
        generator(service.url, timeout=0.2).generate(ask())


def test_a_refused_connection_is_a_clear_error():
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(GenerationError, match=rf"127.0.0.1:{port} cannot be reached"):
        generator(f"http://127.0.0.1:{port}/v1").generate(ask())


def test_an_error_status_passes_the_services_message_on(service):
    service.reply = answer(401, b'{"error": {"message": "Incorrect API key provided"}}')

    with pytest.raises(GenerationError, match=r"HTTP 401\): Incorrect API key provided"):
        generator(service.url).generate(ask())


def test_an_error_status_without_json_still_says_the_status(service):
    service.reply = answer(503, b"<html>down</html>", "text/html")

    with pytest.raises(GenerationError, match=r"HTTP 503"):
        generator(service.url).generate(ask())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>not json</html>", "not JSON"),
        (b'{"data": []}', "holds no image"),
        (b'{"something": "else"}', "holds no image"),
        (b'{"data": [{"b64_json": "%%% not base64 %%%"}]}', "not valid base64"),
        (
            json.dumps({"data": [{"b64_json": base64.b64encode(b"hello").decode()}]}).encode(),
            "is not a PNG, JPEG, WebP or SVG image",
        ),
    ],
)
def test_a_bad_answer_is_a_clear_error(service, body, message):
    service.reply = answer(200, body)

    with pytest.raises(GenerationError, match=message):
        generator(service.url).generate(ask())


def test_bad_input_is_refused_before_any_request(service):
    with pytest.raises(ValueError, match="style must be one of"):
        generator(service.url).generate(ask(style="crayon"))

    assert service.seen == []


def test_the_registry_builds_the_configured_generator(settings):
    assert isinstance(get_generator(), ProceduralGenerator)

    settings.ARTFEED_GENERATOR = "openai"
    settings.ARTFEED_OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.ARTFEED_OPENAI_API_KEY = "sk-x"
    settings.ARTFEED_OPENAI_MODEL = "m"
    chosen = get_generator()

    assert isinstance(chosen, OpenAIGenerator)
    assert chosen.url == "http://127.0.0.1:9/v1/images/generations"
    assert chosen.timeout == 60


def test_the_music_heard_is_written_into_the_prompt(service):
    heard = ask(style="waves", bpm=128, energy=0.9, brightness=0.8, fingerprint="t128-c9a0f3-s7a")

    generator(service.url).generate(heard)

    prompt = service.seen[0]["body"]["prompt"]
    assert "Rhythm: steady." in prompt and "intense, high contrast" in prompt
    assert "Light: bright, airy, luminous." in prompt
    assert "t128-c9a0f3-s7a" in prompt


def test_a_look_is_written_into_the_prompt(service):
    generator(service.url).generate(ask(style="waves", look="hokusai"))

    assert "in the manner of a Hokusai woodblock print" in service.seen[0]["body"]["prompt"]
