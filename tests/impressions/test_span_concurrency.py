"""A seen span never grows over a change that has not committed yet (PostgreSQL, real
transactions): the batch growing it waits for the writer, then sees what it wrote."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from display.feed import next_frames
from impressions.models import Impression
from impressions.services import record_impressions
from tests.factories import ArtworkFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def pool_seen_in_part(user, count: int = 10, seen: int = 5):
    now = timezone.now()
    pool = [
        ArtworkFactory(title=f"art {i}", created_at=now - timedelta(minutes=i + 1))
        for i in range(count)
    ]
    record_impressions(user=user, artwork_ids=[a.pk for a in pool[:seen]])
    return pool


def batch_during_an_open_write(write: Callable[[], None], batch: Callable[[], None]) -> bool:
    """Run ``write`` in a transaction held open, start ``batch`` meanwhile, then commit.
    Returns whether the batch was still waiting when the write committed."""
    written, release = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                write()
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    def batcher() -> None:
        try:
            batch()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer), threading.Thread(target=batcher)]
    threads[0].start()
    assert written.wait(10)
    threads[1].start()
    threads[1].join(timeout=1)
    waited = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    return waited


def test_an_artwork_committed_late_below_the_span_is_not_covered_by_a_batch(user):
    pool = pool_seen_in_part(user)
    late_at = pool[7].created_at + timedelta(seconds=1)

    waited = batch_during_an_open_write(
        lambda: ArtworkFactory(title="late", created_at=late_at),
        lambda: record_impressions(user=user, artwork_ids=[a.pk for a in pool[5:]]),
    )

    assert waited
    assert next_frames(user, screen="tv")[0].artwork.title == "late"


def test_an_impression_deleted_while_a_batch_grows_over_it_is_unseen(user):
    pool = pool_seen_in_part(user)
    record_impressions(user=user, artwork_ids=[pool[6].pk])  # seen, below the span

    waited = batch_during_an_open_write(
        lambda: Impression.objects.filter(user=user, artwork=pool[6]).delete(),
        lambda: record_impressions(user=user, artwork_ids=[pool[5].pk, pool[7].pk]),
    )

    assert waited
    assert next_frames(user, screen="tv")[0].artwork.title == "art 6"
