"""The feed's two reads, each one SQL statement (see ``display.feed`` for the lanes).

Written in SQL because this is the hottest read of the product: every screen asks it
every few seconds, forever. Built with the ORM it took three or four queries and about
10 ms of Python to compose them; as one prepared statement it costs a fraction of a
millisecond more than fetching the ten newest artworks by index (docs/benchmarks.md).
Portable to SQLite and PostgreSQL. The rules they apply (visible, fresh, seen recently,
in the pool) are the fragments of ``artfeed.rules`` and ``impressions.rules``, each
tested there against its ORM form; only the lanes' own logic is written here.

``fresh_and_unseen_lanes`` reads the fresh lane and the unseen lane in one go. The
unseen lane searches above and below the user's seen span (``impressions.spans``), looked
up in the same statement, and inside it only the span's holes, so the rows inside the span,
however many, are never visited. The span is trusted only where its artworks were
created after the cooldown's start (``impressions.models.SeenSpan`` says why). Each
branch stops after ``want`` rows; the caller takes them in lane order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from artfeed.models import Artwork
from artfeed.rules import in_pool_sql, pool_start, visible_to_sql
from artfeed.sql import columns, fetch_rows, from_rows
from display.models import Lease, Vote
from impressions.rules import cooldown_start, fresh_for_sql, seen_recently_sql
from impressions.spans import span_tables


def _tables() -> dict[str, str]:
    return {
        **span_tables(),
        "vote": Vote._meta.db_table,
        "lease": Lease._meta.db_table,
        "columns": columns(Artwork, "a"),
    }


# Visible to the user (artfeed.rules), not disliked by them, not on one of their screens
# right now (but for the screen that restarts, which may retake its own; "" names no
# screen). Parameters: user, user, user, now, the screen that restarts.
_AVAILABLE = f"""{visible_to_sql()}
    AND NOT EXISTS (SELECT 1 FROM {{vote}} v
                    WHERE v.user_id = %s AND v.artwork_id = a.id AND v.value = -1)
    AND NOT EXISTS (SELECT 1 FROM {{lease}} l
                    WHERE l.user_id = %s AND l.artwork_id = a.id AND l.expires_at > %s
                    AND l.screen_key <> %s)"""

# Parameters: user, cutoff.
_NOT_SEEN_RECENTLY = f"NOT {seen_recently_sql()}"

# The span's newest edge, or the pool's start when the user has no span: "above" is then
# the whole pool. Parameters: user, pool start.
_ABOVE = "COALESCE((SELECT s.newest FROM {span} s WHERE s.user_id = %s), %s)"
# Where the trusted part of the span starts: its oldest edge, or, when that lies before
# the cooldown's start, just after it (a view at or after creation proves a recent view
# only for artworks created since). With no span, the pool's start: "below" is empty.
# Parameters: cutoff, just after the cutoff, user, pool start.
_BELOW = """COALESCE((SELECT CASE WHEN s.oldest > %s THEN s.oldest ELSE %s END
                     FROM {span} s WHERE s.user_id = %s), %s)"""
# The holes of the span (one found above or below too is deduplicated). Parameter: user.
_HOLES = "a.id IN (SELECT h.artwork_id FROM {hole} h WHERE h.user_id = %s)"


# The LIMIT is written into the statement, not bound: a prepared statement's generic plan
# cannot see a bound LIMIT, assumes a tenth of the table, and picks a parallel hash
# anti-join over the whole pool instead of a short index walk.
@cache
def _fresh_and_unseen_sql(want: int) -> str:
    unseen = f"""SELECT 1 AS branch, {{columns}} FROM {{artwork}} a
        WHERE {in_pool_sql()} AND {{where}}
        AND {_NOT_SEEN_RECENTLY} AND {_AVAILABLE}
        ORDER BY a.created_at DESC LIMIT {want}"""
    fresh = f"""SELECT 0 AS branch, {{columns}} FROM {{artwork}} a
        WHERE {fresh_for_sql()} AND {_AVAILABLE}
        ORDER BY a.created_at DESC LIMIT {want}"""
    branches = [
        fresh,
        unseen.replace("{where}", f"a.created_at > {_ABOVE}"),
        unseen.replace("{where}", _HOLES),
        unseen.replace("{where}", f"a.created_at < {_BELOW}"),
    ]
    parts = [f"SELECT * FROM ({b}) AS lane{n}" for n, b in enumerate(branches)]
    return (" UNION ALL ".join(parts) + " ORDER BY branch, created_at DESC").format(
        **_tables(), want=int(want)
    )


@cache
def _rerun_sql(want: int) -> str:
    liked = """EXISTS (SELECT 1 FROM {vote} v
                       WHERE v.user_id = %s AND v.artwork_id = a.id AND v.value = 1)"""
    seen = f"""SELECT {{branch}} AS branch, i.viewed_at AS sort_key, {{columns}}
        FROM {{impression}} i JOIN {{artwork}} a ON a.id = i.artwork_id
        WHERE i.user_id = %s AND {{liked}} AND {_AVAILABLE}
        ORDER BY i.viewed_at LIMIT {want}"""
    rest = f"""SELECT 2 AS branch, a.created_at AS sort_key, {{columns}} FROM {{artwork}} a
        WHERE {_AVAILABLE} ORDER BY a.created_at DESC LIMIT {want}"""
    branches = [
        seen.replace("{branch}", "0").replace("{liked}", liked),
        seen.replace("{branch}", "1").replace("{liked}", f"NOT {liked}"),
        rest,
    ]
    parts = [f"SELECT * FROM ({b}) AS lane{n}" for n, b in enumerate(branches)]
    return " UNION ALL ".join(parts).format(**_tables(), want=int(want))


def statements(*, want: int) -> list[str]:
    """The two reads' statements for ``want`` frames."""
    return [_fresh_and_unseen_sql(want), _rerun_sql(want)]


