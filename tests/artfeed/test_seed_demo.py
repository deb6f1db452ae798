from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from artfeed.demo import DEMO_CUTOVER, LEGACY_ARTWORKS, LEGACY_VIEWED
from artfeed.models import Artwork
from impressions.login import needs_login_backfill
from impressions.models import Impression
from impressions.stats import impression_stats

pytestmark = pytest.mark.django_db
User = get_user_model()


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

    assert "0 new, 20 artworks" in output  # 8 and the legacy user's 12
    assert Artwork.objects.count() == 8 + LEGACY_ARTWORKS


@pytest.mark.parametrize("count", ["0", "-1", "100000"])
def test_a_bad_pool_size_is_refused_and_changes_nothing(count):
    with pytest.raises(CommandError, match="--artworks"):
        seed("--artworks", count)

    assert not Artwork.objects.exists()


class TestTheLegacyUser:
    """Something to try the backfill on: a user and art from before the demo cutover."""

    @pytest.fixture(autouse=True)
    def demo_cutover(self, settings):
        settings.ARTFEED_TRACKING_SINCE = DEMO_CUTOVER  # as make run sets it

    def test_it_is_printed_with_its_password_and_can_log_in(self):
        output = seed("--artworks", "4")

        assert "Log in as: legacy / password: artfeed-legacy" in output
        assert "demo cutover 2026-01-01" in output
        legacy = authenticate(username="legacy", password="artfeed-legacy")
        assert legacy is not None
        assert legacy.date_joined < DEMO_CUTOVER

    def test_some_of_its_views_and_all_its_legacy_art_predate_the_cutover(self):
        seed("--artworks", "4")
        legacy = User.objects.get(username="legacy")

        old_art = Artwork.objects.filter(created_at__lt=DEMO_CUTOVER)
        assert old_art.count() == LEGACY_ARTWORKS
        assert all(a.is_public and a.image.read().startswith(b"<") for a in old_art)
        views = Impression.objects.filter(user=legacy)
        assert views.count() == LEGACY_VIEWED
        assert all(v.viewed_at < DEMO_CUTOVER and v.artwork.created_at < v.viewed_at for v in views)
        untracked = LEGACY_ARTWORKS - LEGACY_VIEWED
        assert impression_stats(user=legacy).legacy_untracked == untracked

    def test_the_walk_through_backfill_brings_legacy_untracked_to_zero(self):
        seed("--artworks", "4")
        legacy = User.objects.get(username="legacy")

        call_command(
            "backfill_impressions", "--user", "legacy", "--before", "2026-01-01", stdout=StringIO()
        )

        assert impression_stats(user=legacy).legacy_untracked == 0
        backfilled = Impression.objects.filter(user=legacy, source="backfill").count()
        assert backfilled == LEGACY_ARTWORKS - LEGACY_VIEWED
        assert not Impression.objects.filter(user__username="demo").exists()

    def test_running_it_again_changes_nothing_of_it(self):
        seed("--artworks", "4")
        legacy = User.objects.get(username="legacy")
        views = list(Impression.objects.filter(user=legacy).values_list("artwork", "viewed_at"))

        output = seed("--artworks", "6")

        assert "2 new, 18 artworks" in output
        assert "legacy / password: artfeed-legacy (unless changed since)" in output
        assert Artwork.objects.filter(created_at__lt=DEMO_CUTOVER).count() == LEGACY_ARTWORKS
        again = list(Impression.objects.filter(user=legacy).values_list("artwork", "viewed_at"))
        assert again == views

    def test_the_demo_user_joined_after_the_cutover_and_is_never_backfilled(self):
        seed("--artworks", "4")

        demo = User.objects.get(username="demo")

        assert demo.date_joined >= DEMO_CUTOVER
        assert not needs_login_backfill(demo)
        assert not needs_login_backfill(User.objects.get(username="legacy"))  # has views
