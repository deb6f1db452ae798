"""History that no batch has walked (the upgrade that dropped the spans, an import behind
the app's back) gets its seen span from ``grow_missing_spans``: the migration after the
upgrade and ``manage.py grow_seen_spans`` after an import."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from display.feed import next_frames
from impressions.models import SeenSpan, SpanHole
from impressions.spans import GAP, grow_missing_spans
from tests.factories import ArtworkFactory, ImpressionFactory

pytestmark = pytest.mark.django_db


def imported_history(user, count: int = 8, seen: int = 5):
    """The newest ``seen`` of ``count`` artworks seen, written straight to the table."""
    now = timezone.now()
    pool = [
        ArtworkFactory(title=f"art {i}", created_at=now - timedelta(minutes=i + 1))
        for i in range(count)
    ]
    for artwork in pool[:seen]:
        ImpressionFactory(user=user, artwork=artwork)
    return pool


def test_it_grows_a_span_over_history_written_behind_the_batches(user):
    pool = imported_history(user)

    assert grow_missing_spans() == 1

    span = SeenSpan.objects.get(user=user)
    assert (span.oldest, span.newest) == (pool[4].created_at, pool[0].created_at)
    assert next_frames(user, screen="tv")[0].artwork.title == "art 5"


def test_a_short_gap_in_the_history_is_bridged_with_holes(user):
    pool = imported_history(user, count=12, seen=10)
    pool[4].impressions.all().delete()  # skipped in the middle of the run

    grow_missing_spans()

    span = SeenSpan.objects.get(user=user)
    assert (span.oldest, span.newest) == (pool[9].created_at, pool[0].created_at)
    assert list(SpanHole.objects.values_list("artwork_id", flat=True)) == [pool[4].pk]
    frames = next_frames(user, screen="tv", limit=3)
    assert [f.artwork.title for f in frames] == ["art 4", "art 10", "art 11"]


def test_a_long_gap_is_not_bridged(user):
    pool = imported_history(user, count=20, seen=20)
    for artwork in pool[5 : 6 + GAP]:
        artwork.impressions.all().delete()

    grow_missing_spans()

    span = SeenSpan.objects.get(user=user)
    assert (span.oldest, span.newest) == (pool[4].created_at, pool[0].created_at)
    assert not SpanHole.objects.exists()


def test_users_with_a_span_or_no_history_are_left_alone(user, other_user):
    imported_history(user)
    grow_missing_spans()
    span = SeenSpan.objects.get(user=user)

    assert grow_missing_spans() == 0

    assert SeenSpan.objects.get(user=user).newest == span.newest
    assert not SeenSpan.objects.filter(user=other_user).exists()


def test_a_view_from_before_the_artwork_was_made_starts_no_span(user):
    artwork = ArtworkFactory(created_at=timezone.now())
    ImpressionFactory(user=user, artwork=artwork, viewed_at=artwork.created_at - timedelta(days=1))

    assert grow_missing_spans() == 0
    assert not SeenSpan.objects.exists()


def test_the_command_says_how_many_it_grew(user):
    imported_history(user)
    out = StringIO()

    call_command("grow_seen_spans", stdout=out)

    assert out.getvalue().strip() == "Grew 1 seen span."
