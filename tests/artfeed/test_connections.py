"""A pooled connection is checked as a request takes it, with no round trip unless the
server closed it (artfeed/connections.py). PostgreSQL only."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from artfeed.connections import check_quietly
from tests.live import live_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def connect() -> psycopg.Connection:
    return psycopg.connect(live_database_url().replace("postgres://", "postgresql://", 1))


def test_a_live_connection_passes_without_a_query(monkeypatch):
    asked = []
    monkeypatch.setattr(ConnectionPool, "check_connection", asked.append)
    with connect() as conn:
        conn.execute("SELECT 1").fetchone()
        conn.rollback()

        check_quietly(conn)

    assert asked == []


def test_a_connection_the_server_closed_fails_the_check():
    with connect() as conn, connect() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])
        admin.commit()
        deadline = time.monotonic() + 5
        with pytest.raises(psycopg.OperationalError):  # noqa: PT012 - until the socket says so
            while time.monotonic() < deadline:
                check_quietly(conn)
                time.sleep(0.01)


def test_a_closed_connection_fails_the_check():
    conn = connect()
    conn.close()

    with pytest.raises(ConnectionError):
        check_quietly(conn)


@pytest.mark.django_db(transaction=True)
def test_the_apps_pool_checks_quietly():
    # A connection taken from the pool now: an earlier test may have left one taken
    # from a pool since replaced (a TIME_ZONE change closes the pool, not the
    # connection), and the check is swapped as the pool hands a connection out.
    connection.close()
    connection.ensure_connection()

    assert connection.pool._check is check_quietly
