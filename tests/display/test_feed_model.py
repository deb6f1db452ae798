"""The feed against its definition, over random sequences of everything that can happen.

A hypothesis state machine plays an operator, two users and their screens: artworks are
made public, private or freshly generated (some with a ``created_at`` in the past, as a
row committed late or imported has), published late and unpublished with a bulk
``QuerySet.update`` (what the admin and a moderation queue do), deleted; impressions are
recorded by the batch service (the span grown with the batch, after its answer, or
never), refreshed, inserted behind its back, deleted one by one
(the admin's delete), in bulk, by "Reset seen", written by the backfill; spans missing
over history written behind the service's back are grown (``grow_seen_spans``); votes
are cast and taken back; the cooldown and the pool window change; time moves by seconds to weeks.

After every step, and on every frame a screen asks for, ``display.feed`` must answer what
``expected_order`` (below) says: DESIGN.md's feed section written as plain ORM queries,
knowing nothing of how the feed makes itself fast.

**Leases.** A frame handed to a screen is leased, and the definition excludes leased
frames. The reference reads the same ``Lease`` rows the feed reads (they are part of the
state, written only by ``next_frames``), so both decide over the same leased set:
after each step the feed's candidates (``display.feed.candidates``, which takes no lease)
are compared with the reference; when a screen asks, the reference is computed first and
``next_frames`` (which then leases what it returns) must hand out exactly its head.

**Ties.** Several artworks can share a ``viewed_at`` (one batch records them together), so
the rerun lane's order is only defined up to ties: each frame is compared by its lane and
its sort key, not by id, and must be a distinct, allowed artwork.

The test suite's budget is ``FEED_MODEL_EXAMPLES`` (default 25 sequences of up to 40
steps, about a minute); ``make feed-model`` runs thousands (docs/benchmarks.md).
"""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from artfeed.models import Artwork
from display.feed import candidates, next_frames
from display.models import Lease, Vote
from display.votes import vote_artwork
from impressions.backfill import backfill_impressions
from impressions.models import Backfill, Impression
from impressions.services import grow_span_over, record_impressions, reset_seen
from impressions.spans import grow_missing_spans

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = int(os.environ.get("FEED_MODEL_EXAMPLES", "25"))
STEPS = int(os.environ.get("FEED_MODEL_STEPS", "40"))

USERS = ("alice", "bob")
SCREENS = ("tv", "hall")
# Moves of the clock, seconds to weeks.
MOVES = st.sampled_from([1, 20, 45, 600, 3600, 6 * 3600, 86400, 3 * 86400, 8 * 86400])
# How long before "now" an artwork's created_at lies: just made, committed late, old.
AGES = st.sampled_from([0, 5, 50, 3600, 86400, 3 * 86400, 6 * 86400, 8 * 86400, 20 * 86400])
COOLDOWNS = st.sampled_from([timedelta(hours=1), timedelta(days=1), timedelta(days=7)])
POOLS = st.sampled_from([timedelta(days=1), timedelta(days=7), timedelta(days=30)])
# When a batch's seen span grows: with the batch (the service), once its answer has gone
# (the endpoint), or never (the client left first, the growth failed).
SPAN_GROWTH = st.sampled_from(["with it", "after", "never"])


# ---------------------------------------------------------------------------------------
# The reference: DESIGN.md's definition, as plain ORM queries.


def expected_order(user, *, now: datetime, restart: str | None = None) -> list[tuple]:
    """Every frame the feed could hand out, in order, as (artwork id, sort key): the
    fresh lane, then the unseen lane; or, when both are empty, the rerun lane."""
    from django.conf import settings as conf

    visible = Artwork.objects.visible_to(user)
    disliked = Vote.objects.filter(user=user, value=-1).values("artwork")
    leases = Lease.objects.filter(user=user, expires_at__gt=now)
    if restart is not None:
        leases = leases.exclude(screen_key=restart)
    available = visible.exclude(pk__in=disliked).exclude(pk__in=leases.values("artwork"))
    impressions = Impression.objects.filter(user=user)

    fresh = available.filter(created_by=user, fresh_until__gt=now).exclude(
        pk__in=impressions.values("artwork")
    )
    recent = impressions.filter(viewed_at__gt=now - conf.ARTFEED_COOLDOWN)
    unseen = available.filter(created_at__gt=now - conf.ARTFEED_POOL_MAX_AGE).exclude(
        pk__in=recent.values("artwork")
    )
    first = [(a.pk, ("fresh", a.created_at)) for a in fresh.order_by("-created_at")]
    first += [(a.pk, ("unseen", a.created_at)) for a in unseen.order_by("-created_at")]
    if first:
        return _distinct(first)

    liked = set(Vote.objects.filter(user=user, value=1).values_list("artwork", flat=True))
    allowed = set(available.values_list("pk", flat=True))
    seen = [i for i in impressions.order_by("viewed_at") if i.artwork_id in allowed]
    rerun = [(i.artwork_id, ("rerun", 0, i.viewed_at)) for i in seen if i.artwork_id in liked]
    rerun += [(i.artwork_id, ("rerun", 1, i.viewed_at)) for i in seen if i.artwork_id not in liked]
    rerun += [(a.pk, ("rerun", 2, a.created_at)) for a in available.order_by("-created_at")]
    return _distinct(rerun)


