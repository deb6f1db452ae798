"""Uploading an artwork in the admin: checked like an import, hashed, then immutable."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from artfeed.images import content_digest
from artfeed.models import Artwork
from tests.factories import ArtworkFactory, png_bytes

pytestmark = pytest.mark.django_db

ADD = "/admin/artfeed/artwork/add/"


def form(**fields: object) -> dict:
    return {"title": "Uploaded", "origin": "imported", "is_public": "on", **fields}


def test_an_uploaded_image_is_stored_with_its_content_hash(admin_client):
    upload = SimpleUploadedFile("picture.jpeg", png_bytes(), content_type="image/jpeg")

    response = admin_client.post(ADD, form(image=upload))

    assert response.status_code == 302, response.content.decode()[:2000]
    art = Artwork.objects.get()
    assert art.content_hash == content_digest(png_bytes())
    assert art.image.name.endswith(f"{art.pk.hex}.png")  # named by its bytes, not its name
    assert art.image.read() == png_bytes()


def test_the_add_form_starts_as_an_import(admin_client):
    html = admin_client.get(ADD).content.decode()

    assert '<option value="imported" selected>' in html
    assert 'type="file" name="image"' in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image", "This file is not a PNG, JPEG, WebP or SVG image."),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', "event handler"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u\\72l(//x.example)"/></svg>',
         "CSS escape"),
        (b'<?xml-stylesheet href="//x.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
         "processing instruction"),
    ],
)
def test_a_bad_upload_is_refused_with_the_reason(admin_client, content, message):
    upload = SimpleUploadedFile("art.svg", content)

    response = admin_client.post(ADD, form(image=upload))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Artwork.objects.exists()


def test_a_generated_artwork_needs_its_maker(admin_client):
    upload = SimpleUploadedFile("art.png", png_bytes())

    response = admin_client.post(ADD, form(image=upload, origin="generated"))

    assert "A generated artwork needs the user who made it." in response.content.decode()
    assert not Artwork.objects.exists()


def test_the_image_cannot_change_once_added(admin_client):
    art = ArtworkFactory()

    html = admin_client.get(f"/admin/artfeed/artwork/{art.pk}/change/").content.decode()

    assert 'type="file" name="image"' not in html
