"""Row 4: the ``backfill_impressions`` command against one raw ``INSERT … SELECT … ON
CONFLICT DO NOTHING``, and the command's peak memory as the rows grow tenfold.

It runs on a database of its own (the bench database's name + ``_backfill``) holding
only legacy data, so the pairs the command and the raw statement insert are the same
whatever the command's rules for choosing users. It switches itself on when the build
has the command (``django.core.management.get_commands()``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta

import psycopg
from django.core.management import get_commands
from django.utils import timezone

from bench import database
from bench.context import Context
from bench.report import Goal, Row
from bench.server import ROOT, production_environment

COMMAND = "backfill_impressions"
BATCH_SIZE = 10_000
TIME_LIMIT = 1.3
PAIRS = 3
MEMORY_LIMIT_MB = 150

RAW_BACKFILL = """
INSERT INTO impressions_impression (user_id, artwork_id, viewed_at, first_viewed_at, source)
SELECT u.id, a.id, %(cutover)s, %(cutover)s, 'backfill'
FROM auth_user u JOIN artfeed_artwork a
  ON a.created_at < %(cutover)s AND (a.is_public OR a.created_by_id = u.id)
WHERE u.date_joined < %(cutover)s
ON CONFLICT (user_id, artwork_id) DO NOTHING
"""


def available() -> bool:
    return COMMAND in get_commands()


def _add_users(conn: psycopg.Connection, first: int, last: int, joined) -> None:
    conn.execute(
        """INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,
               email, is_staff, is_active, date_joined)
           SELECT '!', false, 'legacy-' || i, '', '', '', false, true, %s
           FROM generate_series(%s::int, %s::int) AS i""",
        [joined, first, last],
    )


def _add_artworks(conn: psycopg.Connection, count: int, cutover) -> None:
    conn.execute(
        """INSERT INTO artfeed_artwork (id, title, prompt, style, image, origin, is_public,
               created_at, content_hash)
           SELECT md5('legacy-art-' || r)::uuid, 'Legacy ' || r, '', '', 'bench/art.svg',
                  'imported', true, %s - interval '1 minute' * r, ''
           FROM generate_series(1, %s) AS r""",
        [cutover, count],
    )


def _forget(conn: psycopg.Connection) -> None:
    conn.execute("DELETE FROM impressions_impression")
    conn.execute("DELETE FROM impressions_backfill")
    conn.execute("VACUUM ANALYZE")


def _count(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT count(*) FROM impressions_impression").fetchone()[0]


def _run_command(url: str, cutover) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of the command in a process of its own."""
    command = [
        sys.executable,
        "manage.py",
        COMMAND,
        "--all",
        "--before",
        cutover.date().isoformat(),
        "--batch-size",
        str(BATCH_SIZE),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=production_environment(url), stdout=subprocess.DEVNULL
    )
    # wait4 reports the usage of this child alone (RUSAGE_CHILDREN would add every child).
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{COMMAND} exited with status {process.returncode}.")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def _migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=production_environment(url),
        check=True,
    )


