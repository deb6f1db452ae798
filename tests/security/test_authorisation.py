"""Users are kept apart: whatever alice asks for, she never sees, records or acts on
bob's private artworks; anonymous callers reach nothing but the public doors, and only
staff reach the admin. Rows come from tests/security/endpoints.py."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import ArtworkFactory, GeneratedArtworkFactory, UserFactory
from tests.security.endpoints import ENDPOINTS, Endpoint
from tests.security.state import database_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(other_user):
    """Bob's newest, fresh, private artwork: the first thing his own screens show."""
    return GeneratedArtworkFactory(created_by=other_user, title="bob's secret")


def call(client: Client, endpoint: Endpoint, artwork) -> object:
    method = next(m for m in endpoint.methods if m != "HEAD")
    return client.generic(
        method,
        endpoint.path(artwork.pk),
        endpoint.body_for(artwork.pk),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.takes_artwork], ids=lambda e: e.route
)
def test_alice_cannot_see_or_act_on_bobs_private_artwork(alice_client, secret, endpoint):
    ArtworkFactory()  # something public, so the site is not empty
    before = database_state()

    response = call(alice_client, endpoint, secret)

    assert response.status_code in (200, 403, 404)
    if response.status_code == 200:
        assert str(secret.pk) not in json.loads(response.content).get("ids", [])
        assert str(secret.pk) in json.loads(response.content).get("rejected", [])
    assert database_state() == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.shows_art], ids=lambda e: e.route)
def test_nothing_alice_is_shown_is_bobs_private_artwork(alice_client, secret, endpoint):
    public = ArtworkFactory()

    responses = [
        alice_client.get(endpoint.path(artwork.pk) + "?screen=tv", headers={"HX-Request": "true"})
        for artwork in (public, secret)
    ] * 2

    for response in responses:
        assert str(secret.pk).encode() not in b"".join(
            response.streaming_content if response.streaming else [response.content]
        )


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.access != "anyone"], ids=lambda e: e.route
)
def test_anonymous_callers_are_sent_to_log_in(endpoint):
    art = ArtworkFactory()
    before = database_state()

    response = call(Client(), endpoint, art)

    if endpoint.api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert database_state() == before


@pytest.mark.parametrize("path", ["/admin/", "/admin/artfeed/artwork/", "/admin/auth/user/"])
def test_only_staff_reach_the_admin(alice_client, path):
    response = alice_client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.access == "staff"], ids=lambda e: e.route
)
def test_only_staff_reach_staff_endpoints(alice_client, endpoint):
    response = alice_client.get(endpoint.path())

    assert response.status_code in (302, 403, 404)


def test_staff_do_reach_the_admin():
    client = Client()
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))

    assert client.get("/admin/").status_code == 200
