"""Row 2: whole ``/display/next/`` requests on the production server, against a trivial
Django view served the same way."""

from __future__ import annotations

import statistics

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.autovacuum import Autovacuum
from bench.context import Context
from bench.load import request_bytes, run_load
from bench.report import Goal, Row, ratio
from bench.screens import after_frames
from bench.server import Server
from bench.sessions import frame_request, signed_in_headers

CONCURRENCY = 4
ROUNDS = 3
SIGNED_IN_USERS = 500
ROLES = ("new", "typical", "heavy")


def queries_per_request(user) -> int:
    client = Client()
    client.force_login(user)
    client.get("/display/next/?screen=count", headers={"HX-Request": "true"})  # warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/display/next/?screen=count", headers={"HX-Request": "true"})
    if response.status_code != 200:
        raise RuntimeError(f"/display/next/ answered {response.status_code} for {user}.")
    return len(captured)


def run(context: Context, server: Server) -> Row:
    users = list(get_user_model().objects.order_by("id")[:SIGNED_IN_USERS])
    autovacuum = Autovacuum(analyze=True)
    headers = [signed_in_headers(u) for u in users]
    host = server.authority
    trivial = request_bytes("GET", "/bench/trivial/", host=host, headers=headers[0])
    frames = [frame_request(host, h, "bench") for h in headers]
    per_round = max(1, context.size.requests // ROUNDS)
    rates: dict[str, list[float]] = {"trivial": [], "next": []}
    statuses = {}
    for _ in range(ROUNDS):
        for name, make in (
            ("trivial", lambda i: trivial),
            ("next", lambda i: frames[i % len(frames)]),
        ):
            result = run_load(
                server.host, server.port, make, total=per_round, concurrency=CONCURRENCY
            )
            rates[name].append(result.per_second)
            statuses.setdefault(name, {}).update(result.statuses)
            if name == "next":
                after_frames(users, "bench", autovacuum)
    trivial_rps = statistics.median(rates["trivial"])
    next_rps = statistics.median(rates["next"])
    counts = {role: queries_per_request(context.loaded.users[role]) for role in ROLES}

    table = [["request", "requests / s (median of rounds)", "rounds", "statuses"]]
    for name, label in (("trivial", "`GET /bench/trivial/`"), ("next", "`GET /display/next/`")):
        table.append(
            [
                label,
                f"{statistics.median(rates[name]):,.0f}",
                ", ".join(f"{r:,.0f}" for r in rates[name]),
                ", ".join(f"{s}: {n}" for s, n in sorted(statuses[name].items())),
            ]
        )
    constant = len(set(counts.values())) == 1
    goals = [
        Goal(
            "`/display/next/` ≥ half the requests per second of a trivial view",
            f"{next_rps / trivial_rps:.2f} of it",
            next_rps >= trivial_rps / 2,
        ),
        Goal(
            "a constant, small number of queries per request",
            ", ".join(f"{role} {n}" for role, n in counts.items()),
            constant and max(counts.values()) <= 12,
        ),
    ]
    notes = [
        NOTE.format(users=len(users), concurrency=CONCURRENCY, rounds=ROUNDS, per_round=per_round),
        "Queries per `/display/next/` request, counted in-process with Django's test client "
        "(session and user included): "
        + ", ".join(f"{role} user **{n}**" for role, n in counts.items())
        + f" (ratio next ÷ trivial: {ratio(trivial_rps / next_rps)} slower per request).",
    ]
    return Row(title="2. A whole /display/next/ request", table=table, goals=goals, notes=notes)


NOTE = """uvicorn serving `artfeed.asgi:application` with one worker, DEBUG off,
`SECRET_KEY` and `ALLOWED_HOSTS` set, started by the bench on a free loopback port
(`bench.settings` adds only the trivial view, `/bench/trivial/`, which returns `ok`
through the same middleware). The load generator (`bench/load.py`) keeps
{concurrency} connections alive and sends {rounds} rounds of {per_round} requests to each
URL in turn; every request carries a session cookie made in the database. The display's
requests rotate over {users} signed-in users (the new, typical, heavy and rerun users
among them), each asking with the `HX-Request` header as the page does: a single user
hammered thousands of times a minute would hold thousands of leases at once, which no
screen does (one screen holds one or two). Each sends its screen's cookie, as a display
does once its page set it, and after each round of frames the bench records the
impressions of the frames the screens were handed, as their recorders would have
(`bench/screens.py`), and vacuums and analyzes what autovacuum would have by then
(`bench/autovacuum.py`): the next round reads the state real screens and a production
database leave."""
