"""``POST /artworks/<id>/vote/``: likes and dislikes, and what they change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from display.feed import next_frames
from display.models import Vote
from display.votes import style_weights
from tests.factories import (
    ArtworkFactory,
    GeneratedArtworkFactory,
    ImpressionFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def url(artwork) -> str:
    return f"/artworks/{artwork.pk}/vote/"


def vote(client: Client, artwork, value: object):
    return client.post(url(artwork), {"value": value}, content_type="application/json")


def test_the_url_is_the_contract():
    art = ArtworkFactory.build()

    assert reverse("artworks:vote", args=[art.pk]) == url(art)


def test_a_like_is_recorded(alice_client, user):
    art = ArtworkFactory()

    response = vote(alice_client, art, 1)

    assert response.status_code == 200
    assert response.json() == {"artwork_id": str(art.pk), "value": 1}
    assert Vote.objects.get(user=user, artwork=art).value == 1


def test_a_new_vote_replaces_the_old_one_and_zero_clears_it(alice_client, user):
    art = ArtworkFactory()

    vote(alice_client, art, 1)
    vote(alice_client, art, -1)
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]

    vote(alice_client, art, 0)
    assert not Vote.objects.exists()


def test_a_form_post_works_too(alice_client, user):
    art = ArtworkFactory()

    response = alice_client.post(url(art), {"value": "-1"})

    assert response.status_code == 200
    assert Vote.objects.get(user=user, artwork=art).value == -1


def test_an_artwork_the_user_may_not_see_is_404(alice_client, other_user):
    private = GeneratedArtworkFactory(created_by=other_user)

    response = vote(alice_client, private, 1)

    assert response.status_code == 404
    assert "no artwork" in response.json()["error"]
    assert not Vote.objects.exists()


def test_an_unknown_artwork_is_404(alice_client):
    response = vote(alice_client, ArtworkFactory.build(), 1)

    assert response.status_code == 404


@pytest.mark.parametrize("value", [2, "like", "", None, True, 1.5])
def test_a_bad_value_is_400_and_changes_nothing(alice_client, value):
    art = ArtworkFactory()

    response = vote(alice_client, art, value)

    assert response.status_code == 400
    assert "value must be 1 (like), -1 (dislike) or 0 (clear)" in response.json()["error"]
    assert not Vote.objects.exists()


def test_it_needs_a_login_a_post_and_a_csrf_token(csrf_client):
    art = ArtworkFactory()

    assert Client().post(url(art), {"value": 1}).status_code == 401
    assert csrf_client.get(url(art)).status_code == 405
    assert csrf_client.post(url(art), {"value": 1}).status_code == 403
    assert not Vote.objects.exists()


class TestADislikedArtworkNeverReturns:
    """In no lane: not fresh, not unseen, not rerun, whatever else there is."""

    def frames(self, user) -> list:
        return next_frames(user, screen="tv", limit=10)

    def test_from_the_fresh_lane(self, alice_client, user):
        mine = GeneratedArtworkFactory(created_by=user)
        vote(alice_client, mine, -1)

        assert mine.pk not in [f.artwork.pk for f in self.frames(user)]

    def test_from_the_unseen_lane(self, alice_client, user):
        disliked, other = ArtworkFactory(), ArtworkFactory()
        vote(alice_client, disliked, -1)

        assert [f.artwork.pk for f in self.frames(user)] == [other.pk]

    def test_from_the_rerun_lane(self, alice_client, user):
        long_ago = timezone.now() - timedelta(days=30)
        disliked = ArtworkFactory(created_at=long_ago)
        ImpressionFactory(user=user, artwork=disliked, viewed_at=long_ago)
        vote(alice_client, disliked, -1)

        # The only artwork there is: the screen shows nothing rather than it.
        assert self.frames(user) == []


def test_liked_artworks_lead_the_rerun_lane(alice_client, user):
    seen = timezone.now() - timedelta(days=30)
    older, liked = ArtworkFactory(created_at=seen), ArtworkFactory(created_at=seen)
    ImpressionFactory(user=user, artwork=older, viewed_at=seen)
    ImpressionFactory(user=user, artwork=liked, viewed_at=seen + timedelta(hours=1))
    vote(alice_client, liked, 1)

    frames = next_frames(user, screen="tv", limit=2)

    assert [(f.artwork.pk, f.lane) for f in frames] == [(liked.pk, "rerun"), (older.pk, "rerun")]


def test_style_weights_are_likes_minus_dislikes_floored_at_zero(user, django_assert_num_queries):
    for style, value in [("rings", 1), ("rings", 1), ("waves", 1), ("waves", -1), ("mosaic", -1)]:
        VoteFactory(user=user, artwork__style=style, value=value)
    VoteFactory(artwork__style="aurora", value=1)  # someone else's

    with django_assert_num_queries(1):
        weights = style_weights(user)

    assert weights == {"rings": 2.0, "waves": 0.0, "mosaic": 0.0}


@pytest.mark.parametrize(
    "body",
    ['{"value": ' + "9" * 5000 + "}", "[" * 1000 + "]" * 1000, '{"value": 1, "value": -1}'],
)
def test_hostile_json_is_a_400_with_a_message(alice_client, body):
    art = ArtworkFactory()

    response = alice_client.post(url(art), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_limit_is_a_json_413(alice_client, content_type):
    art = ArtworkFactory()

    response = alice_client.post(url(art), "value=" + "1" * 300_000, content_type=content_type)

    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_failed_csrf_check_is_json_whatever_the_client_accepts(csrf_client, content_type):
    art = ArtworkFactory()

    response = csrf_client.post(
        url(art), "value=1", content_type=content_type, headers={"Accept": "text/html"}
    )

    assert response.status_code == 403
    assert "CSRF check failed" in response.json()["error"]
