"""The thread a request's synchronous code runs on, kept for the next request.

Django's ASGI handler runs each request's synchronous code (the middleware, the views,
the ORM) on one thread of its own, as that code expects: its database connection lives
in the thread. It starts that thread for the request and joins it at the end, and on a
busy worker that start and join cost more than a simple view: sampled on the
production server under load, about 15% of a worker's time on `/display/next/` went
to starting and joining threads, and keeping them made a trivial view 4.5× and
`/display/next/` 1.4× faster (docs/scaling.md, "Screens per worker").

This layer keeps those threads. Each request still gets one thread to itself, for all
its synchronous code (asgiref's ``ThreadSensitiveContext`` with an executor of one
thread, the documented way to reuse them); the thread goes back to a small idle pool
once the request is over, and the next request takes it. A request's code can outlive
the request (the client went away while a statement ran): its thread goes back only
once that code has returned, so no request ever waits behind another's leftovers.

Everything a thread holds between requests is what a threaded WSGI server's threads
hold: Django closes the request's database connection (or returns it to the pool) as
the request finishes, on the request's thread.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext

from artfeed.web.bodylimit import ASGIApp, Receive, Scope, Send

# Idle threads kept per process; more are started when more requests run at once, and
# those beyond this many stop when their request is over (a burst of streams, say).
KEEP_IDLE = 16


class RequestThread(ThreadPoolExecutor):
    """One thread that runs a request's synchronous calls one after the other, and knows
    whether any is still queued or running."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="request")
        self._lock = threading.Lock()
        self._unfinished = 0

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._lock:
            self._unfinished += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future) -> None:
        with self._lock:
            self._unfinished -= 1

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._unfinished > 0


class RequestThreads:
    def __init__(self, app: ASGIApp, *, keep_idle: int = KEEP_IDLE) -> None:
        self.app = app
        self.keep_idle = keep_idle
        # Appended to by the threads themselves too, popped by the event loop: deque's
        # append and pop are atomic.
        self.idle: deque[RequestThread] = deque()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        thread = self._take()
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.app(scope, receive, send)
        finally:
            if thread.busy:
                # Queued behind what the request left running: the thread is idle
                # again when this runs.
                thread.submit(self._put_back, thread)
            else:
                self._put_back(thread)

    def _take(self) -> RequestThread:
        try:
            return self.idle.pop()  # the most recently used: its memory is warm
        except IndexError:
            return RequestThread()

    def _put_back(self, thread: RequestThread) -> None:
        if len(self.idle) < self.keep_idle:
            self.idle.append(thread)
        else:
            thread.shutdown(wait=False)  # maybe called on that very thread: no waiting
