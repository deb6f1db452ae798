"""Each rule of what a user has seen selects the same rows as its ORM form and as its
SQL fragment."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from artfeed.models import Artwork
from impressions import rules
from impressions.models import Impression
from tests.factories import ArtworkFactory, GeneratedArtworkFactory, ImpressionFactory
from tests.rule_rows import artworks_where, assert_selects_some_not_all, ids, moment

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def artworks(user, other_user, now):
    """Artworks of the pool and of each user, in and out of their freshness window, each
    never seen or last viewed by the user or by the other at, just before and just after
    the cooldown's start, or now."""
    start = rules.cooldown_start(now)
    made = []
    for (maker, fresh_until), (viewer, viewed_at) in itertools.product(
        ((None, None), (user, now + SECOND), (user, now), (other_user, now + SECOND)),
        (
            (None, None),
            *(
                (v, t)
                for v in (user, other_user)
                for t in (start - SECOND, start, start + SECOND, now)
            ),
        ),
    ):
        if maker is None:
            artwork = ArtworkFactory(created_at=now - timedelta(days=30))
        else:
            artwork = GeneratedArtworkFactory(
                created_by=maker, created_at=now - timedelta(minutes=5), fresh_until=fresh_until
            )
        if viewer is not None:
            ImpressionFactory(user=viewer, artwork=artwork, viewed_at=viewed_at)
        made.append(artwork)
    return made


@pytest.mark.parametrize("viewer", ["user", "other_user"])
def test_seen_recently_and_its_sql_select_the_same_artworks(artworks, viewer, now, request):
    who = request.getfixturevalue(viewer)

    by_orm = ids(Artwork.objects.filter(rules.seen_recently_by(who, now=now)))

    assert_selects_some_not_all(by_orm, artworks)
    cutoff = moment(rules.cooldown_start(now))
    assert artworks_where(rules.seen_recently_sql(), [who.pk, cutoff]) == by_orm
    impressions = Impression.objects.filter(rules.seen_recently(who, now=now))
    assert set(impressions.values_list("artwork_id", flat=True)) == by_orm


@pytest.mark.parametrize("viewer", ["user", "other_user"])
def test_never_seen_and_its_sql_select_the_same_artworks(artworks, viewer, request):
    who = request.getfixturevalue(viewer)

    by_orm = ids(Artwork.objects.filter(rules.never_seen(who)))

    assert_selects_some_not_all(by_orm, artworks)
    assert artworks_where(rules.never_seen_sql(), [who.pk]) == by_orm


@pytest.mark.parametrize("viewer", ["user", "other_user"])
def test_fresh_for_and_its_sql_select_the_same_artworks(artworks, viewer, now, request):
    who = request.getfixturevalue(viewer)

    by_orm = ids(Artwork.objects.filter(rules.fresh_for(who, now=now)))

    assert_selects_some_not_all(by_orm, artworks)
    assert artworks_where(rules.fresh_for_sql(), [who.pk, moment(now), who.pk]) == by_orm


def test_a_view_at_the_cooldowns_start_has_cooled(artworks, user, now):
    at_start = Impression.objects.filter(user=user, viewed_at=rules.cooldown_start(now))

    assert at_start.exists()
    assert not at_start.filter(rules.seen_recently(user, now=now)).exists()
