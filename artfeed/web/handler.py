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
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase
from django.urls import get_resolver


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

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        if _async_view(request.path_info):
            return await super().get_response_async(request)
        return await sync_to_async(self.sync_handler.get_response, thread_sensitive=True)(request)
