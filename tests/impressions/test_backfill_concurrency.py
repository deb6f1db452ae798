"""Two backfills at once beside live impression traffic, each in its own thread and
database connection: PostgreSQL only (SQLite serialises every writer anyway)."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.db.models import Sum

from artfeed.models import Artwork
from impressions.backfill import backfill_impressions
from impressions.models import Backfill, Impression
from impressions.services import record_impressions
from tests.impressions.backfill_helpers import CUTOVER, before, veteran

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
User = get_user_model()
LEGACY = 240


def in_threads(*jobs: Callable[[], object]) -> list[BaseException]:
    """Run the jobs together (released at once), each on its own connection."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job: Callable[[], object]) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_runs_and_live_views_at_once_write_each_row_once(settings):
    settings.ARTFEED_TRACKING_SINCE = CUTOVER
    users = [veteran(f"user{i}") for i in range(3)]
    art = Artwork.objects.bulk_create(
        Artwork(title=f"legacy {i}", image="art/legacy.svg", created_at=before(minutes=i))
        for i in range(LEGACY)
    )
    ids = [a.pk for a in art]

    def backfill() -> None:
        backfill_impressions(
            users=User.objects.all(), trigger=Backfill.Trigger.COMMAND, batch_size=7
        )

    def live() -> None:
        # A display reporting frames in whatever order it saw them, legacy ones included.
        shuffled = random.Random(5)
        for _ in range(15):
            for user in users:
                record_impressions(user=user, artwork_ids=shuffled.sample(ids, 20))

    assert in_threads(backfill, backfill, live) == []

    for user in users:
        rows = Impression.objects.filter(user=user)
        assert rows.count() == LEGACY
        assert rows.values("artwork").distinct().count() == LEGACY
    # Backfilled rows keep the cutover as their first view, live ones start at their view:
    # the two runs' counts add up to the rows they really wrote, none twice.
    written = Backfill.objects.aggregate(total=Sum("rows_inserted"))["total"]
    assert written == Impression.objects.filter(first_viewed_at=CUTOVER).count()
    assert Impression.objects.filter(source="displayed").exists()
    assert Backfill.objects.filter(finished_at__isnull=True).count() == 0
    assert not Impression.objects.filter(viewed_at__lt=CUTOVER - timedelta(seconds=1)).exists()
