"""Any view that meets a database outage answers 503 with Retry-After (JSON for the API,
a small page for people), logged with what was asked; never a 500 page."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from artfeed.web.middleware import SessionRenewalMiddleware
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    return fail


def test_the_batch_endpoint_answers_json_503_with_retry_after(
    alice_client, monkeypatch, database_down, caplog
):
    art = ArtworkFactory()
    monkeypatch.setattr("impressions.views.record_impressions", database_down)

    response = alice_client.post(
        "/api/impressions/", {"artwork_ids": [str(art.pk)]}, content_type="application/json"
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "unavailable" in response.json()["error"]
    # The batch view logs its own failure, with the user, the size and the cause.
    assert "outcome=failed status=503" in caplog.text


def test_the_display_answers_a_page_that_retries_by_itself(
    alice_client, monkeypatch, database_down
):
    monkeypatch.setattr("display.views.page.next_frames", database_down)

    response = alice_client.get("/display/next/?screen=tv")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert b"Try again in a few seconds" in response.content
    assert b'http-equiv="refresh"' in response.content


def test_a_lost_connection_counts_as_an_outage_too(alice_client, monkeypatch):
    def gone(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("display.views.page.next_frames", gone)

    assert alice_client.get("/display/next/?screen=tv").status_code == 503


def test_a_session_that_cannot_be_saved_after_the_view_is_a_503(monkeypatch, alice_client):
    ArtworkFactory()
    session = alice_client.session
    session[SessionRenewalMiddleware.STAMP] = "2000-01-01"  # due for renewal: a save
    session.save()

    def fail(self, must_create=False):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", fail)
    response = alice_client.get("/display/next/?screen=tv")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_an_unexpected_error_on_the_api_is_a_json_500_without_details(
    alice_client, monkeypatch, settings
):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise ValueError("secret internals")

    monkeypatch.setattr("impressions.views.record_impressions", broken)
    client = Client(raise_request_exception=False)
    client.cookies = alice_client.cookies
    art = ArtworkFactory()

    response = client.post(
        "/api/impressions/", {"artwork_ids": [str(art.pk)]}, content_type="application/json"
    )

    assert response.status_code == 500
    assert "secret" not in response.json()["error"]
