"""The process's open event streams, by user, and on PostgreSQL one ``LISTEN``
connection fanned out to them.

Each open screen keeps an event stream; giving each its own database connection would
cost a connection per screen, forever. Instead the first stream to subscribe starts a
background task holding one async psycopg connection that listens on
``display.live.CHANNEL``; each notification goes to the queues of that user's streams
only. The task ends, closing its connection, when the last stream leaves.

One user keeps at most ``ARTFEED_STREAMS_PER_USER`` streams open in a process: a new one
(a reloaded page, a screen switched on again, a dead screen's successor) replaces the
oldest, which is told so (``REPLACED``) and ends. The newest screen always listens, and a
screen whose connection died without a word stops costing a socket once it is replaced.

If the connection drops, the listener reconnects with backoff and then tells every
stream to catch up from the database (``RESYNC``): what was announced meanwhile is not
lost, only late. A hub belongs to the event loop it was started in (one per process
under uvicorn; tests run several loops one after another).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

from display.live import CHANNEL, parse_payload

logger = logging.getLogger(__name__)

# What a stream's queue receives: an artwork id, RESYNC ("read the database") or
# REPLACED ("a newer stream of this user took your place: end").
RESYNC = object()
REPLACED = object()
Item = uuid.UUID | object

READY_TIMEOUT_SECONDS = 5.0
# How long the listener waits for notifications before checking its connection is alive.
HEALTH_CHECK_SECONDS = 60.0
QUEUE_SIZE = 64


def _connection_params() -> dict[str, Any]:
    """Django's own parameters for the database, minus its sync-only cursor settings;
    PostgreSQL itself rather than a pooler when ``DATABASE_DIRECT_URL`` says where."""
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    if settings.DATABASE_DIRECT_URL is not None:
        params.update(settings.DATABASE_DIRECT_URL)
    return params


class Hub:
    def __init__(self) -> None:
        # Each user's queues, oldest first (a dict is an ordered set).
        self._queues: dict[int, dict[asyncio.Queue[Item], None]] = {}
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    @property
    def subscribers(self) -> int:
        return sum(len(queues) for queues in self._queues.values())

    async def subscribe(self, user_id: int, *, listen: bool = True) -> asyncio.Queue[Item]:
        """A queue for one stream of ``user_id``: the ids of their new artworks once the
        listener listens (or after ``READY_TIMEOUT_SECONDS``: the stream then catches up
        later), and ``REPLACED`` if a newer stream of theirs takes its place. Without
        ``listen`` (SQLite, which polls) only the latter ever arrives."""
        queue: asyncio.Queue[Item] = asyncio.Queue(QUEUE_SIZE)
        queues = self._queues.setdefault(user_id, {})
        queues[queue] = None
        while len(queues) > settings.ARTFEED_STREAMS_PER_USER:
            oldest = next(iter(queues))
            del queues[oldest]
            self._put(oldest, REPLACED)
        if not listen:
            return queue
        if self._task is None or self._task.done():
            self._listening.clear()
            self._task = asyncio.create_task(self._listen(), name="artfeed-listen")
        try:
            await asyncio.wait_for(self._listening.wait(), READY_TIMEOUT_SECONDS)
        except TimeoutError:
            logger.warning("live updates: not listening yet; the stream will catch up")
        except asyncio.CancelledError:  # the client left while we waited
            self.unsubscribe(user_id, queue)
            raise
        return queue

    def unsubscribe(self, user_id: int, queue: asyncio.Queue[Item]) -> None:
        queues = self._queues.get(user_id, {})
        queues.pop(queue, None)
        if not queues:
            self._queues.pop(user_id, None)
        if not self._queues and self._task is not None:
            self._task.cancel()
            self._task = None

    def _deliver(self, text: str) -> None:
        parsed = parse_payload(text)
        if parsed is None:
            logger.warning("live updates: ignored a notification %r", text)
            return
        user_id, artwork_id = parsed
        for queue in self._queues.get(user_id, ()):
            self._put(queue, artwork_id)

    @staticmethod
    def _put(queue: asyncio.Queue[Item], item: Item) -> None:
        try:
            queue.put_nowait(item)
        except asyncio.QueueFull:  # a stuck client: it will read the database instead
            queue.get_nowait()
            queue.put_nowait(REPLACED if item is REPLACED else RESYNC)

    async def _listen(self) -> None:
        backoff, connected_before = 1.0, False
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    **_connection_params(), autocommit=True
                ) as listener:
                    await listener.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    if connected_before:
                        for queues in self._queues.values():
                            for queue in queues:
                                self._put(queue, RESYNC)
                    connected_before, backoff = True, 1.0
                    while True:
                        async for notify in listener.notifies(timeout=HEALTH_CHECK_SECONDS):
                            self._deliver(notify.payload)
                        await listener.execute("SELECT 1")  # raises if the link is dead
            except Exception as error:  # whatever it was, a listener that stops is worse
                self._listening.clear()
                logger.warning("live updates: listener lost (%s); retrying in %gs", error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def running_hub() -> Hub:
    """The hub of the running event loop, created on first use."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub()
    return hub
