"""The seen span stays true whoever writes: the database records its holes (migration
0003_seen_span_holes). Each test breaks the span the way an operator or another process
would, and checks the frame the user gets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from artfeed.models import Artwork
from display.feed import next_frames
from impressions.models import Impression, SeenSpan, SpanHole
from impressions.services import record_impressions
from tests.factories import ArtworkFactory, GeneratedArtworkFactory

pytestmark = pytest.mark.django_db

TRIGGERS = {
    "impressions_span_artwork_inserted",
    "impressions_span_artwork_changed",
    "impressions_span_impression_deleted",
    "impressions_span_impression_changed",
    "impressions_span_deleted",
}


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def test_the_triggers_are_installed():
    """SQLite drops a table's triggers when a migration rebuilds it: this says so."""
    assert installed_triggers() >= TRIGGERS


@pytest.fixture
def watched(user):
    """Ten public artworks a minute apart, newest first, all seen by the user, and one
    private artwork of someone else's between the fourth and the fifth."""
    now = timezone.now()
    pool = [
        ArtworkFactory(title=f"art {i}", created_at=now - timedelta(minutes=i + 1))
        for i in range(10)
    ]
    private = GeneratedArtworkFactory(
        title="private", created_at=now - timedelta(minutes=4, seconds=30), fresh_until=None
    )
    record_impressions(user=user, artwork_ids=[a.pk for a in pool])
    span = SeenSpan.objects.get(user=user)
    assert (span.oldest, span.newest) == (pool[-1].created_at, pool[0].created_at)
    return pool, private


def first_title(user) -> str:
    return next_frames(user, screen="tv", restart=True)[0].artwork.title


def test_an_artwork_published_inside_the_span_is_the_next_frame(user, watched):
    _, private = watched

    Artwork.objects.filter(pk=private.pk).update(is_public=True)  # the admin, in bulk

    assert first_title(user) == "private"


def test_an_artwork_published_by_raw_sql_is_the_next_frame(user, watched):
    _, private = watched
    table = Artwork._meta.db_table

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET is_public = %s WHERE title = 'private'", [True])  # noqa: S608

    assert first_title(user) == "private"


def test_an_artwork_committed_with_an_older_created_at_is_the_next_frame(user, watched):
    pool, _ = watched
    ArtworkFactory(title="late", created_at=pool[6].created_at + timedelta(seconds=1))

    assert first_title(user) == "late"


def test_an_impression_deleted_alone_makes_its_artwork_unseen(user, watched):
    pool, _ = watched

    Impression.objects.get(user=user, artwork=pool[5]).delete()  # the admin's delete

    assert first_title(user) == "art 5"


def test_impressions_deleted_in_bulk_make_their_artworks_unseen(user, watched):
    pool, _ = watched

    Impression.objects.filter(user=user, artwork__in=pool[3:5]).delete()

    frames = next_frames(user, screen="tv", limit=3, restart=True)
    assert [f.artwork.title for f in frames] == ["art 3", "art 4"]


def test_a_view_moved_back_before_the_artwork_was_made_makes_it_unseen(user, watched):
    pool, _ = watched

    Impression.objects.filter(user=user, artwork=pool[2]).update(
        viewed_at=pool[2].created_at - timedelta(days=9),
        first_viewed_at=pool[2].created_at - timedelta(days=9),
    )

    assert first_title(user) == "art 2"


def test_a_hole_seen_again_is_dropped_and_the_span_keeps_its_edges(user, watched):
    pool, private = watched
    Artwork.objects.filter(pk=private.pk).update(is_public=True)
    assert SpanHole.objects.filter(user_id=user.pk).count() == 1

    record_impressions(user=user, artwork_ids=[private.pk])

    assert not SpanHole.objects.filter(user_id=user.pk).exists()
    span = SeenSpan.objects.get(user=user)
    assert (span.oldest, span.newest) == (pool[-1].created_at, pool[0].created_at)


def test_a_new_artwork_above_every_span_records_no_hole(user, watched):
    ArtworkFactory(title="brand new", created_at=timezone.now())

    assert not SpanHole.objects.exists()
    assert first_title(user) == "brand new"


def test_dropping_a_span_drops_its_holes(user, watched):
    pool, _ = watched
    Impression.objects.get(user=user, artwork=pool[5]).delete()

    SeenSpan.objects.filter(user=user).delete()

    assert not SpanHole.objects.exists()
