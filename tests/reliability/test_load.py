"""The stress run and its faults at a small size (``python -m bench.stress --long``
is the long run): many screens at once, nothing lost, no 5xx but the 503s of an outage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench.cluster import postgres_bin
from tests.live import live_database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres_only(transactional_db) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the load test runs the production setup: PostgreSQL")


def run_load(tmp_path: Path, *args: str, database_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    if database_url:
        env["DATABASE_URL"] = database_url
    out = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.stress", "--json", str(out), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["problems"] == [], done.stdout[-3000:]
    assert done.returncode == 0
    return report


def test_many_screens_at_once_lose_nothing_and_get_no_5xx(postgres_only, tmp_path):
    # Each screen holds its event stream open too, on two workers: the streams must not
    # starve the requests of database connections, nor break.
    report = run_load(tmp_path, "--workers", "2", "--streams", database_url=live_database_url())

    assert report["streams"] == 16
    assert report["rows_stored"] == report["pairs_sent"] > 0
    assert report["foreign_rejected"] > 0
    statuses = [s for e in report["endpoints"].values() for s in e["statuses"]]
    assert set(statuses) == {"200"}
    assert report["timeouts"] == 0


def test_a_database_restart_mid_load_is_503_with_retry_after_and_loses_nothing(tmp_path):
    try:
        postgres_bin()
    except FileNotFoundError as error:
        pytest.skip(str(error))
    if os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"):
        pytest.skip("run once, with the PostgreSQL suite")

    report = run_load(tmp_path, "--fault", "database-restart")

    assert report["unavailable_503"] > 0
    assert report["rows_stored"] == report["pairs_sent"] > 0


def test_an_app_server_restart_mid_load_loses_nothing(postgres_only, tmp_path):
    report = run_load(tmp_path, "--fault", "server-restart", database_url=live_database_url())

    assert report["connection_errors"] > 0  # the clients did see it go away
    assert report["rows_stored"] == report["pairs_sent"] > 0
