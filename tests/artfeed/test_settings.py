from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from artfeed import environment as read

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch):
    def set_(name: str, value: str) -> None:
        monkeypatch.setenv(name, value)

    return set_


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("900", timedelta(minutes=15)),
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("7d", timedelta(days=7)),
        ("1w", timedelta(days=7)),
        ("1500ms", timedelta(seconds=1.5)),
        ("P7D", timedelta(days=7)),
    ],
)
def test_durations_take_seconds_units_or_iso_8601(env, raw, expected):
    env("ARTFEED_X", raw)

    assert read.duration("ARTFEED_X", timedelta(1)) == expected


def test_an_unset_or_blank_variable_takes_its_default(env):
    env("ARTFEED_X", "  ")

    assert read.duration("ARTFEED_X", timedelta(minutes=3)) == timedelta(minutes=3)
    assert read.positive_int("ARTFEED_UNSET_FOR_SURE", 7) == 7


@pytest.mark.parametrize("raw", ["soon", "-5", "0", "5 fortnights"])
def test_a_bad_duration_names_the_variable(env, raw):
    env("ARTFEED_COOLDOWN", raw)

    with pytest.raises(ImproperlyConfigured, match="ARTFEED_COOLDOWN"):
        read.duration("ARTFEED_COOLDOWN", timedelta(days=7))


@pytest.mark.parametrize("raw", ["many", "0", "-3", "2.5", "20000"])
def test_a_bad_count_names_the_variable(env, raw):
    env("ARTFEED_BATCH_MAX", raw)

    with pytest.raises(ImproperlyConfigured, match="ARTFEED_BATCH_MAX"):
        read.positive_int("ARTFEED_BATCH_MAX", 200, maximum=10_000)


def test_a_cutover_date_is_midnight_utc(env):
    env("ARTFEED_TRACKING_SINCE", "2025-03-01")

    assert read.moment("ARTFEED_TRACKING_SINCE") == datetime(2025, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["yesterday", "2025-13-01", "2025-03-01T10:00:00"])
def test_a_bad_cutover_names_the_variable(env, raw):
    env("ARTFEED_TRACKING_SINCE", raw)

    with pytest.raises(ImproperlyConfigured, match="ARTFEED_TRACKING_SINCE"):
        read.moment("ARTFEED_TRACKING_SINCE")


def test_an_unknown_generator_is_refused(env):
    env("ARTFEED_GENERATOR", "crayons")

    with pytest.raises(ImproperlyConfigured, match="procedural"):
        read.choice("ARTFEED_GENERATOR", "procedural", ("procedural", "openai"))


def test_an_unset_metrics_token_means_only_staff_may_scrape(env):
    env("ARTFEED_METRICS_TOKEN", "")

    assert read.secret("ARTFEED_METRICS_TOKEN") is None


def test_a_metrics_token_is_kept_as_given(env):
    env("ARTFEED_METRICS_TOKEN", " s3cret-token-for-the-scraper ")

    assert read.secret("ARTFEED_METRICS_TOKEN") == "s3cret-token-for-the-scraper"


@pytest.mark.parametrize("raw", ["short", "sixteen chars ok?"])
def test_a_weak_metrics_token_names_the_variable(env, raw):
    env("ARTFEED_METRICS_TOKEN", raw)

    with pytest.raises(ImproperlyConfigured, match="ARTFEED_METRICS_TOKEN must be at least 16"):
        read.secret("ARTFEED_METRICS_TOKEN")


def test_a_metrics_directory_must_exist(env, tmp_path):
    env("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert read.directory("PROMETHEUS_MULTIPROC_DIR") == tmp_path

    env("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="PROMETHEUS_MULTIPROC_DIR=.*existing directory"):
        read.directory("PROMETHEUS_MULTIPROC_DIR")


def start(**variables: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARTFEED_")}
    environment.update({"DEBUG": "true", **variables})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_app_refuses_to_start_with_a_bad_value_and_says_which():
    result = start(ARTFEED_DWELL="forever")

    assert result.returncode != 0
    assert "ARTFEED_DWELL='forever' is not a positive duration" in result.stderr


def test_production_needs_a_secret_key():
    result = start(DEBUG="false", ALLOWED_HOSTS="art.example")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_defaults_start():
    assert start().returncode == 0


def test_a_bad_dynamic_interval_stops_start_up_naming_it():
    result = start(ARTFEED_DYNAMIC_MIN_INTERVAL="sometimes")

    assert result.returncode != 0
    assert "ARTFEED_DYNAMIC_MIN_INTERVAL='sometimes' is not a positive duration" in result.stderr


def test_a_direct_database_url_gives_host_port_and_credentials(env):
    env("DATABASE_DIRECT_URL", "postgres://app:s%40cret@db.internal:5433/artfeed")

    assert read.postgres_url("DATABASE_DIRECT_URL") == {
        "host": "db.internal",
        "port": 5433,
        "user": "app",
        "password": "s@cret",
    }


def test_a_direct_database_url_must_be_postgres(env):
    env("DATABASE_DIRECT_URL", "mysql://app@db.internal/artfeed")

    with pytest.raises(ImproperlyConfigured, match="DATABASE_DIRECT_URL must be a postgres://"):
        read.postgres_url("DATABASE_DIRECT_URL")


def test_a_pooler_in_transaction_mode_needs_a_direct_url_for_live_updates():
    result = start(DATABASE_POOLER="transaction", DATABASE_DIRECT_URL="")

    assert result.returncode != 0
    assert "DATABASE_DIRECT_URL must be set when DATABASE_POOLER=transaction" in result.stderr


def test_an_unknown_pooler_mode_is_refused():
    result = start(DATABASE_POOLER="session")

    assert result.returncode != 0
    assert "DATABASE_POOLER='session' must be one of: none, transaction" in result.stderr
