"""``python -m bench.stress``: many screens at once against the production server
(uvicorn, DEBUG off, PostgreSQL), with an optional fault in the middle.

Each user has two screens; each screen fetches its next frame and sends an impression
batch, again and again; with ``--streams`` each screen also holds its live-update stream
open the whole run, as an open display does (a stream that fails or closes early is a
problem). ``--workers N`` serves with ``uvicorn --workers N``. The batches of a user's
screens overlap, repeat ids inside a batch, and carry another user's private artwork
(always rejected). At the end the database must hold exactly the distinct (user,
artwork) pairs sent: nothing lost, nothing doubled, nothing foreign. No 5xx may come
back (during ``--fault database-restart`` only 503s with Retry-After, which the screens
retry), and no request may hang (what a deadlock would look like).

``--fault database-restart`` runs on a throwaway PostgreSQL cluster of its own
(bench/cluster.py) and stops it for a few seconds mid-run; ``--fault server-restart``
restarts uvicorn mid-run. Without a fault it uses DATABASE_URL (PostgreSQL, migrated):
it adds its own users and artworks there and deletes them afterwards.

The run is bounded: a fixed number of requests, a deadline, loopback only. It prints
the figures and the checks, writes them as JSON with ``--json``, and exits 1 when a
check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

SIZES = {
    # users, screens per user, batches per screen, ids per batch, public artworks
    "small": (8, 2, 6, 12, 60),
    "long": (60, 2, 30, 20, 400),
}
STREAM_PATH = "/display/stream/"


@dataclass(frozen=True)
class Plan:
    users: int
    screens: int
    batches: int
    batch_size: int
    artworks: int

    @property
    def requests(self) -> int:
        return self.users * self.screens * self.batches * 2


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.stress", description=__doc__)
    parser.add_argument("--long", action="store_true", help="the long run (tens of thousands)")
    parser.add_argument(
        "--fault", choices=["none", "database-restart", "server-restart"], default="none"
    )
    parser.add_argument(
        "--streams", action="store_true", help="every screen holds its event stream open"
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--downtime", type=float, default=3.0, help="seconds the fault lasts")
    parser.add_argument("--json", type=Path, help="write the figures and checks here")
    parser.add_argument("--deadline", type=float, default=0, help="seconds (default: by size)")
    return parser.parse_args(argv)


def _configure(database_url: str, fault: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL=os.environ.get("LOAD_LOG_LEVEL", "ERROR"),
        DJANGO_SETTINGS_MODULE="artfeed.settings",
    )
    # Shared with the server: the sessions made here must verify there.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    if fault == "database-restart":
        # While the database is down, answer 503 after 2 s rather than after 5.
        os.environ.setdefault("ARTFEED_DB_CONNECT_TIMEOUT", "2s")


def main(argv: list[str] | None = None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    plan = Plan(*SIZES["long" if args.long else "small"])
    cluster = None
    if args.fault == "database-restart":
        from bench.cluster import ThrowawayCluster

        cluster = ThrowawayCluster().create()
        database_url = cluster.url
    else:
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url.startswith(("postgres://", "postgresql://")):
            print("Set DATABASE_URL to a migrated PostgreSQL database.", file=sys.stderr)
            return 2
    try:
        _configure(database_url, args.fault)
        import django

        django.setup()
        from bench.load_run import run

        deadline = args.deadline or (120 if args.long else 60) + 4 * args.downtime
        report = run(
            plan=plan,
            fault=args.fault,
            downtime=args.downtime,
            cluster=cluster,
            deadline=deadline,
            stream_path=STREAM_PATH if args.streams else None,
            workers=args.workers,
            log=lambda line: print(line, flush=True),
        )
    finally:
        if cluster is not None:
            cluster.destroy()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if not report["problems"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
