"""Refusing an oversized request body before it is read.

Django's ASGI handler reads a whole body (into a temporary file) before any view or
middleware runs, so a limit checked there comes too late: a client could make every
request spool gigabytes to disk. This layer sits in front of Django: a body declared
larger than the limit is refused at once, and one that declares no length (chunked) is
read only up to the limit and refused as soon as it passes it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return None


def _answers_in_json(scope: Scope) -> bool:
    # Imported here: this layer is built before Django's settings and URLs are loaded.
    from django.urls import Resolver404, resolve

    from artfeed.web.http import answers_in_json

    path = scope.get("path", "")
    try:
        view = resolve(path).func
    except Resolver404:
        view = None
    return answers_in_json(
        path=path,
        accept=(_header(scope, b"accept") or b"").decode("latin-1"),
        content_type=(_header(scope, b"content-type") or b"").decode("latin-1"),
        view=view,
    )


async def _answer(scope: Scope, send: Send, status: int, message: str) -> None:
    if _answers_in_json(scope):
        body, content_type = json.dumps({"error": message}).encode(), b"application/json"
    else:
        body, content_type = message.encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is never read: the connection cannot be reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: at most ``limit`` bytes of request body reach the app."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = f"The body is too large: at most {self.limit} bytes."
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _answer(scope, send, 400, "Content-Length is not a number.")
            elif int(declared) > self.limit:
                await _answer(scope, send, 413, too_large)
            else:
                await self.app(scope, receive, send)
            return
        # No declared length: read what comes, up to the limit, then replay it to the app.
        buffered: list[Message] = []
        size = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await _answer(scope, send, 413, too_large)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)
