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
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from artfeed.models import Artwork
from bench.sizes import Size
from impressions.backfill import backfill_impressions
from impressions.models import Backfill, Impression, SeenSpan, SpanHole
from impressions.services import record_impressions
from impressions.spans import grow_missing_spans

ROLES = ("new", "typical", "heavy", "rerun")
# More users with the heavy user's history, each left in another state the app can leave
# a heavy user in (bench/rows/feed.py): their span holed by an operator's writes, their
# history from before the upgrade (the span grown by the migration), a backfill.
STATES = ("heavy-holes", "heavy-upgraded", "backfilled")


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
    users: dict[str, object]  # role (ROLES and STATES) -> User
    impressions: int
    spans: int
    holes: int
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
        [len(ROLES + STATES), list(ROLES + STATES), now, size.users],
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
    heavy = min(size.heavy_seen, n)
    special = [
        History(user_ids["typical"], size.typical_seen, max(1, n // size.typical_seen), 1),
        History(user_ids["heavy"], heavy, 1, 1),
        History(user_ids["heavy-holes"], heavy, 1, 1),
        History(user_ids["heavy-upgraded"], heavy, 1, 1),
        History(user_ids["rerun"], n, 1, 1),
    ]
    others = [uid for name, uid in user_ids.items() if name not in ROLES + STATES]
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


def first_batches(histories: list[History], users: dict[int, object], now: datetime) -> None:
    """The bulk load wrote history behind ``record_impressions``' back, as a backfill or an
    import would: each measured user (but the one left without) then sends the batch a
    screen sends next, the newest artwork they saw, and the app grows their span from it
    (``grow_seen_span`` walks their whole run once, as the app does)."""
    for history in histories:
        user = users[history.user_id]
        if user.username in ROLES + ("heavy-holes",):
            record_impressions(user=user, artwork_ids=[artwork_id(history.offset)], now=now)


def make_holes(user, size: Size) -> Artwork:
    """An operator's writes inside the heavy user's span: an artwork made earlier, private,
    published with a bulk update (a moderation queue), and one impression deleted in the
    admin. The database records both as holes of the span. Returns the artwork published
    (a hole in every span around it)."""
    middle = Artwork.objects.get(pk=artwork_id(size.heavy_seen // 2))
    late = Artwork.objects.create(
        title="Published late",
        image="bench/art.svg",
        is_public=False,
        created_at=middle.created_at - timedelta(microseconds=1),
    )
    Artwork.objects.filter(pk=late.pk).update(is_public=True)
    Impression.objects.get(user=user, artwork_id=artwork_id(size.heavy_seen * 2 // 3)).delete()
    return late


def backfill(user, size: Size) -> None:
    """The backfilled user: every artwork is legacy (the cutover is now), so the backfill
    marks the whole pool seen, through the service the command and the admin call."""
    backfill_impressions(
        users=get_user_model().objects.filter(pk=user.pk),
        trigger=Backfill.Trigger.COMMAND,
        cutover=timezone.now(),
        batch_size=max(1000, size.artworks // 20),
    )


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

    User = get_user_model()
    users = User.objects.in_bulk(list(user_ids.values()))
    started = clock()
    first_batches(histories, users, now)
    late = make_holes(users[user_ids["heavy-holes"]], size)
    for role in ("heavy", "rerun"):  # they see it next, and are whole again
        record_impressions(user=users[user_ids[role]], artwork_ids=[late.pk], now=now)
    seconds["first batches (seen spans) and holes"] = clock() - started

    # The upgrade: migration 0005 grows a span for everyone who has history and none (the
    # heavy user's twin left without a batch, and every other user of the data set).
    started = clock()
    grow_missing_spans()
    seconds["spans of everyone else (migration 0005's grow)"] = clock() - started

    started = clock()
    backfill(users[user_ids["backfilled"]], size)
    seconds["backfill of one user"] = clock() - started

    started = clock()
    analyze()
    seconds["VACUUM ANALYZE"] = clock() - started

    return Loaded(
        size=size,
        now=now,
        users={r: users[user_ids[r]] for r in ROLES + STATES},
        impressions=impressions,
        spans=SeenSpan.objects.count(),
        holes=SpanHole.objects.count(),
        seconds=seconds,
    )
