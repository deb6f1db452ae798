"""A database that does not answer in time: the statement is cancelled after
ARTFEED_DB_STATEMENT_TIMEOUT and the request gets a clear 503; the worker is free again."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from email.message import Message

import psycopg
import pytest

from bench.sessions import CSRF_TOKEN, session_cookie
from impressions.models import Impression
from tests.factories import ArtworkFactory, UserFactory
from tests.live import live_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def post_batch(server, user, art) -> tuple[int, Message, dict, float]:
    request = urllib.request.Request(
        f"{server.url}/api/impressions/",
        data=json.dumps({"artwork_ids": [str(art.pk)]}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            # Names as the server sets them (DEBUG off): __Host- cookies.
            "Cookie": f"__Host-{session_cookie(user)}; __Host-csrftoken={CSRF_TOKEN}",
            "X-CSRFToken": CSRF_TOKEN,
        },
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.load(response), 0.0
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.load(error), time.monotonic() - started


def test_a_statement_stuck_behind_a_lock_is_a_clear_503_and_the_worker_recovers(
    start_asgi_server,
):
    user, art = UserFactory(), ArtworkFactory()
    server = start_asgi_server(ARTFEED_DB_STATEMENT_TIMEOUT="500ms")
    table = Impression._meta.db_table
    with psycopg.connect(live_database_url().replace("postgres://", "postgresql://")) as locker:
        locker.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

        status, headers, body, seconds = post_batch(server, user, art)

        assert status == 503
        assert headers["Retry-After"] == "5"
        assert "took too long" in body["error"]
        assert seconds < 5
        locker.rollback()

    status, _, body, _ = post_batch(server, user, art)
    assert status == 200 and body["upserted"] == 1
    assert Impression.objects.filter(user=user, artwork=art).exists()
