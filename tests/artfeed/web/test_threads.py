"""Each request's synchronous code runs on one thread, kept for later requests
(artfeed/web/threads.py)."""

from __future__ import annotations

import asyncio
import threading

from asgiref.sync import sync_to_async

from artfeed.web.threads import RequestThreads
from tests.browser.helpers import wait_until
from tests.event_loop import run_async


class Recorder:
    """An ASGI app whose requests note the thread each synchronous call ran on."""

    def __init__(self, calls: int = 2) -> None:
        self.calls = calls
        self.threads: list[list[int]] = []

    async def __call__(self, scope, receive, send) -> None:
        seen = [await sync_to_async(threading.get_ident)() for _ in range(self.calls)]
        self.threads.append(seen)


def http() -> dict:
    return {"type": "http", "path": "/"}


async def nothing():
    return {}


async def ignore(message) -> None:
    return None


def serve(app, times: int = 1) -> None:
    async def requests() -> None:
        for _ in range(times):
            await app(http(), nothing, ignore)

    run_async(requests)


def test_a_request_runs_its_synchronous_code_on_one_thread_kept_for_the_next():
    inner = Recorder()
    app = RequestThreads(inner)
    serve(app, times=3)

    first, second, third = inner.threads
    assert len(set(first)) == 1  # one thread for the whole request
    assert first == second == third  # and the same thread for the next ones
    assert first[0] != threading.get_ident()
    assert len(app.idle) == 1


def test_requests_at_once_each_get_a_thread_of_their_own():
    both_inside = threading.Barrier(2, timeout=5)
    inner = Recorder(calls=1)

    async def meeting(scope, receive, send) -> None:
        # Each request waits on its thread for the other: on one shared thread this
        # would never return.
        await sync_to_async(both_inside.wait)()
        await inner(scope, receive, send)

    app = RequestThreads(meeting)

    async def two_at_once() -> None:
        await asyncio.gather(app(http(), nothing, ignore), app(http(), nothing, ignore))

    run_async(two_at_once)
    (one,), (other,) = inner.threads
    assert one != other
    assert len(app.idle) == 2


def test_a_thread_still_busy_after_its_request_is_not_handed_to_the_next():
    release = threading.Event()
    busy = threading.Event()

    def statement() -> None:  # a statement still running when the client went away
        busy.set()
        release.wait(5)

    inner = Recorder(calls=1)

    async def abandoning(scope, receive, send) -> None:
        if scope["path"] == "/abandoned":
            task = asyncio.ensure_future(sync_to_async(statement)())
            await asyncio.to_thread(busy.wait, 5)
            task.cancel()  # the request is over; its thread is not
        else:
            await inner(scope, receive, send)

    app = RequestThreads(abandoning)

    async def run() -> None:
        await app({"type": "http", "path": "/abandoned"}, nothing, ignore)
        assert not app.idle  # its thread is still running the statement
        await asyncio.wait_for(app(http(), nothing, ignore), 5)  # not held up by it
        release.set()

    run_async(run)
    assert len(inner.threads) == 1
    wait_until(lambda: len(app.idle) == 2)  # both back once the statement returned


def test_idle_threads_beyond_the_limit_stop():
    gate = threading.Barrier(3, timeout=5)

    async def together(scope, receive, send) -> None:
        await sync_to_async(gate.wait)()

    app = RequestThreads(together, keep_idle=1)
    before = set(request_threads())

    async def three_at_once() -> None:
        await asyncio.gather(*(app(http(), nothing, ignore) for _ in range(3)))

    run_async(three_at_once)
    # The threads put themselves back as they finish; two of the three stop.
    wait_until(lambda: len(app.idle) == 1 and len(set(request_threads()) - before) == 1)


def request_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("request")]


def test_other_scopes_pass_through():
    seen: list = []

    async def lifespan_app(scope, receive, send) -> None:
        seen.append(scope["type"])

    run_async(lambda: RequestThreads(lifespan_app)({"type": "lifespan"}, nothing, ignore))
    assert seen == ["lifespan"]
