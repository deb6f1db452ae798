"""Every row, side by side in one run, and the report they make."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from bench import data, database, machine, prose
from bench.context import Context
from bench.report import Row, render
from bench.rows import backfill, feed, ingest, page, requests, weeks
from bench.server import running
from bench.sizes import Size


def _sizes(context: Context, seconds: float) -> list[list[str]]:
    size, loaded = context.size, context.loaded
    lines = [
        ["", ""],
        ["size", f"`{size.name}`"],
        ["public artworks (spread over the pool window)", f"{size.artworks:,}"],
        ["users", f"{size.users:,}"],
        ["impressions in all", f"{loaded.impressions:,}"],
        ["heavy user: the newest artworks seen within the cooldown", f"{size.heavy_seen:,}"],
        ["typical user: artworks seen, scattered over the pool", f"{size.typical_seen:,}"],
        ["rerun user: artworks seen within the cooldown", f"{size.artworks:,} (all)"],
        ["seen spans (a first batch, the backfill, migration 0005)", f"{loaded.spans:,}"],
        ["holes in them (an artwork published inside, an impression deleted)", f"{loaded.holes:,}"],
        ["backfill: legacy pairs (and a tenth of them)", f"{size.legacy_pairs:,}"],
    ]
    lines += [[f"load: {step}", f"{s:.1f} s"] for step, s in loaded.seconds.items()]
    lines.append(["whole run", f"{seconds:.0f} s"])
    return lines


def run_all(
    *, size: Size, database_url: str, log: Callable[[str], None], rows: set[int] | None = None
) -> str:
    """Load the data set, measure the rows (all, or the numbers in ``rows``) and return the
    report."""
    wanted = rows or set(range(1, 7))
    started = time.perf_counter()
    log(f"Bench at size {size.name} on {database.database_name(database_url)}: migrating…")
    call_command("migrate", interactive=False, verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        # The page's scripts are served as collected (``make bench`` has done it already).
        call_command("collectstatic", interactive=False, verbosity=0)
    log("Loading the data set…")
    loaded = data.load(size)
    log("  " + ", ".join(f"{step} {s:.1f} s" for step, s in loaded.seconds.items()))
    context = Context(size=size, database_url=database_url, loaded=loaded)
    measured: dict[int, Row] = {}
    if 1 in wanted:
        log("1. Next frame…")
        measured[1] = feed.run(context)
    if wanted & {2, 3, 5}:
        with running(database_url) as server:
            if 2 in wanted:
                log(f"2. /display/next/ on {server.authority}…")
                measured[2] = requests.run(context, server)
            if 3 in wanted:
                log("3. Impression ingest…")
                measured[3] = ingest.run(context, server)
            if 5 in wanted:
                log("5. Display page weight…")
                measured[5] = page.run(context, server)
    if 4 in wanted:
        log("4. Backfill…")
        measured[4] = backfill.run(context)
    if 6 in wanted:
        # Last: its artworks lie in the future of every other row's clock.
        log("6. Weeks of use…")
        measured[6] = weeks.run(context)
    ordered = [measured[n] for n in sorted(measured)]
    for row in ordered:
        for goal in row.goals:
            log(f"  {row.title}: {goal.text}: {goal.measured} ({goal.holds})")
    return render(
        intro=prose.INTRO.format(size=size.name, date=timezone.now().date().isoformat()),
        machine=machine.describe(database.server_version(database_url)),
        sizes=_sizes(context, time.perf_counter() - started),
        rows=ordered,
        design=prose.DESIGN,
    )
