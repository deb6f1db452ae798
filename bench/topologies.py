"""``python -m bench.topologies --pooler-url postgres://…``: the production server in the
shapes production runs it (PostgreSQL directly or through PgBouncer in transaction mode,
one worker or two) and what a frame and an impression batch cost in each: requests per
second of ``/display/next/`` against a trivial view, and, read from PgBouncer's own
counters, the statements, transactions and bytes each request sends the database.

It loads the small data set into the bench database (as ``python -m bench`` does, wiping
only a bench database) and writes its section into ``docs/benchmarks.md`` between
markers, leaving the rest of the report as it is. The pooler must be PgBouncer in
transaction mode in front of the same PostgreSQL, with an admin console
(``admin_users``) the bench's user may open.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench import __main__ as bench_main
from bench import database, sizes

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- bench.topologies: begin -->", "<!-- bench.topologies: end -->"
CONCURRENCY_PER_WORKER = 4
ROUNDS = 5
REQUESTS_PER_ROUND = 600
BATCHES = 40


@dataclass(frozen=True)
class Topology:
    name: str
    pooled: bool  # through PgBouncer
    prepares: bool
    workers: int
    functions: bool = False  # the frame's statements kept in functions (artfeed.sql)


TOPOLOGIES = (
    Topology("PostgreSQL directly, prepared statements", pooled=False, prepares=True, workers=1),
    Topology("PostgreSQL directly, nothing prepared", pooled=False, prepares=False, workers=1),
    Topology("PgBouncer (transaction), nothing prepared", pooled=True, prepares=False, workers=1),
    Topology("PgBouncer (transaction), the frame's statements in functions", True, False, 1, True),
    Topology("PostgreSQL directly, prepared statements", pooled=False, prepares=True, workers=2),
    Topology("PgBouncer (transaction), the frame's statements in functions", True, False, 2, True),
)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.topologies", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--pooler-url",
        required=True,
        help="PgBouncer (transaction mode) in front of the bench database's server, "
        "e.g. postgres://postgres@127.0.0.1:6432",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    return parser.parse_args(argv)


def through_pooler(pooler_url: str, database_url: str) -> str:
    """The bench database reached through the pooler."""
    pooler = urlsplit(pooler_url)
    return urlunsplit(pooler._replace(path=urlsplit(database_url).path))


class PoolerStats:
    """PgBouncer's running totals for one database (``SHOW STATS`` on its console)."""

    FIELDS = (
        "total_query_count",
        "total_xact_count",
        "total_received",
        "total_sent",
        "total_query_time",  # microseconds the server spent on them, network included
    )

    def __init__(self, pooler_url: str, name: str) -> None:
        console = urlunsplit(urlsplit(database.libpq(pooler_url))._replace(path="/pgbouncer"))
        self.console, self.name = console, name

    def read(self) -> dict[str, int]:
        with psycopg.connect(self.console, autocommit=True, prepare_threshold=None) as conn:
            cursor = conn.cursor()
            cursor.execute("SHOW STATS")
            names = [column.name for column in cursor.description]
            for row in cursor.fetchall():
                values = dict(zip(names, row, strict=True))
                if values["database"] == self.name:
                    return {field: int(values[field]) for field in self.FIELDS}
        return dict.fromkeys(self.FIELDS, 0)


def _per_request(stats: PoolerStats, requests: int, work: Callable[[], object]) -> list[str]:
    before = stats.read()
    work()
    after = stats.read()
    per = {k: (after[k] - before[k]) / requests for k in PoolerStats.FIELDS}
    return [
        f"{per['total_query_count']:.1f}",
        f"{per['total_xact_count']:.1f}",
        f"{per['total_received']:,.0f}",
        f"{per['total_sent']:,.0f}",
        f"{per['total_query_time'] / 1000:.2f}",
    ]


