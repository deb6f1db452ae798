from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from impressions.models import Impression
from impressions.services import record_impressions
from impressions.signals import impressions_recorded
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db


def test_a_batch_that_committed_last_but_started_first_keeps_the_latest_view(user):
    """Two screens flush the same frame at once; the earlier one happens to write last.
    viewed_at must not move back (before first_viewed_at, which the database forbids)."""
    art = ArtworkFactory()
    now = timezone.now()

    record_impressions(user=user, artwork_ids=[art.pk], now=now)
    late = record_impressions(user=user, artwork_ids=[art.pk], now=now - timedelta(seconds=2))

    assert late.ids == [art.pk]
    impression = Impression.objects.get(user=user, artwork=art)
    assert impression.viewed_at == now
    assert impression.first_viewed_at == now


def test_a_later_view_moves_viewed_at_forward(user):
    art = ArtworkFactory()
    now = timezone.now()

    record_impressions(user=user, artwork_ids=[art.pk], now=now - timedelta(days=1))
    record_impressions(user=user, artwork_ids=[art.pk], now=now)

    impression = Impression.objects.get(user=user, artwork=art)
    assert impression.viewed_at == now
    assert impression.first_viewed_at == now - timedelta(days=1)


def test_ids_as_uuids_or_text_are_one_id_each(user):
    art, other = ArtworkFactory(), ArtworkFactory(is_public=False)

    batch = record_impressions(
        user=user, artwork_ids=[art.pk, str(art.pk).upper(), other.pk.hex, str(other.pk)]
    )

    assert (batch.attempted, batch.written, batch.refused) == (2, [str(art.pk)], [str(other.pk)])
    assert (batch.ids, batch.rejected) == ([art.pk], [other.pk])


def test_text_that_is_no_id_is_refused_before_anything_is_written(user):
    with pytest.raises(ValueError):
        record_impressions(user=user, artwork_ids=["not-an-id"])
    assert not Impression.objects.exists()


def test_a_listener_hears_each_batch_with_the_ids_written(user):
    art, gone = ArtworkFactory(), ArtworkFactory()
    gone_id = gone.pk
    gone.delete()
    heard = []

    def listener(sender, *, user, artwork_ids, **kwargs):
        heard.append((user.pk, artwork_ids))

    impressions_recorded.connect(listener)
    try:
        record_impressions(user=user, artwork_ids=[str(art.pk), gone_id])
    finally:
        impressions_recorded.disconnect(listener)

    assert heard == [(user.pk, [art.pk])]
