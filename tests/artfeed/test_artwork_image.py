from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import SVG, ArtworkFactory, GeneratedArtworkFactory

pytestmark = pytest.mark.django_db


def test_it_serves_the_image_with_long_lived_cache_headers(alice_client):
    art = ArtworkFactory()

    response = alice_client.get(f"/artworks/{art.pk}/image")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"".join(response.streaming_content) == SVG
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_someone_elses_private_image_is_404(alice_client, other_user):
    art = GeneratedArtworkFactory(created_by=other_user)

    assert alice_client.get(f"/artworks/{art.pk}/image").status_code == 404


def test_my_private_image_is_served(alice_client, user):
    art = GeneratedArtworkFactory(created_by=user)

    assert alice_client.get(f"/artworks/{art.pk}/image").status_code == 200


def test_it_needs_a_login():
    art = ArtworkFactory()

    assert Client().get(f"/artworks/{art.pk}/image").status_code == 302


def test_a_missing_file_is_404_not_500(alice_client):
    art = ArtworkFactory()
    art.image.storage.delete(art.image.name)

    assert alice_client.get(f"/artworks/{art.pk}/image").status_code == 404
