from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artfeed import sql
from impressions.services import record_impressions
from tests.factories import ArtworkFactory, UserFactory

pytestmark = pytest.mark.django_db


def htmx_get(client: Client, url: str):
    return client.get(url, headers={"HX-Request": "true"})


def test_the_url_is_the_contract():
    assert reverse("display:next") == "/display/next/"


def test_it_returns_only_the_frame_partial(alice_client):
    art = ArtworkFactory(title="Desert night")

    response = htmx_get(alice_client, "/display/next/?screen=tv")

    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith('<figure class="frame"')
    assert html.endswith("</figure>")
    assert f'data-artwork-id="{art.pk}"' in html
    assert 'data-lane="unseen"' in html
    assert "no-cache" in response["Cache-Control"]


def test_each_request_brings_a_different_frame(alice_client):
    a = ArtworkFactory(created_at=timezone.now() - timedelta(minutes=1))
    b = ArtworkFactory(created_at=timezone.now() - timedelta(minutes=2))

    first = htmx_get(alice_client, "/display/next/?screen=tv").content.decode()
    second = htmx_get(alice_client, "/display/next/?screen=tv").content.decode()

    assert str(a.pk) in first
    assert str(b.pk) in second


def test_with_every_frame_on_screen_it_answers_204_and_the_screen_keeps_its_frame(alice_client):
    ArtworkFactory()
    htmx_get(alice_client, "/display/next/?screen=tv")

    response = htmx_get(alice_client, "/display/next/?screen=frame")

    assert response.status_code == 204
    assert response.content == b""


def test_it_needs_a_login():
    response = Client().get("/display/next/")

    assert response.status_code == 302


def test_a_shown_frame_does_not_return_before_its_cooldown(alice_client, user):
    """The whole loop through the real views: shown → recorded → not shown again."""
    shown = ArtworkFactory(title="shown", created_at=timezone.now() - timedelta(minutes=1))
    ArtworkFactory(title="other", created_at=timezone.now() - timedelta(minutes=2))
    page = alice_client.get("/display/?screen=tv&dwell=3").content.decode()
    assert str(shown.pk) in page

    recorded = alice_client.post(
        "/api/impressions/", {"artwork_ids": [str(shown.pk)]}, content_type="application/json"
    )
    assert recorded.json()["upserted"] == 1

    # Past the lease, only cooldown keeps it away: the next frames are never "shown".
    later = [htmx_get(alice_client, "/display/next/?screen=tv&dwell=3") for _ in range(3)]
    assert all(str(shown.pk) not in r.content.decode() for r in later)


def queries_of_next(history: int) -> list[str]:
    viewer = UserFactory()
    client = Client()
    client.force_login(viewer)
    now = timezone.now()
    pool = [ArtworkFactory(created_at=now - timedelta(seconds=i + 1)) for i in range(history + 2)]
    if history:
        record_impressions(user=viewer, artwork_ids=[a.pk for a in pool[:history]])
    with CaptureQueriesContext(connection) as captured:
        response = htmx_get(client, "/display/next/?screen=tv")
    assert response.status_code == 200
    return [query["sql"] for query in captured]


# The session, the user, the fresh and unseen lanes (one statement), then the frame's
# lease, the release of run-out leases and the screen's row: one statement on
# PostgreSQL; on SQLite three, in a savepoint (two more).
QUERIES_OF_NEXT = 4 if connection.vendor == "postgresql" else 8


def test_the_cost_of_next_is_constant_for_a_new_user():
    queries = queries_of_next(0)

    assert len(queries) == QUERIES_OF_NEXT
    if connection.vendor == "postgresql":
        # No transaction of its own: the one write is one statement.
        assert not [q for q in queries if q.startswith(("BEGIN", "SAVEPOINT", "COMMIT"))]
        assert "display_lease" in queries[-1] and "display_screen" in queries[-1]


def test_the_cost_of_next_does_not_grow_with_history():
    # The same as a new user: the span is looked up inside the lanes' statement.
    assert len(queries_of_next(40)) == len(queries_of_next(400)) == QUERIES_OF_NEXT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_frames_write_commits_without_waiting_for_the_log_and_only_itself():
    """Outside any transaction the write is its own, and its commit need not wait for the
    log to reach disk; the connection's setting is left as it was, so an impression
    written next on it still waits."""
    viewer = UserFactory()
    ArtworkFactory()
    client = Client()
    client.force_login(viewer)

    with CaptureQueriesContext(connection) as captured:
        assert htmx_get(client, "/display/next/?screen=tv").status_code == 200

    # Run as itself, or behind a pooler through the function that keeps it.
    kept = {sql.function_name(s): s for s in sql.kept_statements()}
    ran = next((s for name, s in kept.items() if name in captured[-1]["sql"]), captured[-1]["sql"])
    assert "set_config('synchronous_commit', 'off', true)" in ran
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
