"""Row 1: the next frame in every state the app leaves a user in, side by side with a new
user, the previous generation's query and the floor."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bench.context import Context
from bench.report import Goal, Row, ms, ratio
from bench.sql import FLOOR_QUERY, OLD_QUERY, explain, explain_prepared, fetcher
from bench.timing import medians
from display.feed import SPARE, candidates, next_frames
from display.lanes import fresh_and_unseen_statement
from display.leases import LEASE_SLACK


@dataclass(frozen=True)
class State:
    key: str
    role: str  # the user (bench.data ROLES and STATES)
    label: str
    heavy: bool  # one of the heavy user's states: held to the goals
    later: timedelta = timedelta(0)  # measured this long after the load


STATES = [
    State("new", "new", "new user (nothing seen)", heavy=False),
    State("heavy", "heavy", "heavy, span grown by its first batch", heavy=True),
    State(
        "holes",
        "heavy-holes",
        "heavy, span holed: an artwork published inside it, an impression deleted",
        heavy=True,
    ),
    State(
        "a week on",
        "heavy",
        "heavy, 6.6 days later: the oldest views of its span past the cooldown",
        heavy=True,
        later=timedelta(days=6, hours=14),
    ),
    State(
        "upgraded",
        "heavy-upgraded",
        "heavy, history from before the upgrade: span grown by migration 0005",
        heavy=True,
    ),
    State(
        "backfilled",
        "backfilled",
        "backfilled (the whole pool legacy), before its first frame",
        heavy=True,
    ),
    State("typical", "typical", "typical: history scattered over the pool", heavy=False),
    State("rerun", "rerun", "rerun: every artwork seen", heavy=True),
]


def _feed_read(user, later: timedelta):
    return lambda: candidates(user, now=timezone.now() + later, want=1 + SPARE)


def _feed_call(user, later: timedelta, screen: str):
    """The whole ``next_frames`` call, each time a little later, so that the previous
    call's lease has run out and been released: a screen asking every dwell."""
    step = settings.ARTFEED_DWELL + 2 * LEASE_SLACK + timedelta(seconds=1)
    start = timezone.now() + later
    moments = (start + i * step for i in itertools.count())
    return lambda: next_frames(user, screen=screen, limit=1, now=next(moments))


def _plans(users) -> list[tuple[str, str]]:
    plans = []
    for role, caption in (
        ("heavy-holes", "with holes in its span"),
        ("heavy-upgraded", "whose span migration 0005 grew"),
    ):
        statement, params = fresh_and_unseen_statement(
            users[role], now=timezone.now(), want=1 + SPARE
        )
        plans.append(
            (
                f"The feed's statement for the heavy user {caption} "
                "(`display.lanes.fresh_and_unseen_lanes`), prepared, "
                "with the generic plan the app runs:",
                explain_prepared(statement, params),
            )
        )
    plans.append(("The old query for the heavy user:", explain(OLD_QUERY, [users["heavy"].pk])))
    return plans


def run(context: Context) -> Row:
    users = context.loaded.users
    variants = {"floor": fetcher(FLOOR_QUERY), "old": fetcher(OLD_QUERY, [users["heavy"].pk])}
    for n, state in enumerate(STATES):
        user = users[state.role]
        variants[f"read {state.key}"] = _feed_read(user, state.later)
        variants[f"call {state.key}"] = _feed_call(user, state.later, f"bench-{n}")
    times = medians(variants, repeats=context.size.repeats)
    floor, old, new = times["floor"], times["old"], times["read new"]

    table = [
        ["state", "feed read", "× new user", "× floor", "whole call", "old ÷ read", "lane"],
    ]
    goals = []
    for state in STATES:
        read, call = times[f"read {state.key}"], times[f"call {state.key}"]
        user = users[state.role]
        lane = candidates(user, now=timezone.now() + state.later, want=1)[0].lane
        table.append(
            [
                state.label,
                ms(read),
                ratio(read / new),
                ratio(read / floor),
                ms(call),
                ratio(old / read),
                lane,
            ]
        )
        if state.heavy:
            goals.append(
                Goal(f"{state.key}: within 2× of a new user", ratio(read / new), read <= 2 * new)
            )
            goals.append(
                Goal(
                    f"{state.key}: ≥ 50× faster than the old query",
                    ratio(old / read),
                    old >= 50 * read,
                )
            )
    table.append(
        [
            "(old query, heavy user's history)",
            ms(old),
            ratio(old / new),
            ratio(old / floor),
            "",
            "",
            "",
        ]
    )
    table.append(["(floor)", ms(floor), ratio(floor / new), "1.0×", "", "", ""])
    return Row(
        title="1. Next frame",
        table=table,
        goals=goals,
        notes=[
            NOTE.format(repeats=context.size.repeats, spare=SPARE, seen=context.size.heavy_seen)
        ],
        plans=_plans(users),
    )


NOTE = """Medians of {repeats} runs, all variants taken in turn (round robin) in one process
on one connection. **feed read** is `display.feed.candidates(user, now=now, want=1 + {spare})`:
what `next_frames(limit=1)` reads to decide what comes next (it fetches {spare} spare
candidates in case another screen claims one meanwhile), without leasing; the goals are
measured on it, since the old query and the floor are reads too. **whole call** is
`display.feed.next_frames(user, screen=…, limit=1, now=…)`: the read plus the lease it
takes, the screen it records and the commit; each call is made a dwell plus twice the
lease slack later than the one before, so the previous lease has run out and is
released, as for a screen asking every dwell. The **old query** (the previous
generation's `LEFT JOIN`) and the **floor** (the ten newest artworks by index) run as
raw SQL through the same connection.

Every heavy state has seen the newest {seen:,} artworks; none of their spans is built by
hand: the bulk load writes history behind the app's back (as a backfill or an import
does), then `bench/data.py` leaves each user as the app would. **span grown by its first
batch**: the user's screen sent one batch (`record_impressions`), which grew the span
over the whole run. **span holed**: then an older private artwork was published inside
the span with `QuerySet.update` and one impression inside it was deleted with the ORM;
the database's triggers recorded both as holes, which the feed probes (the published
artwork comes first). **6.6 days later**: the same user, measured as if a week had gone by
(`now=`): in the old design the span expired as soon as its oldest view passed the
cooldown. **before the upgrade**: the same history, no batch sent since (the upgrade that
introduced holes dropped every span): migration `impressions/0005_grow_missing_spans`
grows the span of every user with history and none, as the load does after the bulk
write (`grow_missing_spans`; `manage.py grow_seen_spans` after an import written behind
the app's back). Without it the feed probed that history, 47× a new user's next frame.
**backfilled**: `backfill_impressions` with the cutover at now, so that the whole pool
is legacy and marked seen; the backfill starts the span itself, and the frame comes
from the rerun lane."""