def run(context: Context) -> Row:
    title = "4. Backfill"
    if not available():
        return Row(
            title=title,
            goals=[
                Goal(f"the command ≤ {TIME_LIMIT}× the raw statement", "—", None),
                Goal(
                    f"peak memory < {MEMORY_LIMIT_MB} MB, flat when the rows grow tenfold",
                    "—",
                    None,
                ),
            ],
            notes=[
                f"`{COMMAND}` is not available in this build: the row runs by itself "
                "once the command exists (found through `get_commands()`)."
            ],
        )
    url = database.sibling_url(context.database_url, "_backfill")
    database.ensure_database(url)
    database.wipe(url)
    _migrate(url)
    size = context.size
    users = size.legacy_users
    artworks = size.legacy_pairs // users
    cutover = (timezone.now() - timedelta(days=30)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    joined = cutover - timedelta(days=400)
    with psycopg.connect(database.libpq(url), autocommit=True) as conn:
        _add_artworks(conn, artworks, cutover)
        _add_users(conn, 1, users // 10, joined)
        conn.execute("VACUUM ANALYZE")
        small_seconds, small_mb = _run_command(url, cutover)
        small_rows = _count(conn)
        _forget(conn)
        _add_users(conn, users // 10 + 1, users, joined)
        conn.execute("VACUUM ANALYZE")
        pairs = [_pair(conn, url, cutover, expected=users * artworks) for _ in range(PAIRS)]
    raw_seconds = statistics.median(raw for raw, _, _ in pairs)
    seconds = statistics.median(command for _, command, _ in pairs)
    peak_mb = max(peak for _, _, peak in pairs)
    ratio = statistics.median(command / raw for raw, command, _ in pairs)
    raw_rows = rows = users * artworks  # each run's count is checked in _pair
    table = [
        ["run", "pairs inserted", "seconds (median)", "each run", "peak RSS"],
        [
            "raw `INSERT … SELECT … ON CONFLICT DO NOTHING`",
            f"{raw_rows:,}",
            f"{raw_seconds:.2f}",
            ", ".join(f"{raw:.2f}" for raw, _, _ in pairs),
            "",
        ],
        [
            f"`manage.py {COMMAND}` (a tenth of the users)",
            f"{small_rows:,}",
            f"{small_seconds:.2f}",
            "",
            f"{small_mb:.0f} MB",
        ],
        [
            f"`manage.py {COMMAND}`",
            f"{rows:,}",
            f"{seconds:.2f}",
            ", ".join(f"{command:.2f}" for _, command, _ in pairs),
            f"{peak_mb:.0f} MB",
        ],
    ]
    growth = peak_mb / small_mb
    return Row(
        title=title,
        table=table,
        goals=[
            Goal(
                f"the command ≤ {TIME_LIMIT}× the raw statement",
                f"{ratio:.2f}×",
                ratio <= TIME_LIMIT,
            ),
            Goal(
                f"peak memory < {MEMORY_LIMIT_MB} MB, flat when the rows grow tenfold",
                f"{peak_mb:.0f} MB; {growth:.2f}× the tenth's",
                peak_mb < MEMORY_LIMIT_MB and growth <= 1.2,
            ),
        ],
        notes=[
            NOTE.format(
                users=users,
                artworks=artworks,
                batch=BATCH_SIZE,
                cutover=cutover.date().isoformat(),
                pairs=PAIRS,
            )
        ],
    )


def _pair(
    conn: psycopg.Connection, url: str, cutover, *, expected: int
) -> tuple[float, float, float]:
    """The raw statement then the command, each on an empty table: (raw seconds,
    command seconds, command's peak MB). Both must insert the ``expected`` pairs."""
    started = time.perf_counter()
    conn.execute(RAW_BACKFILL, {"cutover": cutover})
    raw_seconds = time.perf_counter() - started
    raw_rows = _count(conn)
    _forget(conn)
    seconds, peak_mb = _run_command(url, cutover)
    rows = _count(conn)
    _forget(conn)
    if raw_rows != expected or rows != expected:
        raise RuntimeError(f"Expected {expected} pairs: raw {raw_rows}, command {rows}.")
    return raw_seconds, seconds, peak_mb


NOTE = """A database of its own holds {artworks:,} public legacy artworks (created before
the cutover {cutover}) and {users} users who joined before it, so every pair is legacy
and both paths insert exactly the same rows (checked after each run). The command runs
as `manage.py backfill_impressions --all --before {cutover} --batch-size {batch}` in a
process of its own with DEBUG off; its time includes starting Python and Django, and
its peak resident memory comes from `os.wait4` (that child's own `ru_maxrss`). The
impressions are deleted (and the table vacuumed) between runs. The raw statement and
the command run in turn, {pairs} pairs; the ratio is the median of the pairs' ratios,
so a machine slowing down or speeding up between runs moves it less. "Flat" means the full
run's peak is at most 1.2× the peak of the run with a tenth of the users (and so a
tenth of the rows)."""
