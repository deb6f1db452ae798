"""Two screens of one user flushing at the same moment, on a real database server."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connections
from django.test import Client

from impressions.models import Impression
from tests.factories import ArtworkFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def post_concurrently(clients: list[Client], batches: list[list[str]]) -> list:
    """Each batch from its own thread (so its own database connection), released together."""
    start = threading.Barrier(len(batches))
    responses: list = [None] * len(batches)

    def send(index: int) -> None:
        try:
            start.wait()
            responses[index] = clients[index].post(
                "/api/impressions/",
                data=json.dumps({"artwork_ids": batches[index]}),
                content_type="application/json",
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def test_overlapping_batches_of_one_user_both_succeed_with_one_row_per_artwork(user):
    ids = [str(ArtworkFactory().pk) for _ in range(60)]
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)

    for _ in range(5):  # a few rounds: the race is between live transactions
        # The same 40 ids in the middle, sent in opposite orders by the two screens.
        first, second = ids[:50], list(reversed(ids[10:]))
        responses = post_concurrently(clients, [first, second])

        assert [r.status_code for r in responses] == [200, 200]
        assert [r.json()["upserted"] for r in responses] == [50, 50]
    assert Impression.objects.filter(user=user).count() == 60
    assert Impression.objects.values("artwork").distinct().count() == 60
