"""Publishing and unpublishing artworks in bulk from the admin, and what every screen
sees next."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artfeed.models import Artwork
from display.feed import next_frames
from impressions.models import SeenSpan
from impressions.services import record_impressions
from tests.factories import ArtworkFactory, GeneratedArtworkFactory, UserFactory

pytestmark = pytest.mark.django_db
ARTWORKS = reverse("admin:artfeed_artwork_changelist")


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


def staff_client(*permissions: str) -> Client:
    operator = UserFactory(username="moderator", is_staff=True)
    for codename in permissions:
        operator.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(operator)
    return client


def act(client: Client, action: str, *artworks: Artwork, confirm: bool = False):
    data = {"action": action, "_selected_action": [str(a.pk) for a in artworks]}
    if confirm:
        data["post"] = "yes"
    return client.post(ARTWORKS, data)


def public(*artworks: Artwork) -> list[bool]:
    return [Artwork.objects.get(pk=a.pk).is_public for a in artworks]


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def hidden(title: str = "hidden", **kwargs) -> Artwork:
    """A private artwork nobody created: visible to no one until published."""
    return ArtworkFactory(title=title, **{"is_public": False, "origin": "imported", **kwargs})


class TestPublishAction:
    def test_it_lists_what_changes_and_what_it_does_then_publishes(self, admin_client):
        recent, old = hidden("recent", created_at=hours_ago(2)), hidden("old")
        old.created_at = timezone.now() - timedelta(days=30)
        old.save(update_fields=["created_at"])
        already = ArtworkFactory(title="already")

        page = act(admin_client, "publish", recent, old, already)

        html = page.content.decode()
        assert page.status_code == 200
        assert "These 2 artworks join the shared pool" in html
        assert "unseen lane of everyone" in html
        assert "reruns only (older than the pool window)" in html
        assert "Already public, left as they are:\n  already." in html
        assert 'value="Yes, publish 2"' in html
        assert public(recent, old) == [False, False]  # nothing changed yet

        done = act(admin_client, "publish", recent, old, already, confirm=True)

        assert done.status_code == 302
        assert public(recent, old, already) == [True, True, True]
        assert flashed(done) == ["Published 2 artworks; the others already were."]
        logged = LogEntry.objects.filter(change_message="Published.")
        assert {entry.object_repr for entry in logged} == {"recent", "old"}

    def test_unpublishing_says_who_still_sees_each_then_unpublishes(self, admin_client):
        bob = UserFactory(username="bob")
        pool = ArtworkFactory(title="pool art")
        made = GeneratedArtworkFactory(title="bob's", created_by=bob, is_public=True)

        html = act(admin_client, "unpublish", pool, made).content.decode()
        done = act(admin_client, "unpublish", pool, made, confirm=True)

        assert "These 2 artworks leave the shared pool" in html
        assert "nobody's screens" in html
        assert "only bob's screens" in html
        assert public(pool, made) == [False, False]
        assert flashed(done) == ["Unpublished 2 artworks."]

    def test_with_nothing_to_change_it_says_so_and_offers_no_button(self, admin_client):
        art = ArtworkFactory(title="already")

        html = act(admin_client, "publish", art).content.decode()

        assert "Nothing to change: every selected artwork is public already." in html
        assert "Yes, publish" not in html

    def test_its_queries_do_not_grow_with_the_selection(self, admin_client):
        def queries(count: int) -> int:
            art = [hidden(f"h{count}-{i}") for i in range(count)]
            with CaptureQueriesContext(connection) as captured:
                act(admin_client, "publish", *art, confirm=True)
            assert all(public(*art))
            return len(captured)

        assert queries(2) == queries(20)

    def test_staff_with_the_change_permission_may_publish(self):
        client = staff_client("view_artwork", "change_artwork")
        art = hidden()

        assert b"Publish selected artworks" in client.get(ARTWORKS).content
        act(client, "publish", art, confirm=True)

        assert public(art) == [True]

    @pytest.mark.parametrize("action", ["publish", "unpublish"])
    def test_staff_without_it_are_not_offered_it_and_cannot_post_it(self, action):
        client = staff_client("view_artwork")
        art = hidden(is_public=action == "unpublish")
        before = public(art)

        listing = client.get(ARTWORKS).content
        page = act(client, action, art)
        act(client, action, art, confirm=True)

        assert b"ublish selected artworks" not in listing
        assert b"leave the shared pool" not in page.content
        assert b"join the shared pool" not in page.content
        assert public(art) == before


class TestVisibilityFilter:
    @pytest.mark.parametrize(
        ("query", "listed"),
        [("visibility=public", {"shown"}), ("visibility=private", {"hidden"}), ("", None)],
    )
    def test_it_lists_public_or_private_artworks(self, admin_client, query, listed):
        ArtworkFactory(title="shown")
        hidden()

        response = admin_client.get(f"{ARTWORKS}?{query}")

        assert response.status_code == 200
        titles = {a.title for a in response.context["cl"].result_list}
        assert titles == (listed or {"shown", "hidden"})
        assert b"Private (creator only)" in response.content


class TestScreensFollowAtOnce:
    """Publishing and unpublishing change what every screen is given next, at once."""

    @pytest.fixture
    def pool(self):
        return [ArtworkFactory(title=f"pool {i}", created_at=hours_ago(i + 1)) for i in range(6)]

    def unseen(self, user, **kwargs) -> list[Artwork]:
        """The unseen lane as one screen starting over would be given it."""
        frames = next_frames(user, screen="tv", limit=20, restart=True, **kwargs)
        return [frame.artwork for frame in frames if frame.lane == "unseen"]

    def test_a_published_older_artwork_reaches_the_unseen_lane_of_everyone_at_once(
        self, admin_client, pool
    ):
        older = hidden(created_at=hours_ago(4.5))  # older than most of the pool
        newcomer, halfway = UserFactory(username="newcomer"), UserFactory(username="halfway")
        record_impressions(user=halfway, artwork_ids=[a.pk for a in pool[:3]])
        assert all(older not in self.unseen(u) for u in (newcomer, halfway))

        act(admin_client, "publish", older, confirm=True)

        assert [a.title for a in self.unseen(newcomer)] == [
            "pool 0", "pool 1", "pool 2", "pool 3", "hidden", "pool 4", "pool 5",
        ]  # fmt: skip
        assert [a.title for a in self.unseen(halfway)] == ["pool 3", "hidden", "pool 4", "pool 5"]

    def test_a_published_artwork_inside_a_seen_span_reaches_the_unseen_lane_at_once(
        self, admin_client, pool
    ):
        older = hidden(created_at=hours_ago(3.5))
        watcher = UserFactory(username="watcher")
        record_impressions(user=watcher, artwork_ids=[a.pk for a in pool])
        span = SeenSpan.objects.get(user=watcher)
        assert span.oldest < older.created_at < span.newest  # the span covers it
        assert [f.lane for f in next_frames(watcher, screen="tv")] == ["rerun"]

        act(admin_client, "publish", older, confirm=True)

        frames = next_frames(watcher, screen="other")
        assert [(f.artwork, f.lane) for f in frames] == [(older, "unseen")]

    def test_an_unpublished_artwork_leaves_every_screens_next_choice_at_once(
        self, admin_client, pool
    ):
        newest = ArtworkFactory(title="newest", created_at=hours_ago(0.1))
        alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
        record_impressions(user=bob, artwork_ids=[a.pk for a in pool])  # bob has a span
        for user in (alice, bob):
            assert next_frames(user, screen="hall")[0].artwork == newest  # the next choice

        act(admin_client, "unpublish", newest, confirm=True)

        later = timezone.now() + timedelta(minutes=10)  # the hall's lease has run out
        for user in (alice, bob):
            for screen in ("hall", "kitchen"):
                (frame,) = next_frames(user, screen=screen, now=later)
                assert frame.artwork != newest

    def test_an_unpublished_artwork_stays_on_its_creators_screens_only(self, admin_client, pool):
        alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
        mine = GeneratedArtworkFactory(
            created_by=alice, is_public=True, created_at=hours_ago(0.1), fresh_until=None
        )

        act(admin_client, "unpublish", mine, confirm=True)

        assert mine in self.unseen(alice)
        assert mine not in self.unseen(bob)
