"""Open screens cost a socket each, not a database connection: the production server
(uvicorn, DEBUG off, the psycopg pool) keeps answering with four times its pool in open
event streams, gives everything back when they close, and caps one user's streams.
PostgreSQL only (``start_asgi_server``)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from impressions.models import Impression
from tests.browser.helpers import wait_until
from tests.factories import ArtworkFactory, GeneratedArtworkFactory, UserFactory
from tests.live_http import (
    METRICS_TOKEN,
    OpenStream,
    listening_connections,
    metric,
    request,
    signed_in,
)

pytestmark = pytest.mark.django_db(transaction=True)

POOL_SIZE = 4  # psycopg's default, which Django's pool keeps
# A starved pool answers 503 after this wait instead of the default 10 s.
SERVER = {"ARTFEED_DB_CONNECT_TIMEOUT": "2s", "ARTFEED_METRICS_TOKEN": METRICS_TOKEN}


def answers_while_streams_are_open(server, user, artwork) -> None:
    """The health check, a frame and an impression batch, asked at once."""
    headers = signed_in(user)
    with ThreadPoolExecutor(3) as pool:
        health = pool.submit(request, server, "GET", "/healthz")
        frame = pool.submit(request, server, "GET", "/display/next/?screen=kitchen", headers)
        batch = pool.submit(
            request,
            server,
            "POST",
            "/api/impressions/",
            headers,
            {"artwork_ids": [str(artwork.pk)]},
        )
    assert health.result()[0] == 200, health.result()
    assert frame.result()[0] == 200, frame.result()
    status, body = batch.result()
    assert status == 200, body
    assert json.loads(body)["upserted"] == 1


def test_four_times_the_pool_in_open_streams_and_the_server_still_answers(start_asgi_server):
    users = [UserFactory() for _ in range(4)]
    artworks = ArtworkFactory.create_batch(4)
    server = start_asgi_server(**SERVER)

    streams = [OpenStream(server, signed_in(users[i % len(users)])) for i in range(4 * POOL_SIZE)]
    try:
        assert metric(server, "artfeed_streams_open") == 4 * POOL_SIZE
        assert listening_connections() == 1
        for user, artwork in zip(users, artworks, strict=True):
            answers_while_streams_are_open(server, user, artwork)
    finally:
        for stream in streams:
            stream.close()

    assert Impression.objects.count() == len(users)
    # The server notices a closed socket on its own time.
    wait_until(lambda: metric(server, "artfeed_streams_open") == 0, timeout=5)
    wait_until(lambda: listening_connections() == 0, timeout=5)  # the listener task ended
    # Every pooled connection is free again: as many requests at once as the pool holds.
    logins = [signed_in(user) for user in users]
    with ThreadPoolExecutor(POOL_SIZE) as pool:
        statuses = list(
            pool.map(
                lambda headers: request(server, "GET", "/display/next/?screen=hall", headers)[0],
                logins,
            )
        )
    assert statuses == [200] * len(users)


def test_a_users_newest_stream_replaces_the_oldest_beyond_the_cap(start_asgi_server):
    alice, bob = UserFactory(), UserFactory()
    server = start_asgi_server(**SERVER, ARTFEED_STREAMS_PER_USER="2")

    oldest, middle = OpenStream(server, signed_in(alice)), OpenStream(server, signed_in(alice))
    bobs = OpenStream(server, signed_in(bob))
    newest = OpenStream(server, signed_in(alice))
    try:
        assert oldest.next_event() == [
            b"event: replaced\n",
            b"data: a newer screen of this user took this stream's place\n",
        ]
        assert oldest.response.read() == b""  # and it ended
        assert metric(server, "artfeed_streams_open") == 3

        art = GeneratedArtworkFactory(created_by=alice)
        for stream in (middle, newest):
            assert stream.next_event() == [
                f"id: {art.pk}\n".encode(),
                b"event: art-ready\n",
                f"data: {art.pk}\n".encode(),
            ]
    finally:
        for stream in (middle, bobs, newest):
            stream.close()
