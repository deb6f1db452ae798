"""On-screen leases: a frame handed to a screen is not handed out again until it has
been shown (and so entered its cooldown) or its lease ran out."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Exists, OuterRef

from display.models import Lease

# Time beyond the dwell for the frame to be decoded, shown, pass the viewability bar and
# have its impression flushed; until then it must not appear on another screen.
LEASE_SLACK = timedelta(seconds=30)


def on_screen(user: AbstractBaseUser, *, now: datetime, besides: str | None = None) -> Exists:
    """True for an artwork currently leased to one of the user's screens (other than
    ``besides``, a screen that starts over and may take its own frames again)."""
    leases = Lease.objects.filter(user=user, artwork=OuterRef("pk"), expires_at__gt=now)
    if besides is not None:
        leases = leases.exclude(screen_key=besides)
    return Exists(leases)


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
    upsert cannot make the update conditional nor say which rows it won. Portable to
    SQLite and PostgreSQL.
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
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, expires.get_db_prep_value(now, connection), restart])
        return {uuid.UUID(str(row[0])) for row in cursor.fetchall()}


def release_expired(user: AbstractBaseUser, *, now: datetime) -> None:
    """Drop the user's leases that ran out, so the table stays as small as their screens."""
    Lease.objects.filter(user=user, expires_at__lte=now - LEASE_SLACK).delete()
