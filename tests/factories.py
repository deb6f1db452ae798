from __future__ import annotations

import zlib
from datetime import datetime, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from artfeed.models import Artwork
from display.models import Vote
from impressions.models import Impression

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9">'
    b'<rect width="16" height="9" fill="#c96"/></svg>'
)
# The shape of a JPEG and a WebP (markers and chunk headers), enough to be told apart.
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
WEBP_BYTES = b"RIFF" + (26).to_bytes(4, "little") + b"WEBPVP8L" + b"\x0e\x00\x00\x00" + b"\x00" * 14


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"viewer{n}")
    password = factory.django.Password("correct horse battery staple")


class ArtworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artwork

    title = factory.Sequence(lambda n: f"Artwork {n}")
    prompt = "a quiet harbour"
    style = "waves"
    origin = Artwork.Origin.POOL
    is_public = True
    image = factory.django.FileField(data=SVG, filename="art.svg")
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))


class GeneratedArtworkFactory(ArtworkFactory):
    origin = Artwork.Origin.GENERATED
    is_public = False
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    fresh_until = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=15))


class ImpressionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Impression

    user = factory.SubFactory(UserFactory)
    artwork = factory.SubFactory(ArtworkFactory)
    viewed_at = factory.LazyFunction(timezone.now)
    first_viewed_at = factory.SelfAttribute("viewed_at")


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    user = factory.SubFactory(UserFactory)
    artwork = factory.SubFactory(ArtworkFactory)
    value = Vote.Value.UP


def png_bytes() -> bytes:
    """A real 1x1 PNG (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xc0\x60\x30")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def generated_earlier(user, count: int, *, before: datetime | None = None) -> None:
    """``count`` artworks ``user`` generated just before ``before`` (default now): rows
    only, no files, in one statement (the daily quota counts rows)."""
    before = before or timezone.now()
    Artwork.objects.bulk_create(
        Artwork(
            title=f"earlier {i}",
            image="art/earlier.svg",
            origin=Artwork.Origin.GENERATED,
            is_public=False,
            created_by=user,
            created_at=before - timedelta(milliseconds=i + 1),
        )
        for i in range(count)
    )
