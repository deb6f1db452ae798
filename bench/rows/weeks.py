"""Row 6: weeks of use. One heavy screen watches for days of simulated time, a frame a
minute, while the pool grows; every ``next_frames`` and ``record_impressions`` call is
timed, and each day's percentiles show whether the cost creeps up with history."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection

from artfeed.checks import autovacuum_setting
from artfeed.models import Artwork
from bench.autovacuum import Autovacuum
from bench.context import Context
from bench.report import Goal, Row, ms, ratio
from display.feed import next_frames
from impressions.services import record_impressions

DWELL = timedelta(seconds=60)
BACKLOG = timedelta(days=7)
# Far beyond the bench's own pool, so this screen's pool is its own: the data set's
# artworks are long out of the pool window by then.
START_AFTER = timedelta(days=60)


def _arrivals(start, days: int, per_day: int) -> list:
    """When each artwork is created: a week of backlog before ``start``, then ``per_day``
    a day, evenly spread."""
    gap = timedelta(days=1) / per_day
    first = start - BACKLOG
    count = int((BACKLOG + timedelta(days=days)) / gap)
    return [first + i * gap for i in range(count)]


def _add(moments: list) -> None:
    Artwork.objects.bulk_create(
        Artwork(title=f"Week art {m:%d %H:%M}", image="bench/art.svg", created_at=m)
        for m in moments
    )


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99, ordered[-1]


def run(context: Context, *, frames_a_day: int | None = None) -> Row:
    """``frames_a_day`` shortens each day (the test of the bench's code); by default a
    frame every ``DWELL``."""
    size = context.size
    user = get_user_model().objects.create(username="weeks-of-use", password="!")
    start = context.loaded.now + START_AFTER
    pending = _arrivals(start, size.simulated_days, size.arrivals_per_day)
    frames_a_day = frames_a_day or int(timedelta(days=1) / DWELL)
    days: list[dict[str, list[float]]] = []
    autovacuum = Autovacuum()
    for day in range(size.simulated_days):
        samples: dict[str, list[float]] = {"next": [], "record": []}
        for minute in range(frames_a_day):
            autovacuum.tick()
            now = start + timedelta(days=day) + minute * DWELL
            due = [m for m in pending if m <= now]
            if due:
                _add(due)
                pending = pending[len(due) :]
            started = time.perf_counter()
            frames = next_frames(user, screen="wall", limit=1, now=now, dwell=DWELL)
            samples["next"].append(time.perf_counter() - started)
            if frames:
                started = time.perf_counter()
                record_impressions(
                    user=user,
                    artwork_ids=[frames[0].artwork.pk],
                    now=now + timedelta(seconds=2),
                )
                samples["record"].append(time.perf_counter() - started)
        days.append(samples)
    Artwork.objects.filter(title__startswith="Week art ").delete()
    user.delete()

    table = [
        [
            "day",
            "impressions",
            "next p50",
            "next p99",
            "next max",
            "record p50",
            "record p99",
            "record max",
        ]
    ]
    p99s: dict[str, list[float]] = {"next": [], "record": []}
    seen = 0
    for number, samples in enumerate(days, start=1):
        seen += len(samples["record"])
        cells = [str(number), f"{seen:,}"]
        for call in ("next", "record"):
            p50, p99, worst = _percentiles(samples[call])
            p99s[call].append(p99)
            cells += [ms(p50), ms(p99), ms(worst)]
        table.append(cells)
    goals = []
    for call, name in (("next", "`next_frames`"), ("record", "`record_impressions`")):
        growth = max(p99s[call]) / p99s[call][0]
        goals.append(
            Goal(
                f"{name}: the worst day's p99 within 2× of the first day's",
                ratio(growth),
                growth <= 2,
            )
        )
    return Row(
        title="6. Weeks of use",
        table=table,
        goals=goals,
        notes=[
            NOTE.format(
                days=size.simulated_days,
                per_day=size.arrivals_per_day,
                backlog=_arrivals(start, 0, size.arrivals_per_day).__len__(),
                vacuums=autovacuum.vacuums,
                server=autovacuum_setting(connection.alias),
            )
        ],
    )


NOTE = """One user, one screen (`screen="wall"`), {days} simulated days with a frame every
60 s (`now=` moved forward, nothing waits): each minute `next_frames(limit=1, dwell=60 s)`
and then `record_impressions` of the frame it got, as the screen's recorder would send
it, two seconds later. The pool starts with a week of backlog ({backlog:,} artworks) and
grows by {per_day} a day, each artwork inserted at its own moment (so the database's
triggers see every one). The screen sees more than the pool brings: after the first day
and a half it watches new arrivals as they come and reruns the rest. Times are each
call's own wall-clock, in process, DEBUG off; p50 / p99 / max per simulated day. Between
two frames, untimed, the bench does what autovacuum would have done in that simulated
minute (`bench.autovacuum.Autovacuum`, the server's own thresholds): {vacuums:,} VACUUMs
in this run (the server's autovacuum: `{server}`). Without them the dead versions of
the rows each frame rewrites (the lease, the screen's row, the span) pile up as no
production table lets them, and the claim's cost grew by about 0.06 ms a day."""
