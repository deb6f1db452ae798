from __future__ import annotations

from datetime import timedelta

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
