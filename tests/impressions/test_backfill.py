from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from impressions.backfill import BackfillError, backfill_impressions
from impressions.models import Backfill, Impression
from impressions.services import record_impressions
from tests.factories import ArtworkFactory, GeneratedArtworkFactory, ImpressionFactory, UserFactory
from tests.impressions.backfill_helpers import CUTOVER, before, legacy_art, veteran

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def cutover(settings):
    settings.ARTFEED_TRACKING_SINCE = CUTOVER
    return CUTOVER


def run(*users, **kwargs):
    kwargs.setdefault("trigger", Backfill.Trigger.COMMAND)
    return backfill_impressions(users=User.objects.filter(pk__in=[u.pk for u in users]), **kwargs)


def backfilled(user) -> set:
    return set(
        Impression.objects.filter(user=user, source="backfill").values_list("artwork", flat=True)
    )


def test_it_marks_every_visible_legacy_artwork_as_seen():
    alice, bob = veteran("alice"), veteran("bob")
    public = legacy_art(2)
    mine = GeneratedArtworkFactory(
        created_by=alice, created_at=before(days=3), fresh_until=before(days=3, minutes=-15)
    )
    GeneratedArtworkFactory(created_by=bob, created_at=before(days=3), fresh_until=None)
    ArtworkFactory(created_at=CUTOVER + timedelta(seconds=1))  # tracked since it exists

    result = run(alice)

    assert backfilled(alice) == {public[0].pk, public[1].pk, mine.pk}
    assert result.rows == 3
    assert result.users == 1


def test_a_backfilled_row_is_dated_at_the_cutover():
    alice = veteran("alice")
    legacy_art(1)

    run(alice)

    impression = Impression.objects.get(user=alice)
    assert impression.viewed_at == impression.first_viewed_at == CUTOVER
    assert impression.source == "backfill"


def test_an_impression_already_there_is_left_as_it_is():
    alice = veteran("alice")
    seen, unseen = legacy_art(2)
    shown = ImpressionFactory(user=alice, artwork=seen, viewed_at=timezone.now())

    run(alice)

    kept = Impression.objects.get(pk=shown.pk)
    assert (kept.source, kept.viewed_at) == ("displayed", shown.viewed_at)
    assert backfilled(alice) == {unseen.pk}


def test_a_second_run_inserts_nothing():
    alice = veteran("alice")
    legacy_art(3)
    run(alice)

    again = run(alice)

    assert again.rows == 0
    assert Impression.objects.filter(user=alice).count() == 3
    assert list(
        Backfill.objects.order_by("started_at").values_list("rows_inserted", flat=True)
    ) == [
        3,
        0,
    ]


def test_a_dry_run_counts_and_writes_no_impression():
    alice = veteran("alice")
    legacy_art(4)

    result = run(alice, dry_run=True)

    assert result.rows == 4
    assert result.dry_run
    assert not Impression.objects.exists()
    log = Backfill.objects.get()
    assert (log.dry_run, log.rows_inserted) == (True, 4)
    assert run(alice).rows == 4  # what the dry run announced


def test_every_run_leaves_an_audit_row_per_user():
    alice, bob = veteran("alice"), veteran("bob")
    operator = UserFactory(username="operator")
    legacy_art(2)

    run(alice, bob, trigger=Backfill.Trigger.ADMIN, actor=operator)

    logs = Backfill.objects.order_by("user__username")
    assert [(b.user.username, b.trigger, b.actor, b.rows_inserted) for b in logs] == [
        ("alice", "admin", operator, 2),
        ("bob", "admin", operator, 2),
    ]
    for log in logs:
        assert log.cutover == CUTOVER
        assert not log.dry_run
        assert log.started_at <= log.finished_at


def test_a_user_who_joined_after_the_cutover_is_left_alone():
    newcomer = UserFactory(username="newcomer", date_joined=CUTOVER + timedelta(days=1))
    alice = veteran("alice")
    legacy_art(2)

    result = run(newcomer, alice)

    assert not Impression.objects.filter(user=newcomer).exists()
    assert not Backfill.objects.filter(user=newcomer).exists()
    assert (result.users, result.skipped, result.rows) == (1, 1, 2)


def test_it_walks_the_pool_in_chunks_that_never_split_equal_timestamps():
    alice = veteran("alice")
    same_moment = [ArtworkFactory(created_at=before(days=9)) for _ in range(5)]
    later = legacy_art(3)  # one a day, the last days before the cutover
    steps = []

    result = run(alice, batch_size=2, progress=steps.append)

    assert backfilled(alice) == {a.pk for a in same_moment + later}
    assert result.rows == 8
    # The first chunk takes all five ties, then two, then the last one.
    assert [(s.rows, s.expected) for s in steps] == [(5, 8), (7, 8), (8, 8)]
    assert {(s.username, s.user_number, s.user_count) for s in steps} == {("alice", 1, 1)}


def test_an_explicit_cutover_wins_over_the_setting():
    alice = veteran("alice")
    old, newer = legacy_art(2)

    result = run(alice, cutover=newer.created_at)

    assert result.cutover == newer.created_at
    assert backfilled(alice) == {old.pk}


def test_without_a_cutover_nothing_runs(settings):
    settings.ARTFEED_TRACKING_SINCE = None
    alice = veteran("alice")
    legacy_art(1)

    with pytest.raises(BackfillError, match="No cutover"):
        run(alice)

    assert not Backfill.objects.exists()


def test_a_cutover_in_the_future_is_refused():
    alice = veteran("alice")
    legacy_art(1)

    with pytest.raises(BackfillError, match="future"):
        run(alice, cutover=timezone.now() + timedelta(days=1))

    assert not Impression.objects.exists()
    assert not Backfill.objects.exists()


def test_a_later_real_view_restarts_the_cooldown_of_a_backfilled_artwork():
    alice = veteran("alice")
    (art,) = legacy_art(1)
    run(alice)

    record_impressions(user=alice, artwork_ids=[art.pk])

    impression = Impression.objects.get(user=alice, artwork=art)
    assert impression.source == "displayed"
    assert impression.first_viewed_at == CUTOVER
    assert impression.viewed_at > CUTOVER


def test_its_queries_grow_with_users_and_chunks_not_with_rows():
    """Per user in one chunk: its bound, its insert, the log row, then the newest legacy
    artwork and the two statements that start the user's seen span from it (and, on
    PostgreSQL, the span lock). Each further chunk: its bound, its insert, the log's
    update; and a count of what to expect, once."""
    users = [veteran(f"user{i}") for i in range(3)]
    legacy_art(6)

    def queries(*selected, **kwargs) -> int:
        Impression.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            run(*selected, **kwargs)
        return len(captured)

    one, three = queries(users[0]), queries(*users)
    per_user = 6 + (connection.vendor == "postgresql")
    assert three - one == 2 * per_user
    assert queries(users[0], batch_size=4) == one + 4  # two chunks instead of one