def main(argv: list[str] | None = None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    url = database.bench_url()
    database.ensure_database(url)
    database.wipe(url)
    bench_main._production_settings(url)
    import django

    django.setup()
    from django.core.management import call_command

    from bench import data

    call_command("migrate", interactive=False, verbosity=0)
    loaded = data.load(sizes.SMALL)
    print("Loaded the small data set.", flush=True)
    prepares = _prepares(loaded)
    print(prepares, flush=True)
    section = _measure(args.pooler_url, url, loaded, prepares)
    _write_section(args.output, section)
    print(section)
    return 0


def _prepares(loaded) -> list[list[str]]:
    """The feed's read on one connection, prepared (the default), planned each time
    (what ``DATABASE_POOLER=transaction`` did) and through its function (what it does
    once ``migrate`` kept the read in the database), taken in turn."""
    from django.conf import settings
    from django.db import connection

    from artfeed import sql
    from bench.rows.feed import _feed_read
    from bench.timing import medians

    def pooled(read, functions: bool):
        # Found once (in the warm-up), the function is not looked for again: nothing
        # but the read itself is timed.
        def run():
            settings.DATABASE_POOLER = "transaction"
            kept = list(sql.KEPT_READS)
            if not functions:
                sql.KEPT_READS.clear()
            try:
                return read()
            finally:
                settings.DATABASE_POOLER = "none"
                sql.KEPT_READS[:] = kept

        return run

    sql.write_kept_reads(connection)
    sql.look_again()
    rows = [
        [
            "user",
            "prepared, ms",
            "planned each time, ms",
            "through its function, ms",
            "cost of planning",
            "function ÷ prepared",
        ]
    ]
    for role in ("new", "typical", "heavy"):
        read = _feed_read(loaded.users[role], timedelta(0))
        took = medians(
            {
                "prepared": read,
                "unprepared": pooled(read, functions=False),
                "function": pooled(read, functions=True),
            },
            repeats=41,
        )
        rows.append(
            [
                role,
                f"{took['prepared'] * 1000:.3f}",
                f"{took['unprepared'] * 1000:.3f}",
                f"{took['function'] * 1000:.3f}",
                f"{took['unprepared'] / took['prepared']:.2f}×",
                f"{took['function'] / took['prepared']:.2f}×",
            ]
        )
    return rows


def _measure(pooler_url: str, url: str, loaded, prepares: list[list[str]]) -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from artfeed import sql
    from bench import cpu
    from bench.autovacuum import Autovacuum
    from bench.data import artwork_id
    from bench.load import request_bytes, run_load
    from bench.screens import after_frames
    from bench.server import ServerProcess
    from bench.sessions import frame_request, signed_in_headers

    users = list(get_user_model().objects.order_by("id")[:200])
    autovacuum = Autovacuum(analyze=True)
    logins = [signed_in_headers(u, csrf=True) for u in users]
    pooled_url = through_pooler(pooler_url, url)
    direct = urlsplit(url)
    stats = PoolerStats(pooler_url, database.database_name(url))
    rates = [
        [
            "server",
            "workers",
            "trivial view, req/s",
            "trivial signed-in view, req/s",
            "`/display/next/`, req/s",
            "ratio to trivial",
            "ratio to signed-in",
            "server CPU per signed-in view, ms",
            "server CPU per frame, ms",
            "database CPU per frame, ms",
        ]
    ]
    costs = [
        [
            "request (through PgBouncer, one worker)",
            "the feed's reads and the frame's write",
            "statements",
            "transactions",
            "bytes app → database",
            "bytes database → app",
            "database time, ms",
        ]
    ]
    for topology in TOPOLOGIES:
        # As ``migrate`` leaves the database behind a pooler, or as it was before.
        if topology.functions:
            sql.write_kept_reads(connection)
        else:
            sql.drop_kept_reads(connection)
        env = {"DATABASE_POOLER": "none" if topology.prepares else "transaction"}
        if not topology.prepares:
            env["DATABASE_DIRECT_URL"] = urlunsplit(direct._replace(path=""))
        # Two workers are two server processes, each on its port, the load generator's
        # connections spread over them evenly: uvicorn's own workers share one socket,
        # and which of them accepts each kept-alive connection is left to chance (the
        # whole load on one worker in four of six rounds of a check, half on each in the
        # others).
        servers = [
            ServerProcess(
                pooled_url if topology.pooled else url,
                settings_module="bench.settings",
                env=env,
            )
            for _ in range(topology.workers)
        ]
        for server in servers:
            server.start()
        ports = [server.server.port for server in servers]
        server = servers[0]
        try:
            host = server.server.authority
            trivial = request_bytes("GET", "/bench/trivial/", host=host, headers=logins[0])
            signed_in = [
                request_bytes("GET", "/bench/trivial/signed-in/", host=host, headers=h)
                for h in logins
            ]
            frames = [frame_request(host, h, "bench") for h in logins]
            concurrency = CONCURRENCY_PER_WORKER * topology.workers
            measured: dict[str, list[float]] = {"trivial": [], "signed-in": [], "next": []}
            # CPU ms per request, each round's: the server's for the signed-in view and
            # the frame, the database's for the frame.
            spent: dict[str, list[float]] = {"signed-in": [], "next": [], "database": []}
            server_pids = [pid for server in servers for pid in cpu.with_children(server.pid)]
            # A first round unmeasured: each worker's pool opens its connections and each
            # connection prepares its statements (or plans its functions) once.
            for counted in [False] + [True] * ROUNDS:
                for name, make in (
                    ("trivial", lambda i, t=trivial: t),
                    ("signed-in", lambda i, s=signed_in: s[i % len(s)]),
                    ("next", lambda i, f=frames: f[i % len(f)]),
                ):
                    with connection.cursor() as cursor:
                        database_pids = cpu.database_backends(cursor)
                    with cpu.Spent(server_pids, database_pids) as cost:
                        result = run_load(
                            server.server.host, ports, make,
                            total=REQUESTS_PER_ROUND, concurrency=concurrency,
                        )  # fmt: skip
                    if set(result.statuses) - {200, 204}:
                        raise RuntimeError(f"{topology.name}: {dict(result.statuses)}")
                    if name == "next":
                        after_frames(users, "bench", autovacuum)
                    if counted:
                        measured[name].append(result.per_second)
                        if name in spent:
                            spent[name].append(cost.server * 1000 / result.requests)
                        if name == "next":
                            spent["database"].append(cost.database * 1000 / result.requests)
            rates.append(
                [
                    topology.name,
                    str(topology.workers),
                    *_rates(measured),
                    *(f"{statistics.median(spent[k]):.2f}" for k in spent),
                ]
            )
            print(rates[-1], flush=True)
            if topology.pooled and topology.workers == 1:
                reads = "in functions" if topology.functions else "planned each time"
                costs += [
                    [row[0], reads, *row[1:]]
                    for row in _costs(
                        server, stats, frames, logins, artwork_id, request_bytes, run_load
                    )
                ]
        finally:
            for server in servers:
                server.stop()
    return _render(prepares, rates, costs)


def _rates(measured: dict[str, list[float]]) -> list[str]:
    """Each kind's median rate, and the frame's ratios to the trivial views: the median of
    the rounds' own ratios (each round runs the three kinds back to back), which a burst
    of other work on this shared machine, landing in one kind of one round, moves least."""

    def ratio(other: str) -> float:
        pairs = zip(measured["next"], measured[other], strict=True)
        return statistics.median(n / o for n, o in pairs)

    return [
        *(f"{statistics.median(measured[name]):,.0f}" for name in ("trivial", "signed-in", "next")),
        f"{ratio('trivial'):.2f}",
        f"{ratio('signed-in'):.2f}",
    ]


def _costs(server, stats, frames, logins, artwork_id, request_bytes, run_load) -> list[list[str]]:
    """Per request, from PgBouncer's totals: one connection, so nothing else counts."""
    host, port = server.server.host, server.server.port
    rows = []
    total = 200
    rows.append(
        ["`GET /display/next/` (session, user, feed, lease and screen)"]
        + _per_request(
            stats,
            total,
            lambda: run_load(
                host, port, lambda i: frames[i % len(frames)], total=total, concurrency=1
            ),
        )
    )
    for size in (5, 200):

        def batch(i: int, size: int = size) -> bytes:
            ids = [str(artwork_id((i * size + k) % 40_000 + 1)) for k in range(size)]
            headers = {**logins[i % len(logins)], "Content-Type": "application/json"}
            body = json.dumps({"artwork_ids": ids}).encode()
            return request_bytes("POST", "/api/impressions/", host=server.server.authority,
                                 headers=headers, body=body)  # fmt: skip

        rows.append(
            [f"`POST /api/impressions/`, {size} ids"]
            + _per_request(
                stats,
                BATCHES,
                lambda b=batch: run_load(host, port, b, total=BATCHES, concurrency=1),
            )
        )
    return rows


def _table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _render(prepares: list[list[str]], rates: list[list[str]], costs: list[list[str]]) -> str:
    return f"""{BEGIN}
## Topologies: directly or through PgBouncer, one worker or two

Measured by `python -m bench.topologies --pooler-url postgres://postgres@127.0.0.1:6433`
(PgBouncer 1.18 in transaction mode in front of the same PostgreSQL) on the small data
set, production settings (DEBUG off), {CONCURRENCY_PER_WORKER} keep-alive connections per
worker, one round unmeasured and then {ROUNDS} rounds of {REQUESTS_PER_ROUND} requests of each
kind, back to back; the rates are each kind's median, the ratios the median of the rounds'
own ratios. Each frame request comes from one of 200 signed-in users' screens, with the
screen's cookie as a display sends it; after each round of frames the bench records the
impressions of the frames the screens were handed, as their recorders would have
(`bench/screens.py`), and vacuums and analyzes what production's autovacuum would have by
then (`bench/autovacuum.py`: this machine's is off). Beside the rates, what each request
cost in CPU, read from `/proc` over each round (`bench/cpu.py`; medians of the rounds):
the server's processes for a signed-in view and for a frame, and the database's backends
for a frame. The load
generator and the database share the machine's two cores with the server, so two
workers cannot double anything here: with two, the database's share of a
request's work counts as much as Python's. "Nothing prepared" is
`DATABASE_POOLER=transaction` as it was before the feed's reads and the frame's write
were kept in the database: its statements run unnamed and are planned each time. "The
frame's statements in functions" is `DATABASE_POOLER=transaction` after `migrate` wrote
them: the feed's two reads and the frame's write run through PL/pgSQL functions, whose
plans each server connection caches (`artfeed/sql.py`, `keep_in_database`); everything
else (the session's and the user's reads among them) is still planned each time.

The feed's read (`bench.rows.feed`'s "feed read") in-process on one connection, median
of 41 calls each, prepared, planned each time and through its function, taken in turn:

{_table(prepares)}

Whole requests on the server:

{_table(rates)}

What one request sends the database, from PgBouncer's own counters (`SHOW STATS`) over
200 frames and {BATCHES} batches on one worker, one at a time; bytes are the PostgreSQL
protocol's, both ways; database time is the time PgBouncer saw its server connections
busy with the request's statements (execution plus the loopback round trips):

{_table(costs)}
{END}"""


_SECTION = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)


def _spliced(text: str, section: str) -> str:
    """``text`` with its topologies section replaced by ``section`` (added at the end
    when it has none)."""
    if _SECTION.search(text):
        return _SECTION.sub(lambda _: section, text)
    return text.rstrip() + "\n\n" + section + "\n"


def _write_section(path: Path, section: str) -> None:
    path.write_text(_spliced(path.read_text() if path.exists() else "", section))


def with_section_kept(report: str, path: Path) -> str:
    """The whole bench's ``report`` with the topologies section that ``path`` already
    holds, if any: ``python -m bench`` rewrites the report but does not measure the
    topologies (they need a pooler), so their last measured section stays."""
    found = _SECTION.search(path.read_text()) if path.exists() else None
    return _spliced(report, found.group(0)) if found else report


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    raise SystemExit(main())
