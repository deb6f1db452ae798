from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import ArtworkFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
TOKEN = "scraper-token-0123456789abcdef"


def sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    raise AssertionError(f"{name}{labels} is not exported")


@pytest.fixture
def staff_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="operator", is_staff=True))
    return client


def test_the_url_is_the_contract():
    assert reverse("metrics") == "/metrics"


def test_staff_read_the_metrics_in_prometheus_format(staff_client):
    response = staff_client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    for outcome in ("ok", "rejected-all", "bad_request", "too_large", "unauthenticated", "failed"):
        assert sample(text, "artfeed_impression_batches_total", outcome=outcome) >= 0
    assert "artfeed_impression_batch_seconds_bucket" in text
    assert "artfeed_impression_batch_size_bucket" in text


def test_anonymous_callers_get_json_401():
    response = Client().get("/metrics")

    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_signed_in_users_who_are_not_staff_get_json_403(alice_client):
    response = alice_client.get("/metrics")

    assert response.status_code == 403
    assert "staff" in response.json()["error"]


def test_a_scraper_with_the_token_reads_them_in_the_format_it_asks_for(settings):
    settings.ARTFEED_METRICS_TOKEN = TOKEN
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/openmetrics-text"}

    response = Client().get("/metrics", headers=headers)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/openmetrics-text")
    assert b"artfeed_impression_batches_total" in response.content
    assert response.content.endswith(b"# EOF\n")


@pytest.mark.parametrize("configured", [TOKEN, None])
def test_a_wrong_token_is_json_401(settings, configured):
    settings.ARTFEED_METRICS_TOKEN = configured

    response = Client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"})

    assert response.status_code == 401
    assert "not valid" in response.json()["error"]


def test_the_token_works_while_the_database_is_down(settings):
    settings.ARTFEED_METRICS_TOKEN = TOKEN
    down = OperationalError("could not connect to server")

    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=down):
        response = Client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200


def test_it_rejects_post_with_json_405(staff_client):
    response = staff_client.post("/metrics")

    assert response.status_code == 405
    assert "GET" in response.json()["error"]


def test_counters_move_with_each_batch(staff_client, alice_client):
    seen, unknown = ArtworkFactory(), "0b6e5f5e-0000-4000-8000-000000000000"
    before = staff_client.get("/metrics").content.decode()

    alice_client.post(
        "/api/impressions/",
        data=json.dumps({"artwork_ids": [str(seen.pk), unknown]}),
        content_type="application/json",
    )
    alice_client.post(
        "/api/impressions/",
        data=json.dumps({"artwork_ids": [unknown]}),
        content_type="application/json",
    )
    alice_client.post("/api/impressions/", data="{oops", content_type="application/json")
    Client().post("/api/impressions/", data="{}", content_type="application/json")

    after = staff_client.get("/metrics").content.decode()

    def moved(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("artfeed_impression_batches_total", outcome="ok") == 1
    assert moved("artfeed_impression_batches_total", outcome="rejected-all") == 1
    assert moved("artfeed_impression_batches_total", outcome="bad_request") == 1
    assert moved("artfeed_impression_batches_total", outcome="unauthenticated") == 1
    assert moved("artfeed_impressions_upserted_total") == 1
    assert moved("artfeed_impressions_rejected_total") == 2
    assert moved("artfeed_impression_batch_size_count") == 2
    assert moved("artfeed_impression_batch_seconds_count") == 4


def test_several_worker_processes_are_summed(staff_client, settings, tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR each process writes its own file; /metrics adds them."""
    record = (
        "from impressions import metrics; "
        "metrics.BATCHES.labels('ok').inc(); metrics.UPSERTED.inc(3)"
    )
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _worker in range(2):
        subprocess.run([sys.executable, "-c", record], cwd=ROOT, env=environment, check=True)
    settings.PROMETHEUS_MULTIPROC_DIR = tmp_path

    text = staff_client.get("/metrics").content.decode()

    assert sample(text, "artfeed_impression_batches_total", outcome="ok") == 2
    assert sample(text, "artfeed_impressions_upserted_total") == 6
