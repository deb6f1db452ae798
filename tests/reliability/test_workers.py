"""Several worker processes on one PostgreSQL (``uvicorn --workers 2``): what one worker
does reaches the screens another serves, leases hold across them, and ``/metrics``
counts for all of them. Which worker holds a connection is read from the kernel
(``worker_of``), so each test knows it crosses workers. PostgreSQL only."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.factories import ArtworkFactory, UserFactory
from tests.live_http import (
    METRICS_TOKEN,
    OpenStream,
    ask,
    connect,
    metric,
    signed_in,
    worker_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

# A frame made on one worker must reach a stream on the other this fast (NOTIFY).
DELIVERY_SECONDS = 2.0


@pytest.fixture
def two_workers(start_asgi_server, tmp_path):
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    return start_asgi_server(
        workers=2, PROMETHEUS_MULTIPROC_DIR=str(metrics), ARTFEED_METRICS_TOKEN=METRICS_TOKEN
    )


def one_on_each_worker(server, start_one):
    """Two connections served by different workers, the others closed. The kernel hands
    each new connection to whichever worker accepts first, and one idle worker may win
    every time: so several are started at once (``start_one()``, then ``.wait()`` on
    each), which keeps both workers accepting."""
    for _ in range(10):
        batch = [start_one() for _ in range(6)]
        for client in batch:
            client.wait()
        by_worker = {worker_of(server, client.socket): client for client in batch}
        if len(by_worker) > 1:
            chosen = list(by_worker.values())[:2]
            for client in batch:
                if client not in chosen:
                    client.close()
            return chosen
        for client in batch:
            client.close()
    raise AssertionError("every connection went to the same worker")


class KeptAlive:
    """A keep-alive connection, so all its requests reach the same worker."""

    def __init__(self, server) -> None:
        self.http = connect(server)
        self.http.request("GET", "/healthz")

    def wait(self) -> None:
        # Answered, so a worker has accepted it (until then the kernel holds it).
        response = self.http.getresponse()
        response.read()
        assert response.status == 200
        self.socket = self.http.sock

    def ask(self, *args, **kwargs) -> tuple[int, bytes]:
        answer = ask(self.http, *args, **kwargs)
        assert self.http.sock is self.socket, "the connection was reopened (another worker?)"
        return answer

    def close(self) -> None:
        self.http.close()


def test_a_frame_generated_on_one_worker_reaches_a_stream_on_the_other(two_workers, user):
    headers = signed_in(user)
    here, there = one_on_each_worker(
        two_workers, lambda: OpenStream(two_workers, headers, wait=False)
    )
    here.http.sock.settimeout(DELIVERY_SECONDS)
    there.http.sock.settimeout(DELIVERY_SECONDS)
    generator = KeptAlive(two_workers)
    generator.wait()
    try:
        status, body = generator.ask(
            "POST",
            "/display/generate/",
            {**headers, "Accept": "application/json"},
            {"prompt": "a lighthouse in fog", "style": "waves"},
        )
        assert status == 201, body
        art = re.search(rb'"id": "([0-9a-f-]+)"', body).group(1).decode()

        # One of the two streams is on another worker than the one that generated it.
        for stream in (here, there):
            assert stream.next_event() == [
                f"id: {art}\n".encode(),
                b"event: art-ready\n",
                f"data: {art}\n".encode(),
            ]
        assert worker_of(two_workers, here.socket) != worker_of(two_workers, there.socket)
    finally:
        for client in (here, there, generator):
            client.close()


def test_two_screens_of_a_user_on_different_workers_never_show_the_same_frame(two_workers, user):
    ArtworkFactory.create_batch(3)  # few: without leases the two would collide at once
    headers = signed_in(user)
    tv, hall = one_on_each_worker(two_workers, lambda: KeptAlive(two_workers))
    showing: dict[str, str] = {}

    def next_frame(screen: str, client: KeptAlive) -> None:
        status, body = client.ask("GET", f"/display/next/?screen={screen}&dwell=3", headers)
        assert status in (200, 204), body
        if status == 200:  # 204: every other frame is on the other screen; keep this one
            showing[screen] = re.search(rb'data-artwork-id="([0-9a-f-]+)"', body).group(1)

    try:
        with ThreadPoolExecutor(2) as pool:
            for _ in range(25):
                asked = [pool.submit(next_frame, "tv", tv), pool.submit(next_frame, "hall", hall)]
                for answer in asked:
                    answer.result()
                assert showing["tv"] != showing["hall"]
        assert worker_of(two_workers, tv.socket) != worker_of(two_workers, hall.socket)
    finally:
        tv.close()
        hall.close()


def test_metrics_add_up_every_workers_batches_and_streams(two_workers):
    alice, bob = UserFactory(), UserFactory()
    artworks = ArtworkFactory.create_batch(5)
    headers = signed_in(alice)
    first, second = one_on_each_worker(two_workers, lambda: KeptAlive(two_workers))
    streams = [OpenStream(two_workers, signed_in(bob)) for _ in range(3)]
    try:
        for client, batch in ((first, artworks[:2]), (second, artworks[2:])):
            for artwork in batch:
                status, body = client.ask(
                    "POST", "/api/impressions/", headers, {"artwork_ids": [str(artwork.pk)]}
                )
                assert status == 200, body

        for client in (first, second):  # whichever worker answers the scrape
            assert (
                metric(two_workers, 'artfeed_impression_batches_total{outcome="ok"}', client.http)
                == 5
            )
            assert metric(two_workers, "artfeed_impressions_upserted_total", client.http) == 5
            assert metric(two_workers, "artfeed_streams_open", client.http) == 3
    finally:
        for stream in streams:
            stream.close()
        first.close()
        second.close()
