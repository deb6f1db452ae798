from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from impressions.models import Impression
from tests.factories import ArtworkFactory, GeneratedArtworkFactory, ImpressionFactory

pytestmark = pytest.mark.django_db
URL = "/api/impressions/"


def post_json(client: Client, payload: object, **extra) -> object:
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **extra)


def csrf_token_of(client: Client) -> str:
    """Open the display like a browser does, which sets the CSRF cookie."""
    client.get(reverse("display:page"))
    return client.cookies["csrftoken"].value


def test_the_url_is_the_contract():
    assert reverse("impressions:batch") == URL


def test_it_records_a_shown_frame(alice_client, user):
    art = ArtworkFactory()

    response = post_json(alice_client, {"artwork_ids": [str(art.pk)]})

    assert response.status_code == 200
    assert response.json() == {"attempted": 1, "upserted": 1, "ids": [str(art.pk)], "rejected": []}
    impression = Impression.objects.get(user=user, artwork=art)
    assert impression.source == "displayed"
    assert impression.first_viewed_at == impression.viewed_at


def test_a_new_view_refreshes_viewed_at_and_keeps_the_first_view(alice_client, user):
    art = ArtworkFactory()
    old = ImpressionFactory(user=user, artwork=art, viewed_at=art.created_at)

    post_json(alice_client, {"artwork_ids": [str(art.pk)]})

    impression = Impression.objects.get(pk=old.pk)
    assert impression.viewed_at > old.viewed_at
    assert impression.first_viewed_at == old.first_viewed_at
    assert Impression.objects.count() == 1


def test_duplicates_in_a_batch_count_once(alice_client):
    art = ArtworkFactory()

    response = post_json(alice_client, {"artwork_ids": [str(art.pk)] * 3})

    assert response.json()["attempted"] == 1
    assert Impression.objects.count() == 1


def test_unknown_and_private_artworks_are_rejected_not_errors(alice_client, other_user):
    mine = ArtworkFactory()
    bobs = GeneratedArtworkFactory(created_by=other_user)
    unknown = uuid.uuid4()

    response = post_json(alice_client, {"artwork_ids": [str(mine.pk), str(bobs.pk), str(unknown)]})

    assert response.status_code == 200
    assert response.json() == {
        "attempted": 3,
        "upserted": 1,
        "ids": [str(mine.pk)],
        "rejected": [str(bobs.pk), str(unknown)],
    }
    assert list(Impression.objects.values_list("artwork_id", flat=True)) == [mine.pk]


def test_my_own_private_artwork_is_recorded(alice_client, user):
    mine = GeneratedArtworkFactory(created_by=user)

    assert post_json(alice_client, {"artwork_ids": [str(mine.pk)]}).json()["upserted"] == 1


def test_it_takes_form_data_repeated_or_comma_separated(alice_client):
    a, b, c = ArtworkFactory(), ArtworkFactory(), ArtworkFactory()

    response = alice_client.post(URL, {"artwork_ids": [f"{a.pk},{b.pk}", str(c.pk)]})

    assert response.status_code == 200
    assert response.json()["upserted"] == 3


def test_a_beacon_shaped_multipart_post_with_the_token_passes_csrf(csrf_client):
    art = ArtworkFactory()
    token = csrf_token_of(csrf_client)

    # sendBeacon(url, FormData) posts multipart/form-data with no CSRF header.
    response = csrf_client.post(URL, {"artwork_ids": str(art.pk), "csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert Impression.objects.count() == 1


def test_json_with_the_csrf_header_passes(csrf_client):
    art = ArtworkFactory()
    token = csrf_token_of(csrf_client)

    response = post_json(csrf_client, {"artwork_ids": [str(art.pk)]}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200


def test_it_answers_a_missing_csrf_token_with_json_403(csrf_client):
    art = ArtworkFactory()

    response = post_json(csrf_client, {"artwork_ids": [str(art.pk)]})

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    assert not Impression.objects.exists()


def test_it_answers_anonymous_callers_with_json_401():
    art = ArtworkFactory()

    response = post_json(Client(enforce_csrf_checks=True), {"artwork_ids": [str(art.pk)]})

    assert response.status_code == 401
    assert "Log in" in response.json()["error"]
    assert not Impression.objects.exists()


def test_it_rejects_get_with_405(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "POST" in response.json()["error"]


def test_more_than_the_batch_max_of_distinct_ids_is_413(alice_client, settings):
    ids = [str(uuid.uuid4()) for _ in range(settings.ARTFEED_BATCH_MAX + 1)]

    response = post_json(alice_client, {"artwork_ids": ids})

    assert response.status_code == 413
    assert str(settings.ARTFEED_BATCH_MAX) in response.json()["error"]


def test_the_batch_max_counts_distinct_ids(alice_client, settings):
    art = ArtworkFactory()

    response = post_json(
        alice_client, {"artwork_ids": [str(art.pk)] * (settings.ARTFEED_BATCH_MAX + 5)}
    )

    assert response.status_code == 200


def test_an_oversized_body_is_refused_before_it_is_read(alice_client):
    response = alice_client.generic(
        "POST", URL, b"x" * 10, content_type="application/json", CONTENT_LENGTH="10000000"
    )

    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("{not json", "application/json", "not valid JSON"),
        ('["a"]', "application/json", "Expected a JSON object"),
        ('{"ids": []}', "application/json", "Expected a JSON object"),
        ('{"artwork_ids": "abc"}', "application/json", "must be a list"),
        ('{"artwork_ids": [42]}', "application/json", "artwork_ids[0] is not a string"),
        ('{"artwork_ids": ["nope"]}', "application/json", "artwork_ids[0] is not an artwork id"),
        ('{"artwork_ids": []}', "application/json", "No artwork_ids"),
        ("artwork_ids=zzz", "application/x-www-form-urlencoded", "not an artwork id"),
        ("artwork_ids=", "application/x-www-form-urlencoded", "No artwork_ids"),
        ("", "", "Unsupported content type"),
        ("hello", "text/plain", "Unsupported content type"),
        (b"\xff\xfe", "application/json", "not valid JSON"),
    ],
)
def test_malformed_batches_are_400_with_a_message_and_change_nothing(
    alice_client, body, content_type, message
):
    ArtworkFactory()

    response = alice_client.generic("POST", URL, body, content_type=content_type)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Impression.objects.exists()


def test_a_200_id_batch_costs_the_same_queries_whatever_the_history(alice_client, user):
    """One upsert for the batch, no per-row loop, no growth with past impressions."""
    counts = []
    for history in (0, 150):
        for art in [ArtworkFactory() for _ in range(history)]:
            ImpressionFactory(user=user, artwork=art)
        batch = [str(ArtworkFactory().pk) for _ in range(200)]
        with CaptureQueriesContext(connection) as captured:
            response = post_json(alice_client, {"artwork_ids": batch})
        assert response.json()["upserted"] == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert counts[0] <= 10
