"""Django's ASGI handler, with synchronous views served through a synchronous middleware
chain in one step.

Django's ASGI handler builds one middleware chain for every view, in async mode. The
middleware here run synchronously (all of Django's, all of the project's), so each
request crosses between the event loop and its thread at least three times: into the
thread for the middleware, back to the event loop for the handler beneath them, and into
the thread again for the view (and once more for the CSRF check of a view).
Each crossing is a task on the event loop and a hand-off between threads. This handler
keeps Django's chain for async views (the event stream, which must not hold a thread)
and serves every other view as a WSGI server would: the whole chain and the view in one
call on the request's thread. Side by side on one worker the trivial view answered 53 %
more requests a second, the signed-in one 16 % more (docs/scaling.md, "One crossing
instead of three").

For those views the request itself is also made in that call: Django's handler crosses
into the thread once more before it (to send ``request_started``, whose receivers are
synchronous) and then again for the chain. Here the signal, the request and the chain
are one crossing, and closing the answer once it has gone is the other. Side by side on
one worker the trivial view answered 32–41 % more requests a second, the signed-in one
12–14 %, ``/display/next/`` 6 % and impression batches 4–8 % (docs/scaling.md, "One
crossing for the answer"). The answer is closed even when it could not be sent, so its
database connection always goes back (Django's handler skips that when sending fails).

Which chain a request takes is decided by resolving its path (remembered for the last
thousand paths); a path that resolves to nothing, or fails to resolve, takes the
synchronous chain, which answers the 404 (or the 500) as for any request. Each chain has
its own middleware instances, so each is built twice per process. As under WSGI, a
client gone before the answer does not stop the chain: the view and the middleware
finish, and the answer is dropped.
"""

from __future__ import annotations

from functools import lru_cache

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import HttpResponseBase
from django.urls import get_resolver, set_script_prefix


@lru_cache(maxsize=1024)
def _async_view(path: str) -> bool:
    try:
        match = get_resolver().resolve(path)
    except Exception:  # Resolver404, or a failure the chain will answer as it should
        return False
    return iscoroutinefunction(match.func)


class ArtfeedASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self.sync_handler = BaseHandler()
        self.sync_handler.load_middleware(is_async=False)

    async def handle(self, scope, receive, send) -> None:
        script_name = get_script_prefix(scope)
        # The request's path_info, as ASGIRequest derives it.
        path = scope["path"].removeprefix(script_name) if script_name else scope["path"]
        if _async_view(path):
            return await super().handle(scope, receive, send)
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(script_name)
        try:
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
            try:
                await self.send_response(response, send)
            finally:
                # Whatever became of the answer: closing it gives the database connection
                # back and runs the work after an answer (artfeed.web.http.JsonThen).
                await sync_to_async(response.close, thread_sensitive=True)()
        finally:
            body_file.close()

    def _respond(self, scope, body_file) -> HttpResponseBase:
        """What Django's handler does between reading the body and sending the answer,
        on the request's thread: the signal, the request, the chain."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, refused = self.create_request(scope, body_file)
        if request is None:
            return refused
        return self.sync_handler.get_response(request)
