from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from impressions.backfill import backfill_impressions
from impressions.models import Backfill
from tests.factories import ArtworkFactory, GeneratedArtworkFactory, ImpressionFactory
from tests.impressions.backfill_helpers import CUTOVER, legacy_art

pytestmark = pytest.mark.django_db
URL = "/api/stats/"


def ago(**kwargs: float):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture(autouse=True)
def cutover(settings):
    settings.ARTFEED_TRACKING_SINCE = CUTOVER


def test_the_url_is_the_contract():
    assert reverse("impressions:stats") == URL


def test_it_counts_what_the_feed_holds_for_me(alice_client, user, other_user):
    legacy = legacy_art(3)  # public, before the cutover
    ImpressionFactory(user=user, artwork=legacy[0], viewed_at=ago(days=20))  # tracked, cooled
    recent = ArtworkFactory()
    ImpressionFactory(user=user, artwork=recent, viewed_at=ago(hours=1))  # cooling
    GeneratedArtworkFactory(created_by=user)  # fresh, never shown yet
    shown = GeneratedArtworkFactory(created_by=user)
    ImpressionFactory(user=user, artwork=shown)  # cooling, and out of the fresh lane
    GeneratedArtworkFactory(created_by=user, fresh_until=ago(minutes=1))  # no longer fresh
    GeneratedArtworkFactory(created_by=other_user)  # bob's private art: not mine to see
    ImpressionFactory(user=other_user, artwork=recent)  # bob's views are not mine

    response = alice_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "fresh": 1,
        "storage": 7,  # 3 legacy + recent + my 3 generated
        "legacy_untracked": 2,
        "cooling": 2,
    }


def test_legacy_untracked_is_what_a_backfill_would_write(alice_client, user, settings):
    user.date_joined = CUTOVER - timedelta(days=1)
    user.save()
    legacy_art(4)
    assert alice_client.get(URL).json()["legacy_untracked"] == 4

    backfill_impressions(
        users=get_user_model().objects.filter(pk=user.pk), trigger=Backfill.Trigger.COMMAND
    )

    assert alice_client.get(URL).json()["legacy_untracked"] == 0


def test_nothing_is_legacy_without_a_cutover(alice_client, settings):
    settings.ARTFEED_TRACKING_SINCE = None
    legacy_art(2)

    assert alice_client.get(URL).json()["legacy_untracked"] == 0


def test_cooling_ends_with_the_cooldown(alice_client, user, settings):
    settings.ARTFEED_COOLDOWN = timedelta(days=2)
    ImpressionFactory(user=user, viewed_at=ago(days=1))
    ImpressionFactory(user=user, viewed_at=ago(days=3))

    assert alice_client.get(URL).json()["cooling"] == 1


def test_it_answers_anonymous_callers_with_json_401():
    response = Client().get(URL)

    assert response.status_code == 401
    assert "Log in" in response.json()["error"]


def test_it_rejects_post_with_405(alice_client):
    response = alice_client.post(URL)

    assert response.status_code == 405
    assert response["Allow"] == "GET"


def test_it_costs_the_same_queries_whatever_the_history(
    alice_client, user, django_assert_num_queries
):
    """The session, the user, one pass over the artworks, one over the impressions."""
    for size in (0, 30):
        for art in legacy_art(size):
            ImpressionFactory(user=user, artwork=art)
        with django_assert_num_queries(4):
            assert alice_client.get(URL).status_code == 200
