from __future__ import annotations

import json
import logging
import uuid
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from impressions.models import Impression, SeenSpan
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


def test_any_spelling_of_an_id_is_answered_in_its_canonical_form(alice_client, user):
    art = ArtworkFactory()
    spellings = [str(art.pk).upper(), f"{{{art.pk}}}", f"urn:uuid:{art.pk}", art.pk.hex]

    response = post_json(alice_client, {"artwork_ids": [*spellings, str(uuid.UUID(int=7))]})

    assert response.json() == {
        "attempted": 2,
        "upserted": 1,
        "ids": [str(art.pk)],
        "rejected": [str(uuid.UUID(int=7))],
    }
    assert Impression.objects.filter(user=user, artwork=art).count() == 1


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


def test_a_full_beacon_of_the_batch_max_fits_under_the_body_limit(csrf_client, settings):
    """The recorder's exit beacon carries up to ARTFEED_BATCH_MAX ids in one field."""
    settings.ARTFEED_BATCH_MAX = 50
    ids = [str(ArtworkFactory().pk) for _ in range(50)]
    token = csrf_token_of(csrf_client)

    response = csrf_client.post(URL, {"artwork_ids": ",".join(ids), "csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert response.json()["upserted"] == 50


def test_a_beacon_without_the_token_is_json_403(csrf_client):
    art = ArtworkFactory()
    csrf_token_of(csrf_client)

    response = csrf_client.post(URL, {"artwork_ids": str(art.pk)})

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    assert not Impression.objects.exists()


def test_an_unreadable_multipart_body_is_400_with_a_message(alice_client):
    response = alice_client.generic("POST", URL, b"garbage", content_type="multipart/form-data")

    assert response.status_code == 400
    assert "form data could not be read" in response.json()["error"]


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


ID_A = "0f8fad5b-d9cb-469f-a165-70867728950e"
ID_B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("{not json", "application/json", "not valid JSON"),
        ('["a"]', "application/json", "Expected a JSON object"),
        ('{"ids": []}', "application/json", "artwork_ids is required"),
        ('{"artwork_ids": "abc"}', "application/json", "must be a list"),
        ('{"artwork_ids": [42]}', "application/json", "artwork_ids[0] must be text"),
        ('{"artwork_ids": ["nope"]}', "application/json", "artwork_ids[0] is not an artwork id"),
        # Two ids in one item, which a batch read in one match must not take for two.
        (
            f'{{"artwork_ids": ["{ID_A}", "{ID_A},{ID_B}"]}}',
            "application/json",
            "artwork_ids[1] is not an artwork id",
        ),
        (
            f'{{"artwork_ids": ["{ID_A}", "{ID_B}", "{ID_A}\\u0007"]}}',
            "application/json",
            "artwork_ids[2] must be plain text: it holds the control character U+0007",
        ),
        ('{"artwork_ids": []}', "application/json", "No artwork_ids"),
        ("artwork_ids=zzz", "application/x-www-form-urlencoded", "not an artwork id"),
        ("artwork_ids=", "application/x-www-form-urlencoded", "No artwork_ids"),
        ("", "", "Unsupported content type"),
        ("hello", "text/plain", "Unsupported content type"),
        (b"\xff\xfe", "application/json", "not UTF-8 text"),
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


def test_the_seen_span_grows_over_a_batch_once_it_is_answered(alice_client, user):
    older, newer = ArtworkFactory(), ArtworkFactory()

    response = post_json(alice_client, {"artwork_ids": [str(newer.pk), str(older.pk)]})

    assert response.status_code == 200
    span = SeenSpan.objects.get(user=user)
    assert (span.oldest, span.newest) == (older.created_at, newer.created_at)


def test_a_span_that_fails_to_grow_leaves_the_answer_and_the_next_batch_grows_it(
    alice_client, user, caplog
):
    older, newer = ArtworkFactory(), ArtworkFactory()
    down = OperationalError("server closed the connection unexpectedly")

    with mock.patch("impressions.services.grow_seen_span", side_effect=down):
        response = post_json(alice_client, {"artwork_ids": [str(older.pk)]})

    assert response.status_code == 200
    assert response.json()["upserted"] == 1
    assert Impression.objects.filter(user=user, artwork=older).exists()
    assert not SeenSpan.objects.filter(user=user).exists()  # smaller (here none): no lie
    assert "The work after an answer failed" in caplog.text

    post_json(alice_client, {"artwork_ids": [str(newer.pk)]})
    span = SeenSpan.objects.get(user=user)
    assert (span.oldest, span.newest) == (older.created_at, newer.created_at)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_outage_is_503_with_retry_after_and_a_logged_cause(
    alice_client, user, caplog, error
):
    art = ArtworkFactory()
    outage = error("connection to server at 10.0.0.5 failed: Connection refused")

    with mock.patch("impressions.views.record_impressions", side_effect=outage):
        response = post_json(alice_client, {"artwork_ids": [str(art.pk), str(uuid.uuid4())]})

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "unavailable" in response.json()["error"]
    assert not Impression.objects.exists()
    [line] = [r for r in caplog.records if r.name == "impressions.batch"]
    assert line.levelno == logging.ERROR
    message = line.getMessage()
    assert f"user={user.pk}" in message
    assert "attempted=2" in message
    assert "outcome=failed" in message
    assert f'cause="{error.__name__}: connection to server at 10.0.0.5 failed' in message


def test_a_database_down_before_the_view_is_still_503_json(alice_client):
    """The session and the user are loaded from the database too: no 500 page then either."""
    art = ArtworkFactory()
    down = OperationalError("server closed the connection unexpectedly")

    # Every statement, the ORM's and the prepared ones (artfeed.sql), connects first.
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down):
        response = post_json(alice_client, {"artwork_ids": [str(art.pk)]})

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"]


def test_each_batch_writes_one_log_line_with_its_counts(alice_client, user, caplog, other_user):
    caplog.set_level(logging.INFO, logger="impressions.batch")
    mine = ArtworkFactory()
    bobs = GeneratedArtworkFactory(created_by=other_user)

    post_json(alice_client, {"artwork_ids": [str(mine.pk), str(bobs.pk)]})

    [line] = [r.getMessage() for r in caplog.records if r.name == "impressions.batch"]
    assert line.startswith(f"user={user.pk} attempted=2 upserted=1 rejected=1 outcome=ok ")
    assert " via=json " in line
    assert float(line.rsplit("ms=", 1)[1]) >= 0


def test_a_refused_batch_is_logged_as_a_warning_with_its_outcome(caplog):
    response = post_json(Client(), {"artwork_ids": [str(uuid.uuid4())]})

    assert response.status_code == 401
    [line] = [r for r in caplog.records if r.name == "impressions.batch"]
    assert line.levelno == logging.WARNING
    assert line.getMessage().startswith("user=- outcome=unauthenticated status=401 via=json ")
