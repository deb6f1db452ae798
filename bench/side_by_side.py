"""``python -m bench.side_by_side --before DIR``: ``/display/next/``, the two trivial
views and impression batches (``POST /api/impressions/``, 200 ids each, one after the
other on one connection, each round a new user's) on this tree's server and on another
tree's (a checkout of an earlier commit, say), both up at once on the bench database,
rounds alternating between them so both meet the same load. On a shared machine single
runs wander by up to 2×; this is how a change to the request path is told from the
noise. Beside the rates it prints what each request cost in CPU, the server's and the
database's (``bench/cpu.py``), which wander less. The frames' screens report what they
were shown between rounds, and autovacuum is done, as in ``bench.topologies``. With
``--pooler-url`` both serve through PgBouncer in transaction mode (``DATABASE_POOLER=
transaction``), with the statements this tree keeps in the database written there.

The bench database must hold a data set (``python -m bench.topologies`` loads one), and
the other tree must have ``/bench/trivial/signed-in/`` (``bench/urls.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("trivial", "signed-in", "next", "ingest")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.side_by_side", description=__doc__)
    parser.add_argument("--before", type=Path, required=True, help="the other tree's root")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--batches", type=int, default=100, help="impression batches a round")
    parser.add_argument(
        "--pooler-url",
        help="serve both through this PgBouncer (transaction mode) in front of the bench "
        "database's server, as bench.topologies does, each statement this tree keeps in "
        "the database written there first",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    from bench import __main__ as bench_main
    from bench import database

    url = database.bench_url()
    bench_main._production_settings(url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench import cpu, server
    from bench.autovacuum import Autovacuum
    from bench.load import request_bytes, run_load
    from bench.screens import after_frames
    from bench.sessions import frame_request, signed_in_headers

    env = {"DATABASE_POOLER": "none"}
    served = url
    if args.pooler_url:
        from urllib.parse import urlsplit, urlunsplit

        from artfeed import sql
        from bench.topologies import through_pooler

        sql.write_kept_reads(connection)  # the other tree finds those it keeps too
        served = through_pooler(args.pooler_url, url)
        env = {
            "DATABASE_POOLER": "transaction",
            "DATABASE_DIRECT_URL": urlunsplit(urlsplit(url)._replace(path="")),
        }
    users = list(get_user_model().objects.order_by("id")[:200])
    autovacuum = Autovacuum(analyze=True)
    logins = [signed_in_headers(u, csrf=True) for u in users]
    servers = {}
    try:
        for name, root in (("before", args.before.resolve()), ("after", ROOT)):
            server.ROOT = root  # the server runs from its tree's root
            process = server.ServerProcess(
                served, settings_module="bench.settings", env=env, workers=args.workers
            )
            servers[name] = process
            process.start()
        rates: dict[tuple[str, str], list[float]] = {(n, k): [] for n in servers for k in KINDS}
        # Per round: the server's and the database's CPU seconds, and the requests.
        costs: dict[tuple[str, str], list[tuple[float, float, int]]] = {key: [] for key in rates}
        for round_ in range(args.rounds):
            for name in list(servers)[:: 1 if round_ % 2 == 0 else -1]:
                host = servers[name].server
                requests = {
                    "trivial": [request_bytes("GET", "/bench/trivial/", host=host.authority,
                                              headers=logins[0])],
                    "signed-in": [request_bytes("GET", "/bench/trivial/signed-in/",
                                                host=host.authority, headers=h) for h in logins],
                    "next": [frame_request(host.authority, h, "bench") for h in logins],
                    "ingest": _batches(host, args.batches),
                }  # fmt: skip
                for kind in KINDS:
                    one_by_one = kind == "ingest"  # as a screen's recorder sends them
                    with connection.cursor() as cursor:
                        database_pids = cpu.database_backends(cursor)
                    server_pids = cpu.with_children(servers[name].pid)
                    with cpu.Spent(server_pids, database_pids) as spent:
                        result = run_load(
                            host.host, host.port, lambda i, r=requests[kind]: r[i % len(r)],
                            total=len(requests[kind]) if one_by_one else args.requests,
                            concurrency=1 if one_by_one else 4 * args.workers,
                        )  # fmt: skip
                    if set(result.statuses) - {200, 204}:
                        raise RuntimeError(f"{name} {kind}: {dict(result.statuses)}")
                    rates[(name, kind)].append(result.per_second)
                    if kind == "next":
                        after_frames(users, "bench", autovacuum)
                    costs[(name, kind)].append((spent.server, spent.database, result.requests))
            print(f"round {round_ + 1} done", flush=True)
        print("| code | workers | trivial, req/s | signed-in trivial, req/s | `/display/next/`, "
              "req/s | ratio to trivial | ratio to signed-in | impression batches/s |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|")
        for name in servers:
            trivial, signed_in, frame, batches = (
                statistics.median(rates[(name, k)]) for k in KINDS
            )
            print(f"| {name} | {args.workers} | {trivial:,.0f} | {signed_in:,.0f} | "
                  f"{frame:,.0f} | {frame / trivial:.2f} | {frame / signed_in:.2f} | "
                  f"{batches:,.1f} |")  # fmt: skip
        print()
        print("CPU per request, ms (median of the rounds): the server's, the database's")
        print()
        print("| code | trivial | signed-in trivial | `/display/next/` | impression batch |")
        print("|---|---|---|---|---|")
        for name in servers:
            print(f"| {name} | " + " | ".join(_cost(costs[(name, k)]) for k in KINDS) + " |")
    finally:
        for process in servers.values():
            process.stop()
    return 0


def _cost(rounds: list[tuple[float, float, int]]) -> str:
    server = statistics.median(spent / requests for spent, _, requests in rounds)
    database = statistics.median(spent / requests for _, spent, requests in rounds)
    return f"{server * 1000:.2f}, {database * 1000:.2f}"


def _batches(host, count: int) -> list[bytes]:
    """``count`` batches of 200 distinct ids, newest first, from a user with none yet."""
    from django.contrib.auth import get_user_model

    from bench.rows.ingest import batch_ids, batch_request
    from bench.sessions import signed_in_headers

    User = get_user_model()
    user = User.objects.create(username=f"side-by-side-{User.objects.count()}", password="!")
    headers = signed_in_headers(user, csrf=True)
    return [batch_request(host.authority, headers, ids) for ids in batch_ids(count)]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    raise SystemExit(main())
