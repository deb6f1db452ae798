"""The seen span: how the feed skips a user's history instead of probing it.

A user who watches newest first leaves behind one long run of artworks (ordered by
``created_at``) that they have all seen. Probing each of those rows for an impression is
what makes a naive "newest unseen" query slow for a heavy user. ``SeenSpan`` remembers
the run's bounds; the feed searches above and below it, and inside it only the holes
(``SpanHole``). Its invariant and how it stays true, whoever writes, are stated on the
model (``impressions.models.SeenSpan``): the database records holes as artworks appear
and impressions go, and ``grow_seen_span`` grows the span at its edges as batches of
impressions arrive, walking only the rows they newly cover.

Concurrency (PostgreSQL): a batch takes ``SPAN_LOCK`` shared before it writes anything
(``hold_span_lock``), and every write that can open a hole takes it exclusively (the
triggers). So a span is never grown over an artwork or an impression change that has not
committed yet: the grow waits for it, or the change waits for the grow and then sees the
span it grew. SQLite runs one writer at a time, which gives the same order.

Raw SQL, portable to SQLite and PostgreSQL: each step is one statement, run on every batch
of impressions a screen sends (the ORM needed five queries and correlated subqueries it
could not keep to the newly covered rows).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from artfeed.models import Artwork
from artfeed.rules import visible_to_sql
from artfeed.sql import execute
from impressions.models import Impression, SeenSpan, SpanHole

# The advisory lock the triggers of migration 0003_seen_span_holes take (same number).
SPAN_LOCK = 7261746604

_FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)
_FAR_FUTURE = datetime(9999, 12, 30, tzinfo=UTC)


def span_tables() -> dict[str, str]:
    """The tables the span's SQL names, for ``str.format`` (the feed's SQL uses them too)."""
    return {
        "artwork": Artwork._meta.db_table,
        "impression": Impression._meta.db_table,
        "span": SeenSpan._meta.db_table,
        "hole": SpanHole._meta.db_table,
    }


def hold_span_lock() -> None:
    """Take the span lock for the rest of the transaction (PostgreSQL; see above)."""
    if connection.vendor == "postgresql":
        execute("SELECT pg_advisory_xact_lock_shared(%s)", [SPAN_LOCK])


def grow_seen_span(
    user: AbstractBaseUser, *, seen_ids: Sequence[uuid.UUID] = (), prepared: bool = True
) -> None:
    """Grow the user's span at both edges over what they have seen, and drop the holes
    that are seen again or gone. With no span yet, start one at the newest of
    ``seen_ids`` (artworks just seen). Two statements, whatever the history; the walks
    visit only the rows the span newly covers. Call inside the transaction that holds
    ``hold_span_lock``. ``prepared=False`` plans the walk for this run (a one-off walk of
    a long history, where a plan cached while the table was small could scan it all)."""
    run = execute if prepared else _execute_planned
    run(*_grow(user, seen_ids))
    _fill_holes(user)


def _execute_planned(statement: str, params: Sequence) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _grow(user: AbstractBaseUser, seen_ids: Sequence[uuid.UUID]) -> tuple[str, list]:
    pk = Artwork._meta.pk
    moment = Artwork._meta.get_field("created_at")
    ids = [pk.get_db_prep_value(i, connection) for i in seen_ids]
    far_past = moment.get_db_prep_value(_FAR_PAST, connection)
    far_future = moment.get_db_prep_value(_FAR_FUTURE, connection)
    uid = user.pk
    placeholders = ", ".join(["%s"] * len(ids)) or "NULL"
    seed = f"(SELECT max(a.created_at) FROM {{artwork}} a WHERE a.id IN ({placeholders}))"
    start = "COALESCE((SELECT s.{edge} FROM {span} s WHERE s.user_id = %s), " + seed + ")"
    up = _walk(">=", "<", "ASC", "max", start.replace("{edge}", "newest"))
    down = _walk("<=", ">", "DESC", "min", start.replace("{edge}", "oldest"))
    current = "(SELECT s.{edge} FROM {span} s WHERE s.user_id = %s)"
    # MATERIALIZED: each walk runs once (inlined, PostgreSQL copies them into the WHERE).
    sql = f"""
        WITH grown AS MATERIALIZED (
            SELECT COALESCE({down}, {current.replace("{edge}", "oldest")}) AS oldest,
                   COALESCE({up}, {current.replace("{edge}", "newest")}) AS newest
        )
        INSERT INTO {{span}} (user_id, oldest, newest)
        SELECT %s, oldest, newest FROM grown
        WHERE oldest IS NOT NULL AND newest IS NOT NULL
        ON CONFLICT (user_id) DO UPDATE SET oldest = excluded.oldest, newest = excluded.newest
    """.format(**span_tables())  # noqa: S608 - table names come from model metadata

    def walk_params(far):
        start_params = [uid, *ids]
        return [uid, *start_params, *start_params, uid, uid, far]

    return sql, [*walk_params(far_past), uid, *walk_params(far_future), uid, uid]


def _walk(compare: str, beyond: str, order: str, pick: str, start: str) -> str:
    """From ``start`` (inclusive) toward newer (">=", "<", ASC, max) or older ("<=", ">",
    DESC, min): the furthest created_at before the first visible artwork not seen since
    its creation. Parameters: user, start's, start's, user, user, far."""
    return f"""(SELECT {pick}(a.created_at) FROM {{artwork}} a
        WHERE {visible_to_sql("a")} AND a.created_at {compare} {start}
        AND a.created_at {beyond} COALESCE((
            SELECT b.created_at FROM {{artwork}} b
            WHERE b.created_at {compare} {start} AND {visible_to_sql("b")}
            AND NOT EXISTS (SELECT 1 FROM {{impression}} i WHERE i.user_id = %s
                            AND i.artwork_id = b.id AND i.viewed_at >= b.created_at)
            ORDER BY b.created_at {order} LIMIT 1), %s))"""


def _fill_holes(user: AbstractBaseUser) -> None:
    """Drop the user's holes whose artwork is seen since its creation, no longer visible
    to them, or gone: the triggers record a hole again if that changes."""
    execute(
        """DELETE FROM {hole} WHERE user_id = %s AND NOT EXISTS (
            SELECT 1 FROM {artwork} a WHERE a.id = {hole}.artwork_id
            AND {visible}
            AND NOT EXISTS (SELECT 1 FROM {impression} i WHERE i.user_id = %s
                            AND i.artwork_id = a.id AND i.viewed_at >= a.created_at))""".format(
            **span_tables(), visible=visible_to_sql()
        ),  # noqa: S608 - table names come from model metadata
        [user.pk, user.pk, user.pk],
    )


def seed_seen_span(user: AbstractBaseUser, *, artwork_id: uuid.UUID) -> None:
    """Grow the user's span from ``artwork_id`` (one they have seen) over all they have
    seen around it, in a transaction of its own: for history written in bulk, which no
    batch has walked yet (a backfill). Walks the whole run once."""
    with transaction.atomic(savepoint=False):
        hold_span_lock()
        grow_seen_span(user, seen_ids=[artwork_id], prepared=False)


def forget_seen_span(user: AbstractBaseUser) -> None:
    """Drop the user's span (and, by trigger, its holes): for a reset, where every
    impression goes and a span would only make the deletes record holes."""
    SeenSpan.objects.filter(user=user).delete()
