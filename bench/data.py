"""The bench's data set, loaded with set-based SQL (``generate_series``) in seconds.

Artworks get ranks: rank 1 is the newest. Their ids are derived from the rank
(``md5('bench-art-' || rank)::uuid``), so impressions can name them without a join and
Python can name the newest artwork a user has seen without asking the database.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from artfeed.models import Artwork
from bench.sizes import Size
from impressions.models import Impression, SeenSpan
from impressions.spans import grow_seen_span, hold_span_lock

ROLES = ("new", "typical", "heavy", "rerun")


@dataclass(frozen=True)
class History:
    """A user's impressions: the artworks of rank ``offset + k * stride`` for k < count."""

    user_id: int
    count: int
    stride: int
    offset: int


@dataclass(frozen=True)
class Loaded:
    size: Size
    now: datetime
    users: dict[str, object]  # role -> User
    impressions: int
    spans: int
    seconds: dict[str, float]


def artwork_id(rank: int) -> uuid.UUID:
    return uuid.UUID(hashlib.md5(f"bench-art-{rank}".encode()).hexdigest())


def _execute(statement: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _insert_users(size: Size, now: datetime) -> dict[str, int]:
    User = get_user_model()
    _execute(
        f"""
        INSERT INTO {User._meta.db_table}
            (password, is_superuser, username, first_name, last_name, email, is_staff,
             is_active, date_joined)
        SELECT '!', false,
               CASE WHEN i <= %s THEN (%s::text[])[i] ELSE 'viewer-' || i END,
               '', '', '', false, true, %s
        FROM generate_series(1, %s) AS i
        """,  # noqa: S608 - the table name comes from model metadata
        [len(ROLES), list(ROLES), now, size.users],
    )
    rows = User.objects.order_by("id").values_list("username", "id")
    return dict(rows)


def _insert_artworks(size: Size, now: datetime) -> None:
    # Spread over the pool window, newest (rank 1) half a step before ``now``.
    _execute(
        f"""
        INSERT INTO {Artwork._meta.db_table}
            (id, title, prompt, style, image, origin, is_public, created_at, content_hash)
        SELECT md5('bench-art-' || r)::uuid, 'Artwork ' || r, 'a quiet harbour', 'waves',
               'bench/art.svg', 'pool', true, %s - %s * ((r - 0.5) / %s)::float8, ''
        FROM generate_series(1, %s) AS r
        """,  # noqa: S608 - the table name comes from model metadata
        [now, settings.ARTFEED_POOL_MAX_AGE, size.artworks, size.artworks],
    )


def plan_histories(size: Size, user_ids: dict[str, int]) -> list[History]:
    """Who has seen what. new: nothing. typical: ``typical_seen`` artworks scattered over
    the pool, the newest included. heavy: the newest ``heavy_seen``. rerun: everything.
    Everyone else shares the rest of the impressions, each scattered from a different
    starting rank."""
    n = size.artworks
    special = [
        History(user_ids["typical"], size.typical_seen, max(1, n // size.typical_seen), 1),
        History(user_ids["heavy"], min(size.heavy_seen, n), 1, 1),
        History(user_ids["rerun"], n, 1, 1),
    ]
    others = [uid for name, uid in user_ids.items() if name not in ROLES]
    left = max(0, size.impressions - sum(h.count for h in special))
    histories = list(special)
    for position, uid in enumerate(others):
        count = min(n, left // len(others) + (1 if position < left % len(others) else 0))
        if count:
            stride = max(1, n // count)
            histories.append(History(uid, count, stride, 1 + position % stride))
    return histories


def _insert_impressions(histories: list[History], now: datetime) -> int:
    """Every view lies between the artwork's creation and ``now`` (in its second half, so
    that every impression is still inside the cooldown while the bench runs)."""
    plan = ", ".join(["(%s, %s, %s, %s)"] * len(histories))
    params = [v for h in histories for v in (h.user_id, h.count, h.stride, h.offset)]
    _execute("SELECT setseed(0.42)")
    return _execute(
        f"""
        INSERT INTO {Impression._meta.db_table}
            (user_id, artwork_id, viewed_at, first_viewed_at, source)
        SELECT s.user_id, a.id, s.viewed, s.viewed, 'displayed'
        FROM (
            SELECT p.user_id, md5('bench-art-' || (p.off + k * p.stride))::uuid AS artwork,
                   0.5 + 0.5 * random() AS h
            FROM (VALUES {plan}) AS p (user_id, count, stride, off),
                 generate_series(0, p.count - 1) AS k
        ) AS s0
        JOIN {Artwork._meta.db_table} a ON a.id = s0.artwork,
        LATERAL (SELECT s0.user_id, a.created_at + s0.h * (%s - a.created_at) AS viewed) AS s
        """,  # noqa: S608 - table names come from model metadata, values are parameters
        [*params, now],
    )


@contextmanager
def indexes_dropped(table: str) -> Iterator[None]:
    """Drop the table's indexes and constraints (but its primary key) for a bulk load and
    build them again afterwards: one sort per index instead of millions of inserts."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Inside a transaction (the bench's test) deferred checks of rows just
            # inserted would forbid altering the tables they point to: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'c')""",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def grow_spans(histories: list[History], now: datetime) -> int:
    """Build each user's seen span the way the app does after a batch (``record_impressions``
    calls ``grow_seen_span``): the bulk load bypassed it. Seeded with the newest artwork
    the user has seen, it walks down their history once."""
    User = get_user_model()
    users = User.objects.in_bulk([h.user_id for h in histories])
    for history in histories:
        with transaction.atomic():
            hold_span_lock()
            grow_seen_span(users[history.user_id], seen_ids=[artwork_id(history.offset)])
    return SeenSpan.objects.count()


def analyze() -> None:
    # VACUUM (for index-only scans) cannot run in a transaction, as in the bench's test.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def load(size: Size, *, clock=None) -> Loaded:
    """Fill the (migrated, empty) database and return the measured users."""
    import time

    clock = clock or time.perf_counter
    seconds: dict[str, float] = {}
    now = timezone.now()

    started = clock()
    user_ids = _insert_users(size, now)
    _insert_artworks(size, now)
    seconds["users and artworks"] = clock() - started

    started = clock()
    histories = plan_histories(size, user_ids)
    with indexes_dropped(Impression._meta.db_table):
        impressions = _insert_impressions(histories, now)
    seconds["impressions (and their indexes)"] = clock() - started

    started = clock()
    spans = grow_spans(histories, now)
    seconds["seen spans"] = clock() - started

    started = clock()
    analyze()
    seconds["VACUUM ANALYZE"] = clock() - started

    users = get_user_model().objects.in_bulk([user_ids[r] for r in ROLES])
    return Loaded(
        size=size,
        now=now,
        users={r: users[user_ids[r]] for r in ROLES},
        impressions=impressions,
        spans=spans,
        seconds=seconds,
    )
