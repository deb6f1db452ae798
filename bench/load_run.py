"""One stress run (``python -m bench.stress``): its data, the server, the screens,
the fault, and the checks. Runs inside a configured Django (DEBUG off)."""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from artfeed.models import Artwork
from bench.server import ServerProcess
from bench.sessions import signed_in_headers
from bench.traffic import Client, Lost, Sent, Stats, Viewer, screen
from impressions.models import Impression

if TYPE_CHECKING:
    from bench.cluster import ThrowawayCluster
    from bench.stress import Plan


def _prepare(plan: Plan, tag: str) -> tuple[list[Viewer], list[uuid.UUID], list[str]]:
    """The run's users (signed in, one private artwork each) and public artworks."""
    now = timezone.now()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{tag}-{i}", password="!") for i in range(plan.users)
    )
    public = Artwork.objects.bulk_create(
        Artwork(title=f"{tag} {i}", image="art/load.svg", created_at=now - timedelta(minutes=i))
        for i in range(plan.artworks)
    )
    private = Artwork.objects.bulk_create(
        Artwork(
            title=f"{tag} private {u.pk}",
            image="art/load.svg",
            is_public=False,
            origin=Artwork.Origin.GENERATED,
            created_by=u,
        )
        for u in users
    )
    headers = [signed_in_headers(u, csrf=True) for u in users]
    session_cookie = f"{settings.SESSION_COOKIE_NAME}="
    sessions = [
        part.removeprefix(session_cookie)
        for h in headers
        for part in h["Cookie"].split("; ")
        if part.startswith(session_cookie)
    ]
    viewers = [
        Viewer(
            user_id=u.pk,
            headers=h,
            foreign=[a.pk for a in private if a.created_by_id != u.pk][:5],
        )
        for u, h in zip(users, headers, strict=True)
    ]
    return viewers, [a.pk for a in public], sessions


def _batches(plan: Plan, artworks: list[uuid.UUID], rng: random.Random) -> list[list[uuid.UUID]]:
    """One user's screens' batches: random draws, so they overlap across screens and
    rounds, and now and then the very same batch twice (a retry whose answer was lost)."""
    batches: list[list[uuid.UUID]] = []
    for _ in range(plan.screens * plan.batches):
        if batches and rng.random() < 0.15:
            batches.append(list(batches[-1]))
        else:
            batches.append(rng.sample(artworks, plan.batch_size))
    return batches


def _stored_pairs(user_ids: list[int]) -> set[tuple[int, uuid.UUID]]:
    # After a database restart this process's pooled connections are dead too, and its
    # pool may still be backing off: start afresh.
    connection.close()
    connection.close_pool()
    rows = Impression.objects.filter(user_id__in=user_ids).values_list("user_id", "artwork_id")
    return set(rows)


def _cleanup(tag: str, sessions: list[str]) -> None:
    Artwork.objects.filter(title__startswith=f"{tag} ").delete()
    get_user_model().objects.filter(username__startswith=f"{tag}-").delete()
    Session.objects.filter(pk__in=sessions).delete()


async def _fault(
    kind: str,
    *,
    progress: asyncio.Event,
    downtime: float,
    server: ServerProcess,
    cluster: ThrowawayCluster | None,
    log: Callable[[str], None],
) -> dict[str, float]:
    await progress.wait()
    started = time.monotonic()
    if kind == "database-restart":
        assert cluster is not None
        log(f"  fault: stopping PostgreSQL for {downtime:.0f} s…")
        await asyncio.to_thread(cluster.stop)
        await asyncio.sleep(downtime)
        await asyncio.to_thread(cluster.start)
    elif kind == "server-restart":
        log(f"  fault: restarting the app server ({downtime:.0f} s down)…")
        await asyncio.to_thread(server.stop)
        await asyncio.sleep(downtime)
        await asyncio.to_thread(server.start)
    log(f"  fault: back after {time.monotonic() - started:.1f} s")
    return {"fault_seconds": time.monotonic() - started}


async def _drive(
    plan: Plan,
    viewers: list[Viewer],
    artworks: list[uuid.UUID],
    *,
    server: ServerProcess,
    stats: Stats,
    sent: Sent,
    deadline: float,
    fault: str,
    downtime: float,
    cluster: ThrowawayCluster | None,
    stream_path: str | None,
    log: Callable[[str], None],
) -> dict[str, float]:
    host, port = server.server.host, server.server.port
    progress = asyncio.Event()
    stop = asyncio.Event()
    screens = []
    for viewer in viewers:
        rng = random.Random(viewer.user_id)
        batches = _batches(plan, artworks, rng)
        for n in range(plan.screens):
            screens.append(
                screen(
                    Client(host, port, stats),
                    viewer,
                    name=f"load-{viewer.user_id}-{n}",
                    batches=batches[n :: plan.screens],
                    sent=sent,
                    deadline=deadline,
                    progress=progress,
                    progress_at=len(viewers) * plan.screens * plan.batches // 3,
                )
            )
    streams = []
    if stream_path is not None:
        from bench.streams import hold_stream

        streams = [
            asyncio.create_task(hold_stream(host, port, stream_path, v.headers, stop, stats))
            for v in viewers
            for _ in range(plan.screens)
        ]
    fault_task = (
        asyncio.create_task(
            _fault(
                fault, progress=progress, downtime=downtime, server=server, cluster=cluster, log=log
            )
        )  # fmt: skip
        if fault != "none"
        else None
    )
    await asyncio.gather(*screens)
    stop.set()
    await asyncio.gather(*streams)
    return await fault_task if fault_task else {}