def _distinct(order: list[tuple]) -> list[tuple]:
    keys: dict = {}
    for pk, key in order:
        keys.setdefault(pk, key)
    return list(keys.items())


def assert_agrees(frames, expected: list[tuple], want: int, what: str) -> None:
    """``frames`` (lane, artwork) must be the head of ``expected``, up to ties."""
    keys = dict(expected)
    head = [key for _, key in expected[:want]]
    got = [(lane, artwork.pk) for lane, artwork in frames]
    assert len(got) == len(head), f"{what}: {len(got)} frames, expected {len(head)}: {got}"
    assert len({pk for _, pk in got}) == len(got), f"{what}: an artwork twice: {got}"
    for position, ((lane, pk), key) in enumerate(zip(got, head, strict=True)):
        assert pk in keys, f"{what}: frame {position} ({lane} {pk}) is not allowed at all"
        assert keys[pk] == key and lane == key[0], (
            f"{what}: frame {position} is {lane} {pk} with key {keys[pk]}, expected key {key}"
        )


# ---------------------------------------------------------------------------------------
# The state machine.


class FeedModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each sequence runs inside a transaction rolled back at its end.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.overrides: list[override_settings] = []
        self.now = timezone.now() - timedelta(days=60)
        User = get_user_model()
        self.users = {
            name: User.objects.create(
                username=f"model-{name}", date_joined=self.now - timedelta(days=400)
            )
            for name in USERS
        }
        self.artworks: list = []
        self.shown: dict[tuple[str, str], list] = {}
        self.counter = itertools.count(1)

    def teardown(self) -> None:
        for override in reversed(self.overrides):
            override.disable()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # -- helpers -------------------------------------------------------------------

    def _pick(self, items: list, index: int):
        return items[index % len(items)]

    def _artwork(self, index: int) -> Artwork | None:
        pk = self._pick(self.artworks, index)
        return Artwork.objects.filter(pk=pk).first()

    def _create(self, *, age: int, public: bool, owner: str | None, generated: bool) -> None:
        # A distinct microsecond each, so that the newest-first order has no ties.
        created = self.now - timedelta(seconds=age, microseconds=next(self.counter))
        user = self.users[owner] if owner else None
        art = Artwork.objects.create(
            title=f"m{len(self.artworks)}",
            image="art/model.svg",
            origin=Artwork.Origin.GENERATED if generated else Artwork.Origin.POOL,
            created_by=user,
            is_public=public,
            created_at=created,
            fresh_until=self.now + timedelta(minutes=15) if generated else None,
        )
        self.artworks.append(art.pk)

    # -- artworks ------------------------------------------------------------------

    @initialize(ages=st.lists(AGES, min_size=1, max_size=6))
    def a_pool(self, ages: list[int]) -> None:
        for age in ages:
            self._create(age=age, public=True, owner=None, generated=False)

    @rule(age=AGES, public=st.booleans(), owner=st.sampled_from([None, *USERS]))
    def an_artwork_is_added(self, age: int, public: bool, owner: str | None) -> None:
        self._create(age=age, public=public or owner is None, owner=owner, generated=False)

    @rule(owner=st.sampled_from(USERS))
    def a_user_generates(self, owner: str) -> None:
        self._create(age=0, public=False, owner=owner, generated=True)

    @precondition(lambda self: self.artworks)
    @rule(index=st.integers(min_value=0), public=st.booleans())
    def an_operator_publishes_or_unpublishes(self, index: int, public: bool) -> None:
        # A bulk update, as the admin's list editing and actions do: no save(), no signal.
        Artwork.objects.filter(pk=self._pick(self.artworks, index)).update(is_public=public)

    @precondition(lambda self: self.artworks)
    @rule(index=st.integers(min_value=0))
    def an_artwork_is_deleted(self, index: int) -> None:
        art = self._artwork(index)
        if art is not None:
            art.delete()

    # -- impressions ---------------------------------------------------------------

    def _record(self, name: str, ids: list, span: str) -> None:
        """A batch as the service takes it (``span`` "with it"), or as the endpoint does:
        the span grows once the answer has gone ("after"), or never (the client went
        away first, the growth failed)."""
        user = self.users[name]
        batch = record_impressions(
            user=user, artwork_ids=ids, now=self.now, grow_span=span == "with it"
        )
        if span == "after":
            grow_span_over(user, batch)

    @precondition(lambda self: self.shown)
    @rule(index=st.integers(min_value=0), span=SPAN_GROWTH)
    def a_screen_reports_what_it_showed(self, index: int, span: str) -> None:
        (name, _screen), ids = self._pick(sorted(self.shown.items()), index)
        self._record(name, ids, span)

    @precondition(lambda self: self.artworks)
    @rule(
        name=st.sampled_from(USERS),
        indexes=st.lists(st.integers(min_value=0), min_size=1, max_size=8),
        span=SPAN_GROWTH,
    )
    def a_batch_of_impressions(self, name: str, indexes: list[int], span: str) -> None:
        ids = [self._pick(self.artworks, i) for i in indexes]  # deleted and private ones too
        self._record(name, ids, span)

    @precondition(lambda self: self.artworks)
    @rule(name=st.sampled_from(USERS), index=st.integers(min_value=0), back=MOVES)
    def an_impression_is_written_behind_the_services_back(
        self, name: str, index: int, back: int
    ) -> None:
        art = self._artwork(index)
        user = self.users[name]
        if art is None or not Artwork.objects.visible_to(user).filter(pk=art.pk).exists():
            return
        moment = max(self.now - timedelta(seconds=back), art.created_at)
        Impression.objects.bulk_create(
            [Impression(user=user, artwork=art, viewed_at=moment, first_viewed_at=moment)],
            ignore_conflicts=True,
        )

    @rule(name=st.sampled_from(USERS), index=st.integers(min_value=0))
    def one_impression_is_deleted(self, name: str, index: int) -> None:
        rows = list(Impression.objects.filter(user=self.users[name]).order_by("pk"))
        if rows:
            self._pick(rows, index).delete()  # the admin's delete of one row

    @rule(name=st.sampled_from(USERS), back=MOVES)
    def impressions_are_deleted_in_bulk(self, name: str, back: int) -> None:
        Impression.objects.filter(
            user=self.users[name], viewed_at__gte=self.now - timedelta(seconds=back)
        ).delete()

    @rule(name=st.sampled_from(USERS))
    def an_operator_resets_what_a_user_has_seen(self, name: str) -> None:
        reset_seen(users=get_user_model().objects.filter(pk=self.users[name].pk))

    @rule(name=st.sampled_from(USERS), back=AGES)
    def a_backfill(self, name: str, back: int) -> None:
        cutover = min(self.now - timedelta(seconds=back), timezone.now())
        backfill_impressions(
            users=get_user_model().objects.filter(pk=self.users[name].pk),
            trigger=Backfill.Trigger.COMMAND,
            cutover=cutover,
        )

    @rule()
    def an_operator_grows_the_missing_spans(self) -> None:
        grow_missing_spans()  # manage.py grow_seen_spans; migration 0005 on an upgrade

    # -- votes, settings, time -----------------------------------------------------

    @precondition(lambda self: self.artworks)
    @rule(
        name=st.sampled_from(USERS),
        index=st.integers(min_value=0),
        value=st.sampled_from([1, -1, 0]),
    )
    def a_vote(self, name: str, index: int, value: int) -> None:
        art = self._artwork(index)
        if art is not None:
            vote_artwork(user=self.users[name], artwork=art, value=value, now=self.now)

    @rule(cooldown=COOLDOWNS, pool=POOLS)
    def the_operator_changes_the_cooldown_or_the_pool(self, cooldown, pool) -> None:
        override = override_settings(ARTFEED_COOLDOWN=cooldown, ARTFEED_POOL_MAX_AGE=pool)
        override.enable()
        self.overrides.append(override)

    @rule(seconds=MOVES)
    def time_passes(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    # -- screens -------------------------------------------------------------------

    @rule(
        name=st.sampled_from(USERS),
        screen=st.sampled_from(SCREENS),
        limit=st.integers(min_value=1, max_value=3),
        restart=st.booleans(),
    )
    def a_screen_asks_for_frames(self, name: str, screen: str, limit: int, restart: bool):
        user = self.users[name]
        expected = expected_order(user, now=self.now, restart=screen if restart else None)
        frames = next_frames(user, screen=screen, limit=limit, now=self.now, restart=restart)
        assert_agrees([(f.lane, f.artwork) for f in frames], expected, limit, f"{name}'s {screen}")
        if frames:
            self.shown[(name, screen)] = [f.artwork.pk for f in frames]

    @invariant()
    def every_users_feed_is_the_definition(self) -> None:
        for name, user in self.users.items():
            for want in (1, 4):
                found = candidates(user, now=self.now, want=want)
                assert_agrees(
                    [(f.lane, f.artwork) for f in found],
                    expected_order(user, now=self.now),
                    want,
                    f"{name}'s feed",
                )


def test_the_feed_is_its_definition_after_any_sequence_of_events():
    run_state_machine_as_test(
        FeedModel,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            print_blob=True,
        ),
    )
