"""Handing out a frame never waits for another request's lease rows (PostgreSQL, real
transactions): the run-out leases it drops on the way are skipped while another request
holds them, so two screens' writes cannot wait for each other."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from display.feed import next_frames
from display.models import Lease
from impressions.services import record_impressions
from tests.factories import ArtworkFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_run_out_lease_another_request_holds_is_skipped_not_waited_for(user):
    now = timezone.now()
    old = ArtworkFactory(title="seen long ago", created_at=now - timedelta(days=1))
    record_impressions(user=user, artwork_ids=[old.pk], now=now - timedelta(hours=2))
    for i in range(6):
        ArtworkFactory(title=f"new {i}", created_at=now - timedelta(minutes=i + 1))
    run_out = Lease.objects.create(
        user=user, artwork=old, screen_key="kitchen", expires_at=now - timedelta(hours=1)
    )
    held, done = threading.Event(), threading.Event()
    frames = []

    def other_request() -> None:
        try:
            with transaction.atomic():
                Lease.objects.select_for_update().get(pk=run_out.pk)
                held.set()
                done.wait(10)
        finally:
            connections.close_all()

    def screen() -> None:
        try:
            frames.extend(next_frames(user, screen="hall"))
        finally:
            connections.close_all()

    holder, asker = threading.Thread(target=other_request), threading.Thread(target=screen)
    holder.start()
    assert held.wait(10)
    asker.start()
    asker.join(timeout=2)
    waited = asker.is_alive()
    done.set()
    holder.join(timeout=10)
    asker.join(timeout=10)

    assert not waited
    assert [f.artwork.title for f in frames] == ["new 0"]
    # Skipped, not lost: the next request drops it.
    assert Lease.objects.filter(pk=run_out.pk).exists()
    next_frames(user, screen="hall")
    assert not Lease.objects.filter(pk=run_out.pk).exists()