def run(
    *,
    plan: Plan,
    fault: str,
    downtime: float,
    cluster: ThrowawayCluster | None,
    deadline: float,
    stream_path: str | None,
    log: Callable[[str], None],
    workers: int = 1,
) -> dict:
    """Run the load, check it, clean up, and return the figures and the problems found."""
    call_command("migrate", interactive=False, verbosity=0)
    tag = f"load-{uuid.uuid4().hex[:8]}"
    viewers, artworks, sessions = _prepare(plan, tag)
    stats, sent = Stats(), Sent()
    server = ServerProcess(os.environ["DATABASE_URL"], env={"LOG_LEVEL": "ERROR"}, workers=workers)
    log(
        f"Load: {plan.users} users × {plan.screens} screens × {plan.batches} rounds "
        f"({plan.requests} requests), fault: {fault}, workers: {workers}, "
        f"streams: {'one per screen' if stream_path else 'none'}"
    )
    server.start()
    started = time.monotonic()
    extra: dict[str, float] = {}
    try:
        extra = asyncio.run(
            _drive(
                plan, viewers, artworks, server=server, stats=stats, sent=sent,
                deadline=started + deadline, fault=fault, downtime=downtime,
                cluster=cluster, stream_path=stream_path, log=log,
            )
        )  # fmt: skip
    except Lost as error:
        sent.problems.append(str(error))
    finally:
        wall = time.monotonic() - started
        server.stop()
    stored = _stored_pairs([v.user_id for v in viewers])
    _cleanup(tag, sessions)
    problems = list(sent.problems)
    problems += _check(fault, stats, sent, stored)
    report = {
        "plan": plan.__dict__,
        "fault": fault,
        "workers": workers,
        "streams": plan.users * plan.screens if stream_path else 0,
        "wall_seconds": wall,
        "requests": sum(len(v) for v in stats.latencies.values()),
        "throughput_per_second": sum(len(v) for v in stats.latencies.values()) / wall,
        "endpoints": stats.summary(wall),
        "connection_errors": stats.connection_errors,
        "timeouts": stats.timeouts,
        "unavailable_503": stats.count(lambda s: s == 503),
        "pairs_sent": len(sent.pairs),
        "rows_stored": len(stored),
        "foreign_rejected": sent.rejected_foreign,
        "problems": problems,
        **extra,
    }
    for line in describe(report):
        log(line)
    return report


def _check(fault: str, stats: Stats, sent: Sent, stored: set) -> list[str]:
    problems = []
    if stored != sent.pairs:
        problems.append(
            f"the database holds {len(stored)} pairs, {len(sent.pairs)} were sent: "
            f"{len(sent.pairs - stored)} missing, {len(stored - sent.pairs)} unexpected"
        )
    other_5xx = stats.count(lambda s: s >= 500 and s != 503)
    if other_5xx:
        problems.append(f"{other_5xx} answers were 5xx other than 503")
    if stats.unavailable_without_retry_after:
        problems.append(f"{stats.unavailable_without_retry_after} 503s had no Retry-After")
    if stats.broken_streams:
        problems.append(f"{stats.broken_streams} live-update streams failed or closed early")
    if stats.timeouts:
        problems.append(f"{stats.timeouts} requests got no answer in time (a hung worker?)")
    if fault == "none":
        if stats.count(lambda s: s == 503):
            problems.append("503s came back although nothing failed")
        if stats.connection_errors:
            problems.append(f"{stats.connection_errors} connections failed without a fault")
    if fault == "database-restart" and not stats.count(lambda s: s == 503):
        problems.append("no 503 came back while the database was down")
    return problems


def describe(report: dict) -> list[str]:
    lines = [
        f"  {report['requests']} requests in {report['wall_seconds']:.1f} s "
        f"({report['throughput_per_second']:.0f}/s); pairs sent {report['pairs_sent']}, "
        f"rows stored {report['rows_stored']}; foreign ids rejected "
        f"{report['foreign_rejected']}; connection errors {report['connection_errors']}, "
        f"503s {report['unavailable_503']}, timeouts {report['timeouts']}",
    ]
    for label, e in report["endpoints"].items():
        lines.append(
            f"  {label}: {e['requests']} ({e['per_second']:.0f}/s) p50 {e['p50_ms']:.1f} ms, "
            f"p90 {e['p90_ms']:.1f}, p99 {e['p99_ms']:.1f}, max {e['max_ms']:.1f}; "
            f"statuses {e['statuses']}"
        )
    lines += [f"  PROBLEM: {p}" for p in report["problems"]] or ["  all checks held"]
    return lines
