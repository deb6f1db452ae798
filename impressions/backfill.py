"""Backfill: mark legacy artworks as seen for users who may have seen them untracked.

Artworks created before impression tracking began (the cutover, ``ARTFEED_TRACKING_SINCE``)
may have been on a user's screens without leaving an impression, so the feed would treat
them as never seen. ``backfill_impressions`` writes the missing impressions. Its three
doors (the ``backfill_impressions`` command, the admin action on users, the first login)
all call it; none holds logic of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AbstractUser
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.defaultfilters import pluralize
from django.utils import timezone

from artfeed.models import Artwork, ArtworkQuerySet
from impressions.models import Backfill, Impression
from impressions.rules import never_seen
from impressions.spans import seed_seen_span

DEFAULT_BATCH_SIZE = 1000


class BackfillError(ValueError):
    """A backfill that must not run as asked (the message says why)."""


@dataclass(frozen=True)
class BackfillProgress:
    """Where a run stands, after each chunk: ``rows`` of ``expected`` for the user
    ``user_number`` of ``user_count`` (counted rows, on a dry run)."""

    username: str
    user_number: int
    user_count: int
    rows: int
    expected: int


@dataclass(frozen=True)
class BackfillResult:
    cutover: datetime
    dry_run: bool
    users: int  # users backfilled (or counted)
    skipped: int  # selected users who joined on or after the cutover
    rows: int  # impressions inserted (or that would be, on a dry run)
    seconds: float

    def summary(self) -> str:
        """One line for the operator (the command's last line, the admin's message)."""
        users, rows = _many(self.users, "user"), _many(self.rows, "impression")
        head = f"Backfilled {users} with {rows}"
        if self.dry_run:
            head = f"Dry run, nothing written: would backfill {users} with {rows}"
        if self.skipped:
            head += f", skipped {_many(self.skipped, 'user')} who joined after the cutover"
        return f"{head}, in {self.seconds:.1f} s (cutover {self.cutover.isoformat()})."


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}{pluralize(count)}"


ProgressCallback = Callable[[BackfillProgress], None]


def untracked_before(user: AbstractBaseUser, cutover: datetime) -> Q:
    """Created before ``cutover`` and without an impression of ``user`` (a Q on Artwork)."""
    return Q(never_seen(user), created_at__lt=cutover)


def legacy_untracked(user: AbstractBaseUser, *, cutover: datetime) -> ArtworkQuerySet:
    """Artworks visible to ``user``, created before ``cutover``, without an impression of
    theirs: exactly what a backfill of the user would write."""
    return Artwork.objects.visible_to(user).filter(untracked_before(user, cutover))


def resolve_cutover(cutover: datetime | None, *, now: datetime) -> datetime:
    """The cutover to use: the one given, else ``ARTFEED_TRACKING_SINCE``."""
    cutover = cutover or settings.ARTFEED_TRACKING_SINCE
    if cutover is None:
        raise BackfillError("No cutover: set ARTFEED_TRACKING_SINCE or give one explicitly.")
    if cutover > now:
        # Everything existing would count as seen, and live views (viewed_at = now) would
        # fall before the backfilled first view.
        raise BackfillError(f"The cutover {cutover.isoformat()} lies in the future.")
    return cutover


def backfill_impressions(
    *,
    users: QuerySet[AbstractUser],
    trigger: Backfill.Trigger,
    actor: AbstractBaseUser | None = None,
    cutover: datetime | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
) -> BackfillResult:
    """Give each of ``users`` a ``source=backfill`` impression of every artwork visible to
    them and created before the cutover that they have no impression of.

    - **Which users.** Those of ``users`` who joined before the cutover: anyone who
      joined later had every view tracked, so they are skipped (and counted as such).
    - **The rows' times.** ``viewed_at = first_viewed_at = cutover``: the last moment the
      user could have seen the artwork untracked. So backfilled art cools down from the
      cutover (long past, usually: it is back in rotation, not hidden), reruns oldest
      view first before anything seen since, and a real view later simply moves
      ``viewed_at`` forward (``source`` becomes ``displayed``).
    - **Safe beside live traffic.** Per user, the legacy artworks are walked in chunks
      of about ``batch_size`` (keyset on ``created_at``); each chunk is one
      ``INSERT … SELECT … ON CONFLICT DO NOTHING`` committed on its own, together with
      the run's log row, so no lock is held longer than one chunk and memory stays
      constant. A row written meanwhile by a live view or by a second run is left alone,
      so two runs at once, or a rerun, insert each missing row exactly once (a second run
      inserts nothing).
    - **Dry run.** Counts what would be inserted and writes no impression.
    - **Audit.** Every run leaves one ``Backfill`` row per user (trigger, actor, cutover,
      rows, start and end, dry run), written with the user's first chunk and brought up
      to date with each later one, so a run cut short shows with no end and the rows it
      did write. Such a run does not count as done: the next login of the user
      (``impressions.login``) runs again, as does the command, and writes only what is
      still missing.

    ``progress`` is called after each chunk (and once per user on a dry run). Raises
    ``BackfillError`` without writing anything when no cutover is known or it lies in
    the future.
    """
    started = time.monotonic()
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    cutover = resolve_cutover(cutover, now=timezone.now())
    eligible = users.filter(date_joined__lt=cutover).order_by("pk")
    user_count = eligible.count()
    skipped = users.count() - user_count
    rows = 0
    for number, user in enumerate(eligible.iterator(chunk_size=500), start=1):
        run = Backfill(
            user=user,
            trigger=trigger,
            actor=actor,
            cutover=cutover,
            dry_run=dry_run,
            started_at=timezone.now(),
        )
        for done, expected in _backfill_user(run, batch_size=batch_size):
            if progress is not None:
                username = user.get_username()
                progress(BackfillProgress(username, number, user_count, done, expected))
        if run.rows_inserted and not dry_run:
            _seed_span(user, cutover=cutover)
        rows += run.rows_inserted
    return BackfillResult(
        cutover=cutover,
        dry_run=dry_run,
        users=user_count,
        skipped=skipped,
        rows=rows,
        seconds=time.monotonic() - started,
    )


def _seed_span(user: AbstractUser, *, cutover: datetime) -> None:
    """Start the user's seen span over what the backfill marked seen, so that their very
    first frame skips it instead of probing it (``impressions.spans``)."""
    legacy = Artwork.objects.visible_to(user).filter(created_at__lt=cutover)
    seed = legacy.order_by("-created_at").values("pk")[:1]
    for row in seed:
        seed_seen_span(user, artwork_id=row["pk"])


def _backfill_user(run: Backfill, *, batch_size: int) -> Iterator[tuple[int, int]]:
    """Backfill ``run``'s user chunk by chunk, yielding (rows so far, rows expected) after
    each, and keep ``run`` (not yet saved) in the log.

    A chunk is the next ``batch_size`` legacy artworks in ``created_at`` order (plus any
    sharing the last one's ``created_at``, so a tie never straddles two chunks). Its
    bound comes from a walk of the ``created_at`` index and its insert probes the
    unique key once a row, so each chunk costs the same however large the pool and the
    user's history, and however far the run has got. Only the count looks at all of
    the user's impressions, and only a dry run or a user of several chunks needs it: in
    one chunk, what is expected is what it inserts.

    Each chunk's rows and the log row commit together (one commit a chunk: on a disk
    that flushes each commit, commits are a good part of a backfill's time), so the log
    says exactly what a run cut short wrote.
    """
    user, cutover = run.user, run.cutover
    legacy = Artwork.objects.visible_to(user).filter(created_at__lt=cutover).order_by()
    if run.dry_run:
        run.rows_inserted = legacy_untracked(user, cutover=cutover).count()
        run.finished_at = timezone.now()
        run.save()
        yield run.rows_inserted, run.rows_inserted
        return
    expected: int | None = None
    after: datetime | None = None
    while True:
        window = legacy if after is None else legacy.filter(created_at__gt=after)
        bound = list(
            window.order_by("created_at").values_list("created_at", flat=True)[
                batch_size - 1 : batch_size
            ]
        )
        if bound and expected is None:
            expected = legacy_untracked(user, cutover=cutover).count()
        chunk = window.filter(created_at__lte=bound[0]) if bound else window
        # The caller's transaction, if any, already makes them one.
        with transaction.atomic(savepoint=False):
            run.rows_inserted += _insert_impressions(chunk, user=user, moment=cutover)
            if not bound:
                run.finished_at = timezone.now()
            if run.pk is None:
                run.save()
            else:
                run.save(update_fields=["rows_inserted", "finished_at"])
        yield run.rows_inserted, run.rows_inserted if expected is None else expected
        if not bound:
            return
        after = bound[0]


def _insert_impressions(
    artworks: QuerySet[Artwork], *, user: AbstractUser, moment: datetime
) -> int:
    """Insert a backfill impression of each of ``artworks`` for ``user`` unless they
    have one, and return how many rows were new.

    Raw SQL because the ORM has no ``INSERT … SELECT``: without it every row would
    travel to Python and back, so time and memory would grow with the pool. The rows are
    the ORM's own query (``artworks``, compiled) as a derived table, which the database
    inlines. An impression the user already has, or one a live view or another run
    writes meanwhile, is skipped by ``ON CONFLICT DO NOTHING``: one probe of the unique
    key per row, so a chunk costs its own rows only (a ``NOT EXISTS`` here let
    PostgreSQL hash all of the user's impressions for every chunk). Rows go in artwork
    id order, the order a live batch upserts in (``services._upsert_visible``), so
    concurrent writers take their locks in one order and cannot deadlock. Portable to
    SQLite ≥ 3.35 and PostgreSQL: the ORM adapts the query's UUIDs and datetimes,
    ``get_db_prep_value`` adapts ours, and ``WHERE true`` spares SQLite's parser from
    reading ``ON CONFLICT`` as a join constraint.
    """
    rows, row_params = artworks.values("id").query.get_compiler(connection=connection).as_sql()
    sql = f"""
        INSERT INTO {Impression._meta.db_table}
            (user_id, artwork_id, viewed_at, first_viewed_at, source)
        SELECT %s, chunk.id, %s, %s, %s
        FROM ({rows}) chunk
        WHERE true
        ORDER BY chunk.id
        ON CONFLICT (user_id, artwork_id) DO NOTHING
    """  # noqa: S608 - the table name comes from model metadata, values are parameters
    when = Impression._meta.get_field("viewed_at").get_db_prep_value(moment, connection)
    params = [user.pk, when, when, Impression.Source.BACKFILL, *row_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
