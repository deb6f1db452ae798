"""On-screen leases: a frame handed to a screen is not handed out again until it has
been shown (and so entered its cooldown) or its lease ran out.

A frame handed out is one write: the lease taken, the user's run-out leases dropped and
the screen's row written (``ScreenManager.visit_statement``). On PostgreSQL that is one
statement (data-modifying CTEs: one round trip, no transaction to open and commit); on
SQLite, which has no such CTEs and no network, three statements in one transaction.
Every statement filters by ``user_id`` (docs/scaling.md: a single-shard router write
once leases and screens are distributed by user).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from artfeed.sql import execute, fetch_rows
from display.models import Lease, Screen

if TYPE_CHECKING:
    from display.screens import ScreenSettings

# Time beyond the dwell for the frame to be decoded, shown, pass the viewability bar and
# have its impression flushed; until then it must not appear on another screen.
LEASE_SLACK = timedelta(seconds=30)


@dataclass(frozen=True)
class Visit:
    """The screen's side of a claim: its row is written in the same go
    (``ScreenManager.visit_statement``), with the page's settings when it ``opening``."""

    key: str
    opening: ScreenSettings | None = None


@dataclass(frozen=True)
class Claimed:
    artwork_ids: set[uuid.UUID]  # those the screen got
    screen: Screen | None  # its row as written, when the claim carried an opening visit


def claim(
    user: AbstractBaseUser,
    *,
    screen: str,
    frames: Sequence[tuple[uuid.UUID, str]],
    until: datetime,
    now: datetime,
    restart: bool = False,
    visit: Visit | None = None,
) -> Claimed:
    """Lease these frames, (artwork id, lane) pairs in order, to ``screen`` and say which
    it got.

    A row that another request leased meanwhile (and whose lease has not run out) is
    left alone and not returned, so two screens, or two quick requests of one screen,
    never take the same frame. A screen that ``restart``s (its page was loaded anew, its
    frames are gone) may take back its own. With a ``visit``, the user's leases that ran
    out are dropped and the screen's row is written, showing the first frame it got (or
    still the one it had), in the same write; the row as written comes back when the
    visit is its page opening. Raw SQL because the ORM's upsert cannot make the update
    conditional nor say which rows it won; prepared (``artfeed.sql``), or behind a pooler
    kept in a function (``kept_writes``), because it runs on every frame handed out.
    """
    if visit is None:
        return Claimed(_claim(user, screen, frames, until, now, restart), None)
    if connection.vendor == "postgresql":
        # The release, the claim and the screen's row in one statement.
        statement = _claim_and_visit_statement(
            user, screen, frames, until, now, restart, visit,
            own_transaction=not connection.in_atomic_block,
        )  # fmt: skip
        return _claimed(fetch_rows(*statement), visit)
    with transaction.atomic():
        release_expired(user, now=now)
        won = _claim(user, screen, frames, until, now, restart)
        first = next(((pk, lane) for pk, lane in frames if pk in won), (None, ""))
        row = Screen.objects.record_visit(
            user=user, key=visit.key, now=now, frame=first[0], lane=first[1], opening=visit.opening
        )
    return Claimed(won, row if visit.opening else None)


def _claim_statement(
    user: AbstractBaseUser,
    screen: str,
    frames: Sequence[tuple[uuid.UUID, str]],
    until: datetime,
    now: datetime,
    restart: bool,
) -> tuple[str, list[Any]]:
    """The ``INSERT … ON CONFLICT`` taking the leases, up to its ``RETURNING``, and its
    parameters: on its own, or as a part of the one-statement write."""
    table = Lease._meta.db_table
    until_value = _prep(until)
    params: list[Any] = []
    for artwork_id, _lane in frames:
        params += [user.pk, _artwork(artwork_id), screen, until_value]
    sql = f"""INSERT INTO {table} (user_id, artwork_id, screen_key, expires_at)
        VALUES {", ".join(["(%s, %s, %s, %s)"] * len(frames))}
        ON CONFLICT (user_id, artwork_id) DO UPDATE
        SET screen_key = excluded.screen_key, expires_at = excluded.expires_at
        WHERE {table}.expires_at <= %s OR ({table}.screen_key = excluded.screen_key AND %s)
        RETURNING artwork_id"""  # noqa: S608 - the table name comes from model metadata
    return sql, [*params, _prep(now), restart]


def _claim(
    user: AbstractBaseUser,
    screen: str,
    frames: Sequence[tuple[uuid.UUID, str]],
    until: datetime,
    now: datetime,
    restart: bool,
) -> set[uuid.UUID]:
    if not frames:
        return set()
    return _ids(fetch_rows(*_claim_statement(user, screen, frames, until, now, restart)))


def _claimed(rows: list[tuple], visit: Visit) -> Claimed:
    """What ``_claim_and_visit_statement``'s rows say the screen won, and its row for an
    opening visit."""
    return Claimed(
        {uuid.UUID(str(row[0])) for row in rows if row[0] is not None},
        Screen.objects.from_returned(rows[0][1 : 1 + len(Screen._meta.concrete_fields)])
        if visit.opening
        else None,
    )


