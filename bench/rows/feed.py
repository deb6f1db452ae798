"""Row 1: the next frame, for a new, a typical and a heavy user and in the rerun lane,
against the previous generation's query and the floor."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bench.context import Context
from bench.report import Goal, Row, ms, ratio
from bench.sql import FLOOR_QUERY, OLD_QUERY, explain, explain_prepared, fetcher
from bench.timing import medians
from display.feed import SPARE, candidates, next_frames
from display.lanes import first_lanes_statement
from display.leases import LEASE_SLACK

MEASURED = ("new", "typical", "heavy", "rerun")


def _feed_read(user):
    return lambda: candidates(user, now=timezone.now(), want=1 + SPARE)


def _feed_call(user):
    """The whole ``next_frames`` call, each time a little later, so that the previous
    call's lease has run out and been released: a screen asking every dwell."""
    step = settings.ARTFEED_DWELL + 2 * LEASE_SLACK + timedelta(seconds=1)
    start = timezone.now()
    moments = (start + i * step for i in itertools.count())
    return lambda: next_frames(user, screen="bench", limit=1, now=next(moments))


def _plans(user) -> list[tuple[str, str]]:
    statement, params = first_lanes_statement(user, now=timezone.now(), want=1 + SPARE)
    return [
        (
            "The feed's statement for the heavy user (`display.lanes.first_lanes`), "
            "prepared, with the generic plan the app runs:",
            explain_prepared(statement, params),
        ),
        ("The old query for the heavy user:", explain(OLD_QUERY, [user.pk])),
    ]


def run(context: Context) -> Row:
    users = {role: context.loaded.users[role] for role in MEASURED}
    variants = {"floor": fetcher(FLOOR_QUERY)}
    for role, user in users.items():
        variants[f"read {role}"] = _feed_read(user)
        variants[f"call {role}"] = _feed_call(user)
        variants[f"old {role}"] = fetcher(OLD_QUERY, [user.pk])
    times = medians(variants, repeats=context.size.repeats)
    floor = times["floor"]

    table = [
        ["user", "feed read", "× floor", "whole call", "× floor", "old query", "old ÷ read", "lane"]
    ]
    for role, user in users.items():
        lane = candidates(user, now=timezone.now(), want=1)[0].lane
        read, call, old = times[f"read {role}"], times[f"call {role}"], times[f"old {role}"]
        table.append(
            [
                role,
                ms(read),
                ratio(read / floor),
                ms(call),
                ratio(call / floor),
                ms(old),
                ratio(old / read),
                lane,
            ]
        )
    table.append(["(floor)", ms(floor), "1.0×", "", "", "", "", ""])

    heavy, new = times["read heavy"], times["read new"]
    goals = [
        Goal(
            "heavy user's next frame ≥ 50× faster than the old query",
            ratio(times["old heavy"] / heavy),
            times["old heavy"] / heavy >= 50,
        ),
        Goal("heavy user within 2× of a new user", ratio(heavy / new), heavy <= 2 * new),
    ]
    for role in ("new", "typical", "heavy"):
        read = times[f"read {role}"]
        goals.append(
            Goal(f"{role} user within 5× of the floor", ratio(read / floor), read <= 5 * floor)
        )
    return Row(
        title="1. Next frame",
        table=table,
        goals=goals,
        notes=[NOTE.format(repeats=context.size.repeats, spare=SPARE)],
        plans=_plans(users["heavy"]),
    )


NOTE = """Medians of {repeats} runs, all variants taken in turn (round robin) in one process
on one connection. **feed read** is `display.feed.candidates(user, now=now, want=1 + {spare})`:
what `next_frames(limit=1)` reads to decide what comes next (it fetches {spare} spare
candidates in case another screen claims one meanwhile); the goals are measured on it,
since the old query and the floor are reads too. **whole call** is
`display.feed.next_frames(user, screen=…, limit=1, now=…)`: the read plus the lease it
takes, the screen it records and the commit; each call is made a dwell plus twice the
lease slack later than the one before, so the previous lease has run out and is
released, as for a screen asking every dwell. The **old query** and the **floor** run
as raw SQL through the same connection. **rerun** has seen every artwork of the pool
within the cooldown: its frame comes from the rerun lane."""
