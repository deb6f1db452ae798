from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from artfeed.models import Artwork

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_user_and_a_varied_public_pool():
    output = seed()

    assert "Log in as: demo / password: artfeed-demo" in output
    assert authenticate(username="demo", password="artfeed-demo") is not None
    pool = Artwork.objects.all()
    assert pool.count() >= 60
    assert all(a.is_public and a.origin == "pool" for a in pool)
    assert pool.values("style").distinct().count() >= 6
    assert len({a.content_hash for a in pool}) == pool.count()
    assert pool.first().image.read().startswith(b"<")


def test_running_it_twice_creates_nothing_new():
    seed("--artworks", "8")

    output = seed("--artworks", "8")

    assert "0 new, 8 artworks" in output
    assert Artwork.objects.count() == 8


@pytest.mark.parametrize("count", ["0", "-1", "100000"])
def test_a_bad_pool_size_is_refused_and_changes_nothing(count):
    with pytest.raises(CommandError, match="--artworks"):
        seed("--artworks", count)

    assert not Artwork.objects.exists()
