"""On-screen leases: a frame handed to a screen is not handed out again until it has
been shown (and so entered its cooldown) or its lease ran out."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from artfeed.sql import execute, fetch_rows
from display.models import Lease, Screen

# Time beyond the dwell for the frame to be decoded, shown, pass the viewability bar and
# have its impression flushed; until then it must not appear on another screen.
LEASE_SLACK = timedelta(seconds=30)


def claim(
    user: AbstractBaseUser,
    *,
    screen: str,
    artwork_ids: Sequence[uuid.UUID],
    until: datetime,
    now: datetime,
    restart: bool = False,
) -> set[uuid.UUID]:
    """Lease these artworks to ``screen`` and return those it got.

    One statement: a row that another request leased meanwhile (and whose lease has not
    run out) is left alone and not returned, so two screens, or two quick requests of
    one screen, never take the same frame. A screen that ``restart``s (its page was
    loaded anew, its frames are gone) may take back its own. Raw SQL because the ORM's
    upsert cannot make the update conditional nor say which rows it won; prepared
    (``artfeed.sql``) because it runs on every frame handed out. Portable to SQLite and
    PostgreSQL.
    """
    if not artwork_ids:
        return set()
    table = Lease._meta.db_table
    artwork_pk = Lease._meta.get_field("artwork").target_field
    expires = Lease._meta.get_field("expires_at")
    until_value = expires.get_db_prep_value(until, connection)
    rows = []
    params: list[object] = []
    for artwork_id in artwork_ids:
        rows.append("(%s, %s, %s, %s)")
        params += [
            user.pk,
            artwork_pk.get_db_prep_value(artwork_id, connection),
            screen,
            until_value,
        ]
    sql = f"""
        INSERT INTO {table} (user_id, artwork_id, screen_key, expires_at)
        VALUES {", ".join(rows)}
        ON CONFLICT (user_id, artwork_id) DO UPDATE
        SET screen_key = excluded.screen_key, expires_at = excluded.expires_at
        WHERE {table}.expires_at <= %s OR ({table}.screen_key = excluded.screen_key AND %s)
        RETURNING artwork_id
    """  # noqa: S608 - the table name comes from model metadata, values are parameters
    rows = fetch_rows(sql, [*params, expires.get_db_prep_value(now, connection), restart])
    return {uuid.UUID(str(row[0])) for row in rows}


def release_expired(user: AbstractBaseUser, *, now: datetime) -> None:
    """Drop the user's leases that ran out, so the table stays as small as their screens.

    SQL for the same reason as ``claim``: it runs on every frame handed out."""
    moment = Lease._meta.get_field("expires_at").get_db_prep_value(now - LEASE_SLACK, connection)
    execute(
        f"DELETE FROM {Lease._meta.db_table} WHERE user_id = %s AND expires_at <= %s",  # noqa: S608
        [user.pk, moment],
    )


def remember_screen(
    user: AbstractBaseUser,
    *,
    key: str,
    now: datetime,
    artwork_id: uuid.UUID | None,
    lane: str | None = None,
) -> None:
    """Record that screen ``key`` asked at ``now`` and what it shows: ``artwork_id`` and
    why (its ``lane``, for the stats page), or, when it got nothing new, the frame it
    already had. SQL for the same reason as ``claim``: it runs on every request of every
    screen."""
    table = Screen._meta.db_table
    pk = Screen._meta.get_field("last_artwork").target_field
    seen = Screen._meta.get_field("last_seen_at").get_db_prep_value(now, connection)
    artwork = pk.get_db_prep_value(artwork_id, connection) if artwork_id else None
    execute(
        f"""INSERT INTO {table} (user_id, key, last_seen_at, last_artwork_id, last_lane)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (user_id, key) DO UPDATE
            SET last_seen_at = excluded.last_seen_at,
                last_artwork_id = COALESCE(excluded.last_artwork_id, {table}.last_artwork_id),
                last_lane = CASE WHEN excluded.last_artwork_id IS NULL
                                 THEN {table}.last_lane ELSE excluded.last_lane END
        """,  # noqa: S608 - the table name comes from model metadata, values are parameters
        [user.pk, key, seen, artwork, lane or ""],
    )
