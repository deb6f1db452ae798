"""How a pooled PostgreSQL connection is checked as a request takes it.

After a database restart every pooled connection is dead, and the first statement on
each would fail: the request would get a 503. psycopg's pool can check a connection as
it hands it out, but its check is an empty query, one more round trip on every request
(`/display/next/` made 9, docs/scaling.md). A connection the server closed says so
without being asked: the server sends its reason and closes the socket, so an idle
connection with something to read is one to ask. Only then does the empty query run:
it fails on a dead connection, and the pool throws that one away and takes another.

Django gives its pool the empty query as the check (``CONN_HEALTH_CHECKS``) and offers
no way to name another, so the pool's check is swapped for this one when the pool makes
its first connection; that first one is new anyway.

What this cannot see is a server that vanished without a word (a host powered off, a
network cut): the socket stays quiet until a statement times out, as it would have
between the empty query and the next statement anyway.
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.signals import connection_created
from django.dispatch import receiver
from psycopg import Connection
from psycopg_pool import ConnectionPool


def check_quietly(conn: Connection) -> None:
    """The pool's ``check``: raise if ``conn`` is dead; a round trip only when the server
    sent something unasked."""
    if conn.closed:
        raise ConnectionError("the connection was closed")
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        ConnectionPool.check_connection(conn)


@receiver(connection_created)
def _check_pooled_connections_quietly(sender: Any, connection: Any, **kwargs: Any) -> None:
    pool = connection.pool if connection.vendor == "postgresql" else None
    # psycopg_pool keeps the check it was given here; Django gave it the empty query.
    if pool is not None and getattr(pool, "_check", None) is ConnectionPool.check_connection:
        pool._check = check_quietly
