"""The bench's code runs (never its timings: those belong in docs/benchmarks.md)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import timezone

from bench import data
from bench.autovacuum import Autovacuum
from bench.context import Context
from bench.report import render
from bench.rows import backfill, weeks
from bench.sizes import TINY
from display.feed import candidates
from display.models import Screen
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    if connection.vendor != "postgresql":
        pytest.skip("the bench loads its data with PostgreSQL's generate_series")
    return data.load(TINY)


def test_the_data_set_has_the_sizes_asked_for(loaded):
    assert loaded.impressions == TINY.impressions
    # The newest it has seen, and the artwork published late inside them (bench.data).
    assert loaded.users["heavy"].impressions.count() == TINY.heavy_seen + 1
    assert loaded.users["new"].impressions.count() == 0


def test_each_measured_user_lands_in_the_lane_the_bench_says(loaded):
    now = timezone.now()
    lanes = {role: candidates(loaded.users[role], now=now, want=1)[0].lane for role in data.ROLES}

    assert lanes == {"new": "unseen", "typical": "unseen", "heavy": "unseen", "rerun": "rerun"}


def test_the_heavy_user_gets_the_first_artwork_below_what_they_have_seen(loaded):
    frame = candidates(loaded.users["heavy"], now=timezone.now(), want=1)[0]

    assert frame.artwork.pk == data.artwork_id(TINY.heavy_seen + 1)


def test_every_heavy_state_gets_its_frame_from_the_lane_the_bench_says(loaded):
    now = timezone.now()
    lanes = {s: candidates(loaded.users[s], now=now, want=1)[0].lane for s in data.STATES}

    assert lanes == {"heavy-holes": "unseen", "heavy-upgraded": "unseen", "backfilled": "rerun"}


def test_the_published_artwork_is_the_holed_users_next_frame(loaded):
    frame = candidates(loaded.users["heavy-holes"], now=timezone.now(), want=1)[0]

    assert frame.artwork.title == "Published late"


# VACUUM cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_weeks_of_use_reports_each_simulated_day(loaded):
    row = weeks.run(Context(size=TINY, database_url="", loaded=loaded), frames_a_day=60)

    assert [line[0] for line in row.table[1:]] == [str(d + 1) for d in range(TINY.simulated_days)]
    assert all(goal.holds is not None for goal in row.goals)
    # Sixty frames leave sixty dead leases, past the lease table's threshold of 50.
    assert re.search(r"\b[1-9][\d,]* VACUUMs", " ".join(row.notes))


@pytest.mark.django_db(transaction=True)
def test_the_simulated_autovacuum_vacuums_a_table_once_past_its_threshold():
    if connection.vendor != "postgresql":
        pytest.skip("autovacuum is PostgreSQL's")
    user = UserFactory()
    autovacuum = Autovacuum()

    def last_vacuum():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = %s",
                [Screen._meta.db_table],
            )
            return cursor.fetchone()[0]

    autovacuum.tick()  # what other tests' rolled-back rows left past the thresholds
    Screen.objects.bulk_create(Screen(user=user, key=f"s{n}") for n in range(30))
    Screen.objects.all().delete()
    before = last_vacuum()
    autovacuum.tick()
    assert last_vacuum() == before  # 30 dead rows: under 50

    Screen.objects.bulk_create(Screen(user=user, key=f"s{n}") for n in range(30))
    Screen.objects.all().delete()
    autovacuum.tick()
    assert last_vacuum() != before
    assert autovacuum.vacuums >= 1


@pytest.mark.django_db(transaction=True)
def test_the_simulated_autovacuum_analyzes_a_table_once_enough_of_it_changed():
    if connection.vendor != "postgresql":
        pytest.skip("autovacuum is PostgreSQL's")
    user = UserFactory()
    vacuuming, analyzing = Autovacuum(), Autovacuum(analyze=True)
    analyzing.tick()  # what other tests left past the thresholds
    before = _rows_planned_for(Screen)

    Screen.objects.bulk_create(Screen(user=user, key=f"s{n}") for n in range(60))
    vacuuming.tick()
    assert _rows_planned_for(Screen) == before  # 60 changed rows: past 50, not analyzed
    analyzing.tick()

    assert _rows_planned_for(Screen) == 60
    assert analyzing.analyzes >= 1


def _rows_planned_for(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        return cursor.fetchone()[0]


def test_without_the_backfill_command_the_report_says_so(monkeypatch):
    monkeypatch.setattr(backfill, "available", lambda: False)

    text = render(
        intro="# Benchmarks",
        machine=[["", ""]],
        sizes=[["", ""]],
        rows=[backfill.run(None)],
        design="## Design",
    )

    assert "not available in this build" in text
    assert "| 4. Backfill | the command ≤ 1.3× the raw statement | — | not measured |" in text


def test_the_whole_report_keeps_the_topologies_section_it_does_not_measure(tmp_path):
    from bench.topologies import BEGIN, END, with_section_kept

    page = tmp_path / "benchmarks.md"
    assert with_section_kept("# Report\n", page) == "# Report\n"
    page.write_text(f"# Old report\n\n{BEGIN}\nmeasured through the pooler\n{END}\n")
    kept = with_section_kept("# New report\n", page)
    assert kept.startswith("# New report\n")
    assert "# Old report" not in kept
    assert f"{BEGIN}\nmeasured through the pooler\n{END}" in kept


def test_the_topologies_judge_the_frame_on_each_round_s_own_ratio():
    from bench.topologies import _rates

    # The third round's frames ran beside a burst of other work: the rounds' own ratios
    # are 0.5, 0.5, 0.1, 0.5, 0.5, and their median is what the report gives.
    measured = {
        "trivial": [1000.0] * 5,
        "signed-in": [400.0, 300.0, 400.0, 500.0, 400.0],
        "next": [200.0, 150.0, 40.0, 250.0, 200.0],
    }
    assert _rates(measured) == ["1,000", "400", "200", "0.20", "0.50"]
