"""One screen's event stream (Server-Sent Events): ``art-ready`` for each new artwork of
its user, a heartbeat comment to keep proxies from closing an idle connection.

Every stream waits on its queue in the process's hub (``display.hub``), which also ends
it when a newer stream of the same user takes its place (``ARTFEED_STREAMS_PER_USER``).
On PostgreSQL the queue carries the user's new artworks and the stream touches the
database only to catch up. On SQLite, which has no ``NOTIFY``, it polls the user's newest
artworks every second instead: one indexed read of a few rows. Either way the database
connection is given back after each read, and the one the request itself used (its
session, its user) as the stream starts, so an idle stream, open for days, holds none.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime, timedelta
from time import monotonic
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.db import connection
from django.db.models import Subquery
from django.utils import timezone
from prometheus_client import Gauge

from artfeed.models import Artwork
from display.hub import REPLACED, RESYNC, running_hub

HEARTBEAT_SECONDS = 15.0
POLL_SECONDS = 1.0
# How soon the browser reconnects after the stream breaks.
RETRY_MS = 2000
# The most artworks one catch-up sends (the newest ones).
CATCH_UP_MAX = 20
# An artwork is stamped when its request arrives and committed once its image is made,
# which an image service may take a minute to do: the poll looks back this far behind
# the newest artwork it has seen, so a late commit is still found.
LOOKBACK = timedelta(minutes=2)
SENT_MEMORY = 200

T = TypeVar("T")

# Summed over the live worker processes when PROMETHEUS_MULTIPROC_DIR is set.
STREAMS_OPEN = Gauge(
    "artfeed_streams_open", "Live-update streams open now.", multiprocess_mode="livesum"
)


# The last event of a stream a newer one replaced: the page stops listening rather than
# reconnect and replace another of its user's streams in turn.
REPLACED_EVENT = b"event: replaced\ndata: a newer screen of this user took this stream's place\n\n"


def art_ready(artwork_id: uuid.UUID) -> bytes:
    """One ``art-ready`` event; its id is what the browser sends back as Last-Event-ID."""
    return f"id: {artwork_id}\nevent: art-ready\ndata: {artwork_id}\n\n".encode()


def _briefly(function: Callable[..., T]) -> Callable[..., Any]:
    """``function`` run in a worker thread, its database connection closed (or given back
    to the pool) straight after, so a stream waiting for hours holds none."""

    def run(*args: Any, **kwargs: Any) -> T:
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return sync_to_async(run, thread_sensitive=False)


def _close_connection() -> None:
    # Looked up here, in the thread that runs it: each thread has its own connection.
    connection.close()


@_briefly
def _newest_since(
    user_id: int, *, since: datetime | None, after: uuid.UUID | None = None
) -> list[tuple[uuid.UUID, datetime]]:
    """The user's newest artworks (at most ``CATCH_UP_MAX``) created after ``since`` and
    after artwork ``after`` (if it is theirs: someone else's id finds nothing), oldest
    first. Walks the (created_by, created_at) index."""
    artworks = Artwork.objects.filter(created_by_id=user_id)
    if since is not None:
        artworks = artworks.filter(created_at__gt=since)
    if after is not None:
        mark = Artwork.objects.filter(pk=after, created_by_id=user_id).values("created_at")
        artworks = artworks.filter(created_at__gt=Subquery(mark))
    rows = artworks.order_by("-created_at").values_list("id", "created_at")[:CATCH_UP_MAX]
    return list(rows)[::-1]


class _Owed:
    """What the stream still owes its screen: the user's artworks created since it
    connected (or after its Last-Event-ID), each sent once."""

    def __init__(self, user_id: int, *, connected_at: datetime) -> None:
        self.user_id = user_id
        self.connected_at = connected_at
        self.newest = connected_at
        self.sent: OrderedDict[uuid.UUID, None] = OrderedDict()

    def unsent(self, artwork_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        new = [i for i in artwork_ids if i not in self.sent]
        for artwork_id in new:
            self.sent[artwork_id] = None
        while len(self.sent) > SENT_MEMORY:
            self.sent.popitem(last=False)
        return new

    async def from_database(self, *, after: uuid.UUID | None = None) -> list[uuid.UUID]:
        if after is not None:
            rows = await _newest_since(self.user_id, since=None, after=after)
        else:
            since = max(self.connected_at, self.newest - LOOKBACK)
            rows = await _newest_since(self.user_id, since=since)
        if rows:
            self.newest = max(self.newest, rows[-1][1])
        return self.unsent(artwork_id for artwork_id, _ in rows)


async def art_ready_events(
    *, user_id: int, last_event_id: uuid.UUID | None
) -> AsyncIterator[bytes]:
    """The stream's bytes, forever (it ends when the client goes away: the server cancels
    it and ``finally`` leaves the hub). A reconnecting browser sends the last id it saw
    and first gets what it missed since, at most ``CATCH_UP_MAX``."""
    # Django gives back the connection the request used (its session, its user) only
    # when the response closes: for a stream, when the screen goes away, days later. Give
    # it back now, from the request's own thread, where it lives.
    await sync_to_async(_close_connection)()
    owed = _Owed(user_id, connected_at=timezone.now())
    listening = connection.vendor == "postgresql"
    hub = running_hub()
    queue = await hub.subscribe(user_id, listen=listening)
    STREAMS_OPEN.inc()
    try:
        # Listening from here on: the page may mark its live updates as on.
        yield f"retry: {RETRY_MS}\nevent: ready\ndata: listening\n\n".encode()
        if last_event_id is not None:
            for artwork_id in await owed.from_database(after=last_event_id):
                yield art_ready(artwork_id)
        written = monotonic()
        while True:
            idle_left = max(HEARTBEAT_SECONDS - (monotonic() - written), 0.0)
            try:
                item = await asyncio.wait_for(
                    queue.get(), idle_left if listening else min(POLL_SECONDS, idle_left)
                )
            except TimeoutError:
                item = None if listening else RESYNC  # without NOTIFY, time to poll
            if item is REPLACED:
                yield REPLACED_EVENT
                return
            if item is RESYNC:
                artwork_ids = await owed.from_database()
            elif item is None:
                artwork_ids = []
            else:
                artwork_ids = owed.unsent([item])  # type: ignore[list-item]
            for artwork_id in artwork_ids:
                yield art_ready(artwork_id)
                written = monotonic()
            if monotonic() - written >= HEARTBEAT_SECONDS:
                yield b": heartbeat\n\n"
                written = monotonic()
    finally:
        STREAMS_OPEN.dec()
        hub.unsubscribe(user_id, queue)
