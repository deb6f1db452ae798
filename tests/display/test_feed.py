from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from display.feed import next_frames
from display.models import Lease, Screen, Vote
from impressions.models import Impression, SeenSpan
from impressions.services import record_impressions
from tests.factories import (
    ArtworkFactory,
    GeneratedArtworkFactory,
    ImpressionFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def _screen_updates() -> tuple[int, int]:
    """This transaction's updates of screen rows so far, and how many were heap-only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
            "WHERE relid = %s::regclass",
            [Screen._meta.db_table],
        )
        return cursor.fetchone()


def ago(**kwargs) -> timezone.datetime:
    return timezone.now() - timedelta(**kwargs)


def titles(frames) -> list[str]:
    return [f.artwork.title for f in frames]


def lanes(frames) -> list[str]:
    return [f.lane for f in frames]


class TestFreshLane:
    def test_my_new_artwork_comes_before_the_pool(self, user):
        ArtworkFactory(title="pool", created_at=ago(seconds=5))
        GeneratedArtworkFactory(title="mine", created_by=user, created_at=ago(minutes=2))

        frames = next_frames(user, screen="tv", limit=2)

        assert titles(frames) == ["mine", "pool"]
        assert lanes(frames) == ["fresh", "unseen"]

    def test_fresh_artworks_come_newest_first(self, user):
        GeneratedArtworkFactory(title="older", created_by=user, created_at=ago(minutes=3))
        GeneratedArtworkFactory(title="newer", created_by=user, created_at=ago(minutes=1))

        assert titles(next_frames(user, screen="tv", limit=2)) == ["newer", "older"]

    def test_it_leaves_the_fresh_lane_once_displayed(self, user):
        mine = GeneratedArtworkFactory(title="mine", created_by=user)
        ImpressionFactory(user=user, artwork=mine)

        assert lanes(next_frames(user, screen="tv")) == ["rerun"]  # nothing else to show

    def test_freshness_ends_at_fresh_until(self, user):
        now = timezone.now()
        GeneratedArtworkFactory(
            title="mine", created_by=user, created_at=now - timedelta(minutes=15), fresh_until=now
        )

        frames = next_frames(user, screen="tv", now=now)

        assert lanes(frames) == ["unseen"]  # still unseen in the pool, but no longer fresh

    def test_a_moment_before_fresh_until_it_is_still_fresh(self, user):
        now = timezone.now()
        GeneratedArtworkFactory(
            created_by=user,
            created_at=now - timedelta(minutes=14),
            fresh_until=now + timedelta(seconds=1),
        )

        assert lanes(next_frames(user, screen="tv", now=now)) == ["fresh"]

    def test_someone_elses_fresh_artwork_is_not_mine(self, user, other_user):
        GeneratedArtworkFactory(title="bob's", created_by=other_user, is_public=True)

        assert lanes(next_frames(user, screen="tv")) == ["unseen"]


class TestUnseenLane:
    def test_it_shows_the_pool_newest_first(self, user):
        ArtworkFactory(title="old", created_at=ago(days=2))
        ArtworkFactory(title="new", created_at=ago(hours=1))
        ArtworkFactory(title="middle", created_at=ago(days=1))

        assert titles(next_frames(user, screen="tv", limit=3)) == ["new", "middle", "old"]

    def test_a_seen_artwork_waits_for_its_cooldown(self, user, settings):
        now = timezone.now()
        seen = ArtworkFactory(title="seen", created_at=now - timedelta(hours=1))
        ArtworkFactory(title="other", created_at=now - timedelta(hours=2))
        ImpressionFactory(
            user=user,
            artwork=seen,
            viewed_at=now - settings.ARTFEED_COOLDOWN + timedelta(seconds=1),
        )

        assert titles(next_frames(user, screen="tv", limit=5, now=now)) == ["other"]

    def test_a_seen_artwork_returns_when_its_cooldown_is_over(self, user, settings):
        now = timezone.now()
        seen = ArtworkFactory(title="seen", created_at=now - timedelta(hours=1))
        ImpressionFactory(user=user, artwork=seen, viewed_at=now - settings.ARTFEED_COOLDOWN)

        frames = next_frames(user, screen="tv", now=now)

        assert titles(frames) == ["seen"]
        assert lanes(frames) == ["unseen"]

    def test_the_pool_window_excludes_older_artworks(self, user, settings):
        now = timezone.now()
        ArtworkFactory(title="edge", created_at=now - settings.ARTFEED_POOL_MAX_AGE)
        ArtworkFactory(
            title="inside", created_at=now - settings.ARTFEED_POOL_MAX_AGE + timedelta(seconds=1)
        )

        frames = next_frames(user, screen="tv", limit=5, now=now)

        assert titles(frames) == ["inside"]

    def test_someone_elses_impressions_do_not_count(self, user, other_user):
        art = ArtworkFactory(title="art")
        ImpressionFactory(user=other_user, artwork=art)

        assert titles(next_frames(user, screen="tv")) == ["art"]

    def test_a_disliked_artwork_is_skipped(self, user):
        disliked = ArtworkFactory(title="disliked", created_at=ago(minutes=1))
        ArtworkFactory(title="fine", created_at=ago(minutes=2))
        VoteFactory(user=user, artwork=disliked, value=Vote.Value.DOWN)

        assert titles(next_frames(user, screen="tv", limit=5)) == ["fine"]


class TestRerunLane:
    def test_when_everything_is_cooling_the_least_recently_seen_returns(self, user):
        for title, hours in [("seen long ago", 30), ("seen lately", 1), ("seen a while ago", 10)]:
            ImpressionFactory(
                user=user, artwork=ArtworkFactory(title=title), viewed_at=ago(hours=hours)
            )

        frames = next_frames(user, screen="tv", limit=3)

        assert titles(frames) == ["seen long ago", "seen a while ago", "seen lately"]
        assert set(lanes(frames)) == {"rerun"}

    def test_liked_artworks_lead_the_rerun(self, user):
        ImpressionFactory(user=user, artwork=ArtworkFactory(title="old"), viewed_at=ago(hours=30))
        liked = ArtworkFactory(title="liked")
        ImpressionFactory(user=user, artwork=liked, viewed_at=ago(hours=1))
        VoteFactory(user=user, artwork=liked, value=Vote.Value.UP)

        assert titles(next_frames(user, screen="tv", limit=2)) == ["liked", "old"]

    def test_a_disliked_artwork_never_reruns(self, user):
        disliked = ArtworkFactory(title="disliked")
        ImpressionFactory(user=user, artwork=disliked, viewed_at=ago(days=3))
        VoteFactory(user=user, artwork=disliked, value=Vote.Value.DOWN)

        assert next_frames(user, screen="tv") == []

    def test_beyond_the_pool_window_old_art_still_fills_the_screen(self, user, settings):
        ArtworkFactory(title="ancient", created_at=ago(days=400))

        frames = next_frames(user, screen="tv")

        assert titles(frames) == ["ancient"]
        assert lanes(frames) == ["rerun"]

    def test_rerun_waits_until_unseen_art_is_gone(self, user):
        ImpressionFactory(user=user, artwork=ArtworkFactory(title="seen"), viewed_at=ago(days=1))
        ArtworkFactory(title="unseen")

        assert titles(next_frames(user, screen="tv", limit=5)) == ["unseen"]


class TestVisibility:
    def test_someone_elses_private_artwork_is_never_shown(self, user, other_user):
        private = GeneratedArtworkFactory(title="bob's secret", created_by=other_user)
        ImpressionFactory(user=user, artwork=private, viewed_at=ago(days=1))  # even if leaked

        assert next_frames(user, screen="tv", limit=5) == []

    def test_my_private_artwork_is_mine_to_see(self, user):
        GeneratedArtworkFactory(
            title="mine", created_by=user, fresh_until=None, created_at=ago(hours=2)
        )

        assert titles(next_frames(user, screen="tv")) == ["mine"]

    def test_an_empty_database_gives_no_frames(self, user):
        assert next_frames(user, screen="tv") == []


class TestLease:
    def test_two_screens_never_get_the_same_frame(self, user):
        ArtworkFactory(title="a", created_at=ago(minutes=1))
        ArtworkFactory(title="b", created_at=ago(minutes=2))

        first = next_frames(user, screen="living-room")
        second = next_frames(user, screen="kitchen")

        assert titles(first) == ["a"]
        assert titles(second) == ["b"]

    def test_one_screen_asking_twice_gets_the_next_frame(self, user):
        ArtworkFactory(title="a", created_at=ago(minutes=1))
        ArtworkFactory(title="b", created_at=ago(minutes=2))

        assert titles(next_frames(user, screen="tv")) == ["a"]
        assert titles(next_frames(user, screen="tv")) == ["b"]

    def test_with_everything_on_screen_there_is_nothing_new(self, user):
        ArtworkFactory(title="only")

        assert titles(next_frames(user, screen="tv")) == ["only"]
        assert next_frames(user, screen="frame") == []

    def test_a_lease_runs_out_after_the_dwell_and_slack(self, user):
        ArtworkFactory(title="only")
        now = timezone.now()
        next_frames(user, screen="tv", dwell=timedelta(seconds=10), now=now)

        assert next_frames(user, screen="frame", now=now + timedelta(seconds=39)) == []
        later = next_frames(user, screen="frame", now=now + timedelta(seconds=41))
        assert titles(later) == ["only"]

    def test_leases_are_per_user(self, user, other_user):
        ArtworkFactory(title="shared")

        assert titles(next_frames(user, screen="tv")) == ["shared"]
        assert titles(next_frames(other_user, screen="tv")) == ["shared"]

    def test_the_screen_is_remembered_with_what_it_shows(self, user):
        art = ArtworkFactory(title="a")

        next_frames(user, screen="hall")

        screen = Screen.objects.get(user=user, key="hall")
        assert screen.last_artwork == art

    def test_a_screen_in_the_rerun_lane_is_remembered_with_its_rerun(self, user):
        # Nothing fresh or unseen is left: the screen's row names the rerun it got.
        seen = ArtworkFactory(title="seen")
        record_impressions(user=user, artwork_ids=[seen.pk])

        assert lanes(next_frames(user, screen="hall")) == ["rerun"]

        hall = Screen.objects.get(user=user, key="hall")
        assert (hall.last_artwork, hall.last_lane) == (seen, "rerun")
        assert Lease.objects.get(user=user).screen_key == "hall"

    def test_a_screen_given_nothing_new_keeps_what_it_shows(self, user):
        art = ArtworkFactory(title="only")
        next_frames(user, screen="hall")

        assert next_frames(user, screen="hall") == []
        assert next_frames(user, screen="kitchen") == []

        hall = Screen.objects.get(user=user, key="hall")
        assert (hall.last_artwork, hall.last_lane) == (art, "unseen")
        assert Screen.objects.get(user=user, key="kitchen").last_artwork is None

    def test_a_screen_s_next_frame_rewrites_its_row_in_place(self, user):
        # A heap-only update (HOT) adds no index entries and leaves no dead row for
        # VACUUM: any index on a column a frame rewrites would forbid it.
        if connection.vendor != "postgresql":
            pytest.skip("heap-only updates are PostgreSQL's")
        ArtworkFactory.create_batch(3)
        next_frames(user, screen="hall")
        before = _screen_updates()

        next_frames(user, screen="hall")

        after = _screen_updates()
        assert (after[0] - before[0], after[1] - before[1]) == (1, 1)

    def test_leases_long_run_out_are_dropped_or_taken_over(self, user):
        ArtworkFactory(title="a", created_at=ago(minutes=1))
        ArtworkFactory(title="b", created_at=ago(minutes=2))
        ArtworkFactory(title="c", created_at=ago(minutes=3))
        now = timezone.now()
        assert titles(next_frames(user, screen="tv", limit=2, now=now)) == ["a", "b"]

        later = now + timedelta(minutes=10)
        assert titles(next_frames(user, screen="kitchen", now=later)) == ["a"]

        # a's old lease became the kitchen's; b's, run out, is gone.
        leases = Lease.objects.filter(user=user)
        assert [(x.artwork.title, x.screen_key) for x in leases] == [("a", "kitchen")]
        assert leases.get().expires_at > later
        assert titles(next_frames(user, screen="tv", now=later)) == ["b"]

    def test_a_screen_given_several_frames_shows_the_first(self, user):
        ArtworkFactory(title="a", created_at=ago(minutes=1))
        ArtworkFactory(title="b", created_at=ago(minutes=2))

        assert titles(next_frames(user, screen="tv", limit=2)) == ["a", "b"]

        assert Screen.objects.get(user=user, key="tv").last_artwork.title == "a"


class TestHeavyHistory:
    """The seen span lets the feed jump over history; it must never change the answer."""

    def make_pool(self, count: int, *, hours: int = 24):
        now = timezone.now()
        return [
            ArtworkFactory(
                title=f"art {i:03}", created_at=now - timedelta(minutes=hours * 60 * i / count + 1)
            )
            for i in range(count)
        ]

    def test_recording_newest_first_builds_one_span(self, user):
        pool = self.make_pool(30)
        record_impressions(user=user, artwork_ids=[a.pk for a in pool[:5]])
        record_impressions(user=user, artwork_ids=[a.pk for a in pool[5:12]])

        span = SeenSpan.objects.get(user=user)
        assert span.newest == pool[0].created_at
        assert span.oldest == pool[11].created_at

    def test_the_feed_jumps_the_span_to_the_first_unseen(self, user):
        pool = self.make_pool(40)
        record_impressions(user=user, artwork_ids=[a.pk for a in pool[:25]])

        frames = next_frames(user, screen="tv", limit=3)

        assert titles(frames) == ["art 025", "art 026", "art 027"]

    def test_new_art_above_the_span_shows_first(self, user):
        pool = self.make_pool(20)
        record_impressions(user=user, artwork_ids=[a.pk for a in pool[:10]])
        ArtworkFactory(title="brand new", created_at=timezone.now())

        assert titles(next_frames(user, screen="tv", limit=2)) == ["brand new", "art 010"]

    def test_an_expired_span_is_ignored(self, user, settings):
        pool = self.make_pool(10)
        record_impressions(user=user, artwork_ids=[a.pk for a in pool[:5]])
        later = timezone.now() + settings.ARTFEED_COOLDOWN + timedelta(seconds=1)
        settings.ARTFEED_POOL_MAX_AGE = timedelta(days=30)

        frames = next_frames(user, screen="tv", limit=10, now=later)

        assert len(frames) == 10  # everything is unseen again

    def test_a_gap_in_what_was_seen_stops_the_span(self, user):
        pool = self.make_pool(10)
        record_impressions(user=user, artwork_ids=[pool[0].pk, pool[1].pk, pool[3].pk])

        span = SeenSpan.objects.get(user=user)
        assert (span.newest, span.oldest) == (pool[0].created_at, pool[1].created_at)
        assert titles(next_frames(user, screen="tv", limit=2)) == ["art 002", "art 004"]

    def test_someone_elses_private_art_inside_the_span_does_not_break_it(self, user, other_user):
        pool = self.make_pool(6)
        GeneratedArtworkFactory(
            created_by=other_user, created_at=pool[2].created_at - timedelta(seconds=1)
        )
        record_impressions(user=user, artwork_ids=[a.pk for a in pool[:4]])

        assert SeenSpan.objects.get(user=user).oldest == pool[3].created_at

    def test_the_span_agrees_with_a_plain_search(self, user):
        pool = self.make_pool(60)
        seen = pool[:20] + pool[22:30] + pool[40:41]
        for start in range(0, len(seen), 7):
            record_impressions(user=user, artwork_ids=[a.pk for a in seen[start : start + 7]])
        seen_ids = {a.pk for a in seen}
        expected = [a.title for a in pool if a.pk not in seen_ids][:8]

        assert titles(next_frames(user, screen="tv", limit=8)) == expected
        assert Impression.objects.filter(user=user).count() == len(seen)

    def test_a_user_who_saw_everything_gets_reruns(self, user):
        pool = self.make_pool(12)
        record_impressions(user=user, artwork_ids=[a.pk for a in pool])

        frames = next_frames(user, screen="tv", limit=2)

        assert set(lanes(frames)) == {"rerun"}


def test_the_cost_of_a_next_frame_does_not_grow_with_history(django_assert_num_queries):
    """The same number of queries for a user with 5 impressions and one with 300."""
    counts = []
    for history in (5, 300):
        viewer = UserFactory()
        now = timezone.now()
        pool = [
            ArtworkFactory(created_at=now - timedelta(seconds=i + 1)) for i in range(history + 3)
        ]
        record_impressions(user=viewer, artwork_ids=[a.pk for a in pool[:history]])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            frames = next_frames(viewer, screen="tv")
        assert len(frames) == 1
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_screen_that_starts_over_may_retake_its_own_frame(user):
    ArtworkFactory(title="only")
    assert titles(next_frames(user, screen="tv")) == ["only"]

    assert next_frames(user, screen="tv") == []  # the loop asking again: nothing new
    assert titles(next_frames(user, screen="tv", restart=True)) == ["only"]  # a reload
    assert next_frames(user, screen="frame", restart=True) == []  # still not another screen's
