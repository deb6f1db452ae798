"""Writes of impressions. Views and commands call these; they hold no HTTP knowledge."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from artfeed.models import Artwork
from artfeed.rules import visible_to_sql
from artfeed.sql import execute, pipeline, rows_later
from impressions.models import Impression
from impressions.signals import impressions_recorded
from impressions.spans import among, forget_seen_span, grow_seen_span, hold_span_lock

# An artwork id as PostgreSQL writes it, and as the display sends it.
_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_CANONICAL_ID = re.compile(_ID)
# A batch of them joined by commas: one match instead of one per id.
_CANONICAL_IDS = re.compile(rf"{_ID}(?:,{_ID})*")


def canonical_id(value: uuid.UUID | str) -> str:
    """An artwork id as its canonical text (lowercase, hyphenated): a batch carries its
    ids as text from the body to the statement and back to the answer, which costs a
    fraction of turning two hundred of them into ``UUID`` objects and back (about 0.5 ms
    of a batch's Python). Raises ``ValueError`` for text that is no UUID."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if _CANONICAL_ID.fullmatch(value):
        return value
    return str(uuid.UUID(value))  # upper case, braces, "urn:uuid:", no hyphens


class NotAnId(ValueError):
    """A value among a batch's ids that is no UUID, and its position."""

    def __init__(self, position: int, value: object) -> None:
        super().__init__(f"[{position}] is not an artwork id: {value!r:.60}.")
        self.position = position


def canonical_ids(values: Sequence[uuid.UUID | str]) -> list[str]:
    """The distinct ids among ``values`` as canonical text (``canonical_id``), in the
    order first given. A batch already in canonical text, as the display sends it (and
    as the endpoint passes it on), is checked in one match. Raises ``NotAnId`` (a
    ``ValueError``) for the first value that is no UUID."""
    if values and all(isinstance(value, str) for value in values):
        joined = ",".join(values)  # type: ignore[arg-type]
        # The length says no value holds a comma of its own (each is 36 characters).
        if len(joined) == 37 * len(values) - 1 and _CANONICAL_IDS.fullmatch(joined):
            return list(dict.fromkeys(values))  # type: ignore[arg-type]
    ids: dict[str, None] = {}
    for position, value in enumerate(values):
        try:
            ids[canonical_id(value)] = None
        except ValueError as error:
            raise NotAnId(position, value) from error
    return list(ids)


@dataclass(frozen=True)
class RecordedBatch:
    """What a batch did: the ids written (inserted or refreshed) and those refused (gone,
    or not visible to the user), as canonical text (``canonical_id``)."""

    attempted: int
    written: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def upserted(self) -> int:
        return len(self.written)

    @property
    def ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(i) for i in self.written]

    @property
    def rejected(self) -> list[uuid.UUID]:
        return [uuid.UUID(i) for i in self.refused]

    def as_json(self) -> dict[str, object]:
        return {
            "attempted": self.attempted,
            "upserted": self.upserted,
            "ids": self.written,
            "rejected": self.refused,
        }


def _upsert_visible(
    user: AbstractBaseUser, artwork_ids: Sequence[str], now: datetime, source: str
) -> Callable[[], list[str]]:
    """Insert or refresh the impressions of the artworks among ``artwork_ids`` that the user
    may see, in one statement, and return what reads the ids written, as canonical text
    (``rows_later``).

    Raw SQL because the ORM cannot say this in one round trip: the visibility filter, the
    upsert and the answer (RETURNING) happen atomically, so an artwork deleted or made
    private meanwhile can neither fail the batch nor slip in. Portable to SQLite ≥ 3.35
    and PostgreSQL (the SELECT's WHERE also resolves SQLite's ON CONFLICT ambiguity).

    Two batches of one user may run at once (two screens, a retry racing a beacon), and
    a backfill may run beside them: rows are written in artwork id order, as a backfill
    writes them, so they all take row locks in one order and wait for each other instead
    of deadlocking; ``viewed_at`` never moves back, so the batch that started first but
    commits last cannot set it before ``first_viewed_at`` (a check constraint).
    """
    artwork_table = Artwork._meta.db_table
    impression_table = Impression._meta.db_table
    asked, ids = among("a.id", artwork_ids)
    sql = f"""
        INSERT INTO {impression_table} (user_id, artwork_id, viewed_at, first_viewed_at, source)
        SELECT %s, a.id, %s, %s, %s
        FROM {artwork_table} a
        WHERE {asked} AND {visible_to_sql()}
        ORDER BY a.id
        ON CONFLICT (user_id, artwork_id) DO UPDATE
        SET viewed_at = CASE WHEN excluded.viewed_at > {impression_table}.viewed_at
                             THEN excluded.viewed_at ELSE {impression_table}.viewed_at END,
            source = excluded.source
        RETURNING CAST(artwork_id AS text)
    """  # noqa: S608 - table names come from model metadata, values are parameters
    moment = Impression._meta.get_field("viewed_at").get_db_prep_value(now, connection)
    params = [user.pk, moment, moment, source, *ids, user.pk]
    # Prepared (artfeed.sql), and the same text for every batch on PostgreSQL (``among``):
    # converted and planned once per connection, not once per batch.
    read = rows_later(sql, params)
    if connection.vendor == "postgresql":
        return lambda: [row[0] for row in read()]
    # SQLite keeps a UUID as its 32 hex digits.
    return lambda: [canonical_id(row[0]) for row in read()]


