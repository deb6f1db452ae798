"""Each rule of artworks selects the same rows as its ORM form and as its SQL fragment."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from artfeed import rules
from artfeed.models import Artwork
from tests.rule_rows import artworks_where, assert_selects_some_not_all, ids, moment

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def artworks(user, other_user, now):
    """Every mix of creator, visibility, age and freshness window, with each boundary
    exactly, a second inside and a second outside."""
    start = rules.pool_start(now)
    made = []
    for creator, public, created_at, fresh_until in itertools.product(
        (None, user, other_user),
        (True, False),
        (start - SECOND, start, start + SECOND, now),
        (None, now - SECOND, now, now + SECOND),
    ):
        if creator is None and fresh_until is not None:
            continue  # only generated artworks are fresh, and they have a creator
        origin = Artwork.Origin.POOL if creator is None else Artwork.Origin.GENERATED
        made.append(
            Artwork(
                title=f"made {len(made)}",
                image="art/x.svg",
                origin=origin,
                created_by=creator,
                is_public=public,
                created_at=created_at,
                fresh_until=fresh_until,
            )
        )
    return Artwork.objects.bulk_create(made)


@pytest.mark.parametrize("viewer", ["user", "other_user", "anonymous"])
def test_visible_to_and_its_sql_select_the_same_artworks(artworks, viewer, request):
    who = AnonymousUser() if viewer == "anonymous" else request.getfixturevalue(viewer)

    by_orm = ids(Artwork.objects.filter(rules.visible_to(who)))

    assert_selects_some_not_all(by_orm, artworks)
    assert artworks_where(rules.visible_to_sql(), [who.pk]) == by_orm
    assert ids(Artwork.objects.visible_to(who)) == by_orm


@pytest.mark.parametrize("viewer", ["user", "other_user"])
def test_in_fresh_window_and_its_sql_and_its_check_select_the_same_artworks(
    artworks, viewer, now, request
):
    who = request.getfixturevalue(viewer)

    by_orm = ids(Artwork.objects.filter(rules.in_fresh_window(who, now=now)))

    assert_selects_some_not_all(by_orm, artworks)
    assert artworks_where(rules.in_fresh_window_sql(), [who.pk, moment(now)]) == by_orm
    in_hand = Artwork.objects.all()
    assert ids(a for a in in_hand if rules.is_in_fresh_window(a, who, now=now)) == by_orm


def test_in_pool_and_its_sql_select_the_same_artworks(artworks, now):
    by_orm = ids(Artwork.objects.filter(rules.in_pool(now=now)))

    assert_selects_some_not_all(by_orm, artworks)
    assert artworks_where(rules.in_pool_sql(), [moment(rules.pool_start(now))]) == by_orm


def test_the_pool_starts_max_age_before_now_excluded(artworks, now, settings):
    at_edge = Artwork.objects.filter(created_at=now - settings.ARTFEED_POOL_MAX_AGE)

    assert at_edge.exists()
    assert not at_edge.filter(rules.in_pool(now=now)).exists()