def _claim_and_visit_statement(
    user: AbstractBaseUser,
    screen: str,
    frames: Sequence[tuple[uuid.UUID, str]],
    until: datetime,
    now: datetime,
    restart: bool,
    visit: Visit,
    *,
    own_transaction: bool,
) -> tuple[str, list[Any]]:
    """PostgreSQL: the release, the claim and the screen's row as one statement, and its
    parameters.

    Its parts see one snapshot and none sees another's writes, so they must not touch
    the same row: the release spares the artworks being claimed (the claim takes over
    such a run-out row anyway). The screen shows the first frame won, in ``frames``'
    order; none won, it keeps its own. ``own_transaction``: the statement is a
    transaction of its own (not inside another)."""
    release, params = _release(user, now, sparing=[pk for pk, _lane in frames])
    if frames:
        taking, claim_params = _claim_statement(user, screen, frames, until, now, restart)
        params += claim_params
        for position, (pk, lane) in enumerate(frames):
            params += [position, _artwork(pk), lane]
        parts = [
            f"released AS ({release})",
            f"claimed AS ({taking})",
            f"""shown AS (SELECT b.artwork_id, b.lane
                FROM (VALUES {", ".join(["(%s::integer, %s::uuid, %s)"] * len(frames))})
                     AS b (position, artwork_id, lane)
                JOIN claimed c ON c.artwork_id = b.artwork_id
                ORDER BY b.position LIMIT 1)""",
        ]
        frame, lane = "(SELECT artwork_id FROM shown)", "(SELECT lane FROM shown)"
        got, join = "claimed.artwork_id", "LEFT JOIN claimed ON true"
    else:
        parts = [f"released AS ({release})"]
        frame, lane, got, join = "NULL::uuid", "NULL", "NULL::uuid", ""
    written, visit_params = Screen.objects.visit_statement(
        user_id=user.pk, key=visit.key, now=now, opening=visit.opening, frame=frame, lane=lane
    )
    parts.append(f"screen AS ({written})")
    params += visit_params
    # The row comes back to the page that opens the screen (its settings, its sleep); a
    # frame's request has no use for it (reading it back was a fifth of the app's time
    # for this write: 0.25 ms against 0.2, in process).
    columns = (
        [f"screen.{c}" for c in Screen.objects.returned_columns().split(", ")]
        if visit.opening
        else []
    )
    if own_transaction:
        # Let its commit skip waiting for the log to reach disk (measured: the wait was
        # most of this write's time). A database crash may then forget the last fraction
        # of a second of leases and screen visits, which the screens' next requests
        # write again; it cannot corrupt them, and nothing else is in this transaction
        # (an impression never is).
        columns.append("set_config('synchronous_commit', 'off', true)")
    selected = ", ".join([got, *columns])
    return f"WITH {', '.join(parts)} SELECT {selected} FROM screen {join}", params


class _Anyone:
    pk = 0


@lru_cache(maxsize=1)
def kept_writes() -> list[str]:
    """The write of a frame as a screen's every request makes it (one frame, no page
    opening, a transaction of its own), which ``migrate`` keeps in the database behind a
    pooler (``artfeed.sql.keep_in_database``): planned on every run there, it cost the
    database 0.53–0.61 ms a frame, against 0.17–0.18 ms prepared. The values here only
    shape the text; each run binds its own."""
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    statement, _ = _claim_and_visit_statement(
        _Anyone(),  # type: ignore[arg-type]
        "",
        [(uuid.UUID(int=0), "")],
        moment,
        moment,
        False,
        Visit(""),
        own_transaction=True,
    )
    return [statement]


def release_expired(user: AbstractBaseUser, *, now: datetime) -> None:
    """Drop the user's leases that ran out, so the table stays as small as their screens.

    SQL for the same reason as ``claim``: it runs on every frame handed out."""
    execute(*_release(user, now))


def _release(
    user: AbstractBaseUser, now: datetime, *, sparing: Sequence[uuid.UUID] = ()
) -> tuple[str, list[Any]]:
    """The statement dropping the user's run-out leases, but for those of ``sparing``
    (the artworks the same statement claims), and its parameters.

    On PostgreSQL a row another request holds is skipped, not waited for: two screens'
    writes, each claiming a run-out lease the other drops, would otherwise wait for each
    other (a deadlock, one of them aborted). What is skipped goes on a later request."""
    table = Lease._meta.db_table
    where = "user_id = %s AND expires_at <= %s"
    params: list[Any] = [user.pk, _prep(now - LEASE_SLACK)]
    if sparing:
        where += f" AND artwork_id NOT IN ({', '.join(['%s'] * len(sparing))})"
        params += [_artwork(pk) for pk in sparing]
    if connection.vendor != "postgresql":
        return f"DELETE FROM {table} WHERE {where}", params  # noqa: S608
    locked = f"SELECT id FROM {table} WHERE {where} FOR UPDATE SKIP LOCKED"  # noqa: S608
    return f"DELETE FROM {table} WHERE user_id = %s AND id IN ({locked})", [user.pk, *params]


def _prep(moment: datetime) -> object:
    return Lease._meta.get_field("expires_at").get_db_prep_value(moment, connection)


def _artwork(artwork_id: uuid.UUID) -> object:
    return Lease._meta.get_field("artwork").target_field.get_db_prep_value(artwork_id, connection)


def _ids(rows: list[tuple]) -> set[uuid.UUID]:
    return {uuid.UUID(str(row[0])) for row in rows}
