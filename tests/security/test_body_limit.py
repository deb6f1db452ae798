"""Oversized bodies are refused before they are read in full, declared or chunked."""

from __future__ import annotations

import json

from artfeed.web.bodylimit import BodyLimit
from tests.event_loop import run_async

LIMIT = 1000


class Recorder:
    """An ASGI app that reads the whole body, as Django's handler does."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def serve(headers: dict[str, str], chunks: list[bytes], path: str = "/api/impressions/"):
    """Run one request through BodyLimit; return (status, body, app, chunks read)."""
    app = Recorder()
    sent: list[dict] = []
    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    read = 0

    async def receive():
        nonlocal read
        read += 1
        return pending.pop(0)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    run_async(lambda: BodyLimit(app, limit=LIMIT)(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body, app, read


def test_a_body_declared_too_large_is_refused_without_reading_it():
    status, body, app, read = serve({"content-length": str(LIMIT + 1)}, [b"x" * 10] * 200)

    assert status == 413
    assert f"at most {LIMIT} bytes" in json.loads(body)["error"]
    assert read == 0 and app.bodies == []


def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit():
    status, _, app, read = serve({"transfer-encoding": "chunked"}, [b"x" * 300] * 100)

    assert status == 413
    assert read == 4  # 1200 bytes read of 30,000 sent
    assert app.bodies == []


def test_a_chunked_body_within_the_limit_reaches_the_app_whole():
    status, _, app, _ = serve({"transfer-encoding": "chunked"}, [b"a" * 400, b"b" * 400])

    assert status == 200
    assert app.bodies == [b"a" * 400 + b"b" * 400]


def test_a_declared_body_within_the_limit_passes_untouched():
    status, _, app, _ = serve({"content-length": "5"}, [b"hello"])

    assert status == 200 and app.bodies == [b"hello"]


def test_a_content_length_that_is_not_a_number_is_400():
    status, body, app, _ = serve({"content-length": "lots"}, [b""], path="/display/")

    assert status == 400 and app.bodies == []
    assert b"Content-Length" in body


def test_a_json_endpoint_outside_api_answers_its_413_in_json():
    vote = "/artworks/00000000-0000-0000-0000-000000000000/vote/"
    status, body, _, _ = serve({"content-length": str(LIMIT + 1)}, [b""], path=vote)

    assert status == 413
    assert f"at most {LIMIT} bytes" in json.loads(body)["error"]


def test_a_json_client_of_a_page_gets_its_413_in_json():
    headers = {"content-length": str(LIMIT + 1), "content-type": "application/json"}
    status, body, _, _ = serve(headers, [b""], path="/display/generate/")

    assert status == 413 and "error" in json.loads(body)


def test_a_form_sent_to_a_page_gets_its_413_as_text():
    headers = {"content-length": str(LIMIT + 1), "content-type": "multipart/form-data"}
    status, body, _, _ = serve(headers, [b""], path="/display/generate/")

    assert status == 413 and body.startswith(b"The body is too large")


def test_form_data_is_capped_well_below_the_file_upload_limit(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 256 * 1024
    assert settings.ARTFEED_MAX_REQUEST_BODY >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