def _moment(value: datetime):
    return Artwork._meta.get_field("created_at").get_db_prep_value(value, connection)


def _dedupe(
    rows: list[tuple], lanes: dict[int, str], skip: int, want: int
) -> list[tuple[str, Artwork]]:
    """The first ``want`` rows with no artwork twice, as (lane, artwork) pairs: only those
    become artworks (each branch returns up to ``want``; a frame needs one)."""
    seen: set = set()
    picked = []
    for row in rows:
        artwork_id = row[skip]  # the artwork's first column, its id
        if artwork_id not in seen:
            seen.add(artwork_id)
            picked.append(row)
            if len(picked) == want:
                break
    artworks = from_rows(Artwork, [row[skip:] for row in picked])
    return [(lanes[row[0]], artwork) for row, artwork in zip(picked, artworks, strict=True)]


def fresh_and_unseen_statement(
    user: AbstractBaseUser, *, now: datetime, want: int, restart: str | None = None
) -> tuple[str, list]:
    """The statement ``fresh_and_unseen_lanes`` runs and its parameters (to EXPLAIN it, say)."""
    uid = user.pk
    moment = _moment(now)
    cutoff = _moment(cooldown_start(now))
    just_after = _moment(cooldown_start(now) + timedelta(microseconds=1))
    start = _moment(pool_start(now))
    available = [uid, uid, uid, moment, restart or ""]
    fresh = [uid, moment, uid, *available]
    rest = [uid, cutoff, *available]
    above = [start, uid, start, *rest]
    holes = [start, uid, *rest]
    below = [start, cutoff, just_after, uid, start, *rest]
    return _fresh_and_unseen_sql(want), [*fresh, *above, *holes, *below]


def fresh_and_unseen_lanes(
    user: AbstractBaseUser, *, now: datetime, want: int, restart: str | None = None
) -> list[tuple[str, Artwork]]:
    """Up to ``want`` frames, the fresh lane's first, then the unseen lane's, each newest
    first, as (lane, artwork) pairs with no artwork twice. ``restart``: the screen
    whose page was loaded anew; its own leases do not hold its frames back."""
    rows = fetch_rows(*fresh_and_unseen_statement(user, now=now, want=want, restart=restart))
    return _dedupe(rows, {0: "fresh", 1: "unseen"}, skip=1, want=want)


def rerun_lane(
    user: AbstractBaseUser, *, now: datetime, want: int, restart: str | None = None
) -> list[tuple[str, Artwork]]:
    """The rerun lane's first ``want`` frames: seen artworks least recently seen first
    (liked ones first), then, so the screen never goes blank, any visible artwork newest
    first."""
    uid = user.pk
    available = [uid, uid, uid, _moment(now), restart or ""]
    seen = [uid, uid, *available]
    rows = fetch_rows(_rerun_sql(want), [*seen, *seen, *available])
    # A compound statement cannot order its branches differently: least recently seen
    # first in the first two, newest first in the last.
    ordered = [
        row
        for branch in (0, 1, 2)
        for row in sorted(
            (r for r in rows if r[0] == branch), key=lambda r: r[1], reverse=branch == 2
        )
    ]
    return _dedupe(ordered, {0: "rerun", 1: "rerun", 2: "rerun"}, skip=2, want=want)
