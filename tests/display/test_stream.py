"""``GET /display/stream/``: each user's screens hear about their new artworks, and only
theirs. Driven through Django's ASGI request handling (AsyncClient), on SQLite (the
poll) and on PostgreSQL (LISTEN/NOTIFY through the process's one listener)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.test import AsyncClient, Client

from display import stream as stream_module
from display.hub import running_hub
from tests.event_loop import in_own_thread
from tests.factories import GeneratedArtworkFactory, UserFactory
from tests.live_http import listening_connections

pytestmark = pytest.mark.django_db(transaction=True)

T = TypeVar("T")
URL = "/display/stream/"
# The poll on SQLite runs every second; NOTIFY on PostgreSQL arrives at once.
DELIVERY_SECONDS = 2.5


class Stream:
    """One client's event stream, read in the background into whole events."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.events: asyncio.Queue[str] = asyncio.Queue()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        buffer = ""
        async for chunk in self.response.streaming_content:
            buffer += chunk.decode()
            while "\n\n" in buffer:
                event, buffer = buffer.split("\n\n", 1)
                await self.events.put(event)

    async def next(self, timeout: float = DELIVERY_SECONDS) -> str:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def art_ready(
        self, *, within: float = DELIVERY_SECONDS, stop_after: int | None = None
    ) -> list[str]:
        """The ids of the art-ready events that arrive within ``within`` seconds (or
        until ``stop_after`` of them have)."""
        ids, loop = [], asyncio.get_running_loop()
        deadline = loop.time() + within
        while (left := deadline - loop.time()) > 0 and len(ids) != stop_after:
            with contextlib.suppress(TimeoutError):
                event = await self.next(left)
                if "event: art-ready" in event:
                    ids.append(event.rsplit("data: ", 1)[1])
        return ids

    async def close(self) -> None:
        """The client goes away: the server cancels the response, as uvicorn does."""
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def open_stream(user, *, last_event_id: str | None = None) -> Stream:
    client = AsyncClient()
    await client.aforce_login(user)
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    response = await client.get(URL, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    stream = Stream(response)
    # Subscribed and listening from here on.
    assert await stream.next() == "retry: 2000\nevent: ready\ndata: listening"
    return stream


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run ``scenario`` in an event loop (in a thread of its own)."""

    async def main() -> None:
        try:
            await scenario()
        finally:
            # The connections this scenario's threads opened, so the test database can go.
            await sync_to_async(connections.close_all)()

    in_own_thread(lambda: asyncio.run(main()))


create_artwork = sync_to_async(GeneratedArtworkFactory)


def test_every_screen_of_the_user_hears_of_a_new_artwork_and_no_one_else(user, other_user):
    async def scenario() -> None:
        tv, phone, bobs = [await open_stream(u) for u in (user, user, other_user)]
        art = await create_artwork(created_by=user)

        heard = await asyncio.gather(tv.art_ready(), phone.art_ready(), bobs.art_ready())

        assert heard == [[str(art.pk)], [str(art.pk)], []]
        for stream in (tv, phone, bobs):
            await stream.close()

    run(scenario)


def test_an_event_carries_the_id_as_its_event_id(user):
    async def scenario() -> None:
        tv = await open_stream(user)
        art = await create_artwork(created_by=user)

        event = await tv.next()

        assert event == f"id: {art.pk}\nevent: art-ready\ndata: {art.pk}"
        await tv.close()

    run(scenario)


def test_a_reconnecting_screen_catches_up_from_its_last_event_id(user, other_user):
    async def scenario() -> None:
        seen = await create_artwork(created_by=user)
        missed = [await create_artwork(created_by=user) for _ in range(2)]
        await create_artwork(created_by=other_user)

        tv = await open_stream(user, last_event_id=str(seen.pk))

        assert await tv.art_ready(within=0.5) == [str(a.pk) for a in missed]
        await tv.close()

    run(scenario)


def test_a_last_event_id_that_is_not_the_users_replays_nothing(user, other_user):
    async def scenario() -> None:
        theirs = await create_artwork(created_by=other_user)
        await create_artwork(created_by=user)

        tv = await open_stream(user, last_event_id=str(theirs.pk))
        garbled = await open_stream(user, last_event_id="not-an-id")

        assert await tv.art_ready(within=0.5) == []
        assert await garbled.art_ready(within=0.1) == []
        await tv.close()
        await garbled.close()

    run(scenario)


def test_a_catch_up_is_bounded(user, monkeypatch):
    monkeypatch.setattr(stream_module, "CATCH_UP_MAX", 3)

    async def scenario() -> None:
        seen = await create_artwork(created_by=user)
        missed = [await create_artwork(created_by=user) for _ in range(5)]

        tv = await open_stream(user, last_event_id=str(seen.pk))

        # The newest ones, oldest of them first.
        assert await tv.art_ready(within=0.5) == [str(a.pk) for a in missed[-3:]]
        await tv.close()

    run(scenario)


def test_an_idle_stream_sends_heartbeats(user, monkeypatch):
    monkeypatch.setattr(stream_module, "HEARTBEAT_SECONDS", 0.3)

    async def scenario() -> None:
        tv = await open_stream(user)

        assert await tv.next(timeout=2) == ": heartbeat"
        assert await tv.next(timeout=2) == ": heartbeat"
        await tv.close()

    run(scenario)


def test_the_poll_is_one_query(user, django_assert_num_queries):
    since = GeneratedArtworkFactory(created_by=user).created_at

    with django_assert_num_queries(1):
        stream_module._newest_since.__wrapped__(user.pk, since=since)


@pytest.mark.postgres
def test_one_listening_connection_serves_every_stream_and_goes_when_they_do(user, other_user):
    count_listeners = sync_to_async(listening_connections)

    async def scenario() -> None:
        streams = [await open_stream(u) for u in (user, user, other_user)]
        assert await count_listeners() == 1
        assert running_hub().subscribers == 3

        for stream in streams:
            await stream.close()

        assert running_hub().subscribers == 0
        for _ in range(20):
            if await count_listeners() == 0:
                break
            await asyncio.sleep(0.1)
        assert await count_listeners() == 0

    run(scenario)


@pytest.mark.postgres
def test_an_idle_stream_holds_no_database_connection_and_runs_no_query(user, monkeypatch):
    calls = []
    original = stream_module._newest_since

    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return await original(*args, **kwargs)

    monkeypatch.setattr(stream_module, "_newest_since", counted)

    def connections_in_use() -> int:
        stats = connection.pool.get_stats()  # Django's psycopg pool, shared by all threads
        return stats["pool_size"] - stats["pool_available"]

    async def scenario() -> None:
        await sync_to_async(connections.close_all)()
        before = await sync_to_async(connections_in_use)()
        tv = await open_stream(user)
        await sync_to_async(connections.close_all)()  # the login's own connection

        await asyncio.sleep(1.5)

        assert calls == []
        assert await sync_to_async(connections_in_use)() == before
        await tv.close()

    run(scenario)


@pytest.mark.postgres
def test_after_the_listener_drops_it_reconnects_and_the_streams_catch_up(user):
    async def scenario() -> None:
        tv = await open_stream(user)

        def drop_listener_then_create() -> Any:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND query LIKE 'LISTEN %%'"
                )
            return GeneratedArtworkFactory(created_by=user)  # announced to no one

        art = await sync_to_async(drop_listener_then_create)()

        assert await tv.art_ready(within=4, stop_after=1) == [str(art.pk)]
        await tv.close()

    run(scenario)


def test_it_needs_a_login_and_a_get(user):
    async def scenario() -> None:
        anonymous = await AsyncClient().get(URL)
        assert anonymous.status_code == 401
        assert "Log in" in anonymous.json()["error"]

        client = AsyncClient()
        await client.aforce_login(user)
        posted = await client.post(URL)
        assert posted.status_code == 405

    run(scenario)


def test_under_wsgi_it_says_it_needs_the_asgi_server(alice_client: Client):
    response = in_own_thread(lambda: alice_client.get(URL))

    assert response.status_code == 503
    assert "ASGI" in response.json()["error"]


def test_two_users_streams_do_not_mix_even_with_many_artworks(user):
    """Bob's screen hears only of Bob's artworks while Alice makes several."""
    bob = UserFactory(username="bob")

    async def scenario() -> None:
        alice_tv, bob_tv = await open_stream(user), await open_stream(bob)
        alices = [await create_artwork(created_by=user) for _ in range(3)]
        bobs = await create_artwork(created_by=bob)

        heard = await asyncio.gather(alice_tv.art_ready(), bob_tv.art_ready())

        assert heard == [[str(a.pk) for a in alices], [str(bobs.pk)]]
        await alice_tv.close()
        await bob_tv.close()

    run(scenario)


def test_beyond_the_cap_the_newest_stream_replaces_the_users_oldest(user, other_user, settings):
    settings.ARTFEED_STREAMS_PER_USER = 2

    async def scenario() -> None:
        oldest, middle, bobs = [await open_stream(u) for u in (user, user, other_user)]
        newest = await open_stream(user)

        assert await oldest.next() == (
            "event: replaced\ndata: a newer screen of this user took this stream's place"
        )
        await oldest.task  # and it ended
        assert running_hub().subscribers == 3

        art = await create_artwork(created_by=user)
        assert await middle.art_ready(stop_after=1) == [str(art.pk)]
        assert await newest.art_ready(stop_after=1) == [str(art.pk)]
        for stream in (middle, bobs, newest):
            await stream.close()

    run(scenario)
