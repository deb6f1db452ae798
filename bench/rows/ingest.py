"""Row 3: impression batches of 200 ids through ``POST /api/impressions/`` against the raw
upsert of the same rows."""

from __future__ import annotations

import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from bench.context import Context
from bench.data import artwork_id
from bench.load import request_bytes, run_load
from bench.report import Goal, Row
from bench.server import Server
from bench.sessions import signed_in_headers
from impressions.models import Impression, SeenSpan
from impressions.spans import grow_seen_span, hold_span_lock

BATCH = 200
ROUNDS = 8

RAW_UPSERT = f"""
INSERT INTO {Impression._meta.db_table} (user_id, artwork_id, viewed_at, first_viewed_at, source)
SELECT %s, id, now(), now(), 'displayed' FROM unnest(%s::uuid[]) AS id
ON CONFLICT (user_id, artwork_id) DO UPDATE SET viewed_at = excluded.viewed_at
"""  # noqa: S608 - the table name comes from model metadata


def batch_ids(count: int) -> list[list]:
    """``count`` batches of ``BATCH`` distinct artwork ids, newest first."""
    return [[artwork_id(b * BATCH + k + 1) for k in range(BATCH)] for b in range(count)]


def batch_request(authority: str, headers: dict[str, str], ids: list) -> bytes:
    """``POST /api/impressions/`` of ``ids`` as JSON, as the recorder sends a batch."""
    return request_bytes(
        "POST",
        "/api/impressions/",
        host=authority,
        headers={**headers, "Content-Type": "application/json"},
        body=json.dumps({"artwork_ids": [str(x) for x in ids]}).encode(),
    )


def _batches(context: Context) -> list[list]:
    return batch_ids(min(context.size.ingest_batches, context.size.artworks // BATCH))


def _raw(user_id: int, batches: list[list]) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for ids in batches:
            cursor.execute(RAW_UPSERT, [user_id, ids])
    return time.perf_counter() - started


def _endpoint(server: Server, headers: dict[str, str], batches: list[list]) -> float:
    # Built before the clock starts: the load generator's own work (turning 200 ids into
    # JSON, 0.22 ms of this process's time a batch) is not the endpoint's.
    requests = [batch_request(server.authority, headers, ids) for ids in batches]
    result = run_load(
        server.host, server.port, requests.__getitem__, total=len(batches), concurrency=1
    )
    if set(result.statuses) != {200}:
        raise RuntimeError(f"The impression endpoint answered {dict(result.statuses)}.")
    return result.seconds


def _check_upserted(user) -> int:
    return Impression.objects.filter(user=user).count()


def _span_check(user) -> str:
    """Whether the growth after each answer left the endpoint's user with the span a
    growth now would give them (the growth after the last answer may still be running:
    it is waited for). The span need not cover every row sent: an artwork published
    among them (a state of row 1) is unseen, and the span stops at it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _span_edges(user) == _span_edges(user, grown=True):
            return "at the end a growth would not have widened the user's span"
        time.sleep(0.05)
    raise RuntimeError("The growth after the endpoint's answers left the seen span short.")


def _span_edges(user, *, grown: bool = False) -> tuple | None:
    """The user's span, as it is or as one more growth would leave it (rolled back)."""
    with transaction.atomic():
        if grown:
            hold_span_lock()
            grow_seen_span(user)
        edges = SeenSpan.objects.filter(user=user).values_list("oldest", "newest").first()
        transaction.set_rollback(True)
    return edges


def run(context: Context, server: Server) -> Row:
    User = get_user_model()
    via_http = User.objects.create(username="ingest-endpoint", password="!")
    via_raw = User.objects.create(username="ingest-raw", password="!")
    headers = signed_in_headers(via_http, csrf=True)
    batches = _batches(context)
    chunk = max(1, len(batches) // ROUNDS)
    seconds = {"endpoint": 0.0, "raw": 0.0}
    paired = []  # each round's endpoint rate over the raw rate, the same batches
    for start in range(0, len(batches), chunk):
        part = batches[start : start + chunk]
        endpoint, raw = _endpoint(server, headers, part), _raw(via_raw.pk, part)
        seconds["endpoint"] += endpoint
        seconds["raw"] += raw
        paired.append(raw / endpoint)
    rows = len(batches) * BATCH
    stored = {"endpoint": _check_upserted(via_http), "raw": _check_upserted(via_raw)}
    rate = {name: rows / s for name, s in seconds.items()}
    table = [["path", "batches", "rows stored", "seconds", "rows / s"]]
    for name, label in (("endpoint", "`POST /api/impressions/`"), ("raw", "raw `INSERT … unnest`")):
        table.append(
            [
                label,
                str(len(batches)),
                f"{stored[name]:,}",
                f"{seconds[name]:.2f}",
                f"{rate[name]:,.0f}",
            ]
        )
    # A burst of other work on this shared machine lands in one round of one side; the
    # median of the rounds' ratios is what such bursts move least.
    share = statistics.median(paired)
    return Row(
        title="3. Impression ingest",
        table=table,
        goals=[
            Goal(
                "endpoint ≥ half the rows per second of the raw upsert",
                f"{share:.2f} of it (median of {len(paired)} rounds; "
                f"{rate['endpoint'] / rate['raw']:.2f} over the whole run)",
                share >= 0.5,
            )
        ],
        notes=[
            NOTE.format(
                batch=BATCH,
                rounds=len(paired),
                span=_span_check(via_http),
                paired=", ".join(f"{r:.2f}" for r in paired),
            )
        ],
    )


NOTE = """Batches of {batch} distinct artwork ids, newest first, as a display that keeps up
would send them: each is a new row (no conflict), for two users who had none. The
endpoint gets them as JSON on one kept-alive connection, one batch after the other (the
recorder of a screen never has two in flight), with a session cookie and the CSRF
cookie and header, every request built before the clock starts; it checks visibility
and upserts in one statement (in autocommit, as the raw path), answers the ids, and
then, the answer sent, grows the seen span over them in a transaction of its own (the
span lock and the span's two statements in one round trip, PostgreSQL's pipeline mode,
and a commit that does not wait for the disk), while the client sends its next batch
({span}). The raw path sends the same batches through psycopg as one
`INSERT … SELECT … FROM unnest(%s::uuid[]) ON CONFLICT DO UPDATE` each, in autocommit.
The two alternate in {rounds} rounds so that both see the same machine; the goal is
judged on the median of the rounds' ratios ({paired}), which a burst of other work on
the machine during one round moves least."""