def record_impressions(
    *,
    user: AbstractBaseUser,
    artwork_ids: Sequence[uuid.UUID | str],
    now: datetime | None = None,
    source: str = Impression.Source.DISPLAYED,
    grow_span: bool = True,
) -> RecordedBatch:
    """Record that ``user`` saw these artworks (each already past the viewability bar, or,
    with ``source=reloaded``, shown a whole dwell by a page without JavaScript).

    Ids are ``UUID`` objects or their text; they are deduplicated; artworks that do not
    exist or that the user may not see are returned as rejected, never an error. A
    constant number of queries per batch.

    The user's seen span grows over the batch in the same transaction; with
    ``grow_span=False`` the batch is one statement and the span grows when the caller
    says (``grow_span_over``), or with a later batch: until then it is smaller than it
    could be, which costs the feed a few probes and never hides an unseen artwork.
    """
    now = now or timezone.now()
    distinct = canonical_ids(artwork_ids)
    if not distinct:
        return RecordedBatch(attempted=0)
    if grow_span:
        # Pipelined (artfeed.sql): BEGIN, the lock, the upsert and the span's two
        # statements share one round trip, the COMMIT a second; the ids written are read
        # in between. The span grows from the ids asked for: it only starts there, and
        # checks every artwork it covers. The transaction starts outside the pipeline:
        # psycopg waits for a round trip of its own to switch autocommit inside one.
        with transaction.atomic():
            with pipeline():
                hold_span_lock()  # before any row is written: see impressions.spans
                read_written = _upsert_visible(user, distinct, now, source)
                grow_seen_span(user, seen_ids=distinct)
            written = read_written()
    else:
        # Impressions alone open no hole: the statement needs neither the span's lock
        # nor a transaction of its own.
        written = _upsert_visible(user, distinct, now, source)()
    written_set = set(written)
    batch = RecordedBatch(
        attempted=len(distinct),
        written=[i for i in distinct if i in written_set],
        refused=[i for i in distinct if i not in written_set],
    )
    if written and impressions_recorded.has_listeners():
        impressions_recorded.send(sender=None, user=user, artwork_ids=batch.ids)
    return batch


def grow_span_over(user: AbstractBaseUser, batch: RecordedBatch) -> None:
    """Grow the user's seen span over a batch recorded with ``grow_span=False``, in a
    transaction of its own whose commit does not wait for the log to reach the disk
    (PostgreSQL): the span is derived from the impressions, so one lost in a crash is
    only smaller, and the next batch grows it again."""
    if not batch.written:
        return
    with transaction.atomic(), pipeline():
        if connection.vendor == "postgresql":
            execute("SELECT set_config('synchronous_commit', 'off', true)", [])
        hold_span_lock()
        grow_seen_span(user, seen_ids=batch.written)


def reset_seen(*, users: QuerySet[AbstractBaseUser]) -> int:
    """Forget everything ``users`` have seen: delete their impressions (displayed and
    backfilled) and their seen spans, so the whole visible pool is unseen to them again.
    Backfill rows stay: they are the audit log. Returns the impressions deleted."""
    with transaction.atomic():
        # The spans first: deleting impressions inside a span records holes in it.
        for user in users:
            forget_seen_span(user)
        deleted, _ = Impression.objects.filter(user__in=users).delete()
    return deleted
