"""Running asyncio code from a test: in a thread of its own, since a browser test
(Playwright's synchronous API) may have left an event loop running in the test's."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def in_own_thread(function: Callable[[], T]) -> T:
    """``function()`` in a thread of its own, free of the event loop a browser test may
    have left running in this one; what it raises is raised here."""
    outcome: list = []

    def thread() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as failure:  # re-raised in the test's thread below
            outcome.append((False, failure))

    runner = threading.Thread(target=thread)
    runner.start()
    runner.join(60)
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def run_async(main: Callable[[], Awaitable[T]]) -> T:
    """``asyncio.run(main())`` in a thread of its own."""
    return in_own_thread(lambda: asyncio.run(main()))


def asgi_get(
    app, path: str, on_message: Callable[[dict], object], *, root_path: str = ""
) -> None:
    """Send the ASGI ``app`` one ``GET path`` from a client that stays connected, and hand
    each message the app sends to ``on_message``, in order (what ``on_message`` raises,
    the app's ``send`` raises)."""
    bodies = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict:
        if bodies:
            return bodies.pop()
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError("unreachable")

    async def send(message: dict) -> None:
        on_message(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "root_path": root_path,
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    run_async(lambda: app(scope, receive, send))
