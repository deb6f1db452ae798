"""Running the few hot, fixed statements that are written in SQL.

On PostgreSQL they are prepared once per connection: planning a statement with several
anti-joins costs more than running it (about 1 ms against 0.2 ms, docs/benchmarks.md),
and the connection pool keeps connections, so a screen asking every few seconds pays
for the plan once. Django's own cursors bind parameters on the client and so cannot
prepare; these statements get a server-binding cursor on the same connection, wrapped
like any Django cursor so they are logged and counted as queries.

Behind a pooler in transaction mode (``DATABASE_POOLER=transaction``) a statement
prepared on one server connection is unknown to the next, so nothing is prepared there:
each runs as an unnamed statement, planned each time (docs/benchmarks.md has the cost).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Model

# Prepare a statement the second time it runs on a connection (psycopg's own cache
# holds the most recent hundred per connection).
PREPARE_AFTER = 1


class _LoggedCursor(CursorDebugWrapper):
    """Logs the statement as written: psycopg keeps no query text for a prepared one."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
            yield


def _cursor():
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    # Django leaves prepared statements off for its client-binding cursors, which cannot
    # use them anyway; only server-binding cursors like the one below are affected.
    raw.prepare_threshold = None if settings.DATABASE_POOLER == "transaction" else PREPARE_AFTER
    cursor = psycopg.Cursor(raw)
    if connection.queries_logged:
        return _LoggedCursor(cursor, connection)
    return connection.make_cursor(cursor)


def fetch_rows(statement: str, params: Sequence[Any]) -> list[tuple]:
    """Run a statement that returns rows (a SELECT, or a write with RETURNING)."""
    with _cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def rows_later(statement: str, params: Sequence[Any]) -> Callable[[], list[tuple]]:
    """Run a statement that returns rows, and return what reads them. On PostgreSQL they
    are read only when asked, so inside a ``pipeline`` the statements sent meanwhile
    share its round trip; elsewhere they are read at once."""
    if connection.vendor != "postgresql":
        rows = fetch_rows(statement, params)
        return lambda: rows
    cursor = _cursor()
    cursor.execute(statement, params)

    def read() -> list[tuple]:
        with cursor:
            return cursor.fetchall()

    return read


def execute(statement: str, params: Sequence[Any]) -> None:
    """Run a write that returns nothing."""
    with _cursor() as cursor:
        cursor.execute(statement, params)


@contextmanager
def pipeline() -> Iterator[None]:
    """Send the statements run inside without waiting for each one's answer (PostgreSQL's
    pipeline mode): they still run in order, each seeing what the one before wrote, but
    together cost one round trip, not one each (on a loaded machine each round trip is
    also a wait for the scheduler). A fetch waits for everything sent before it. Elsewhere,
    and behind a pooler in transaction mode, a plain block."""
    if connection.vendor != "postgresql" or settings.DATABASE_POOLER == "transaction":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


def columns(model: type[Model], alias: str) -> str:
    """The model's concrete columns, qualified by ``alias``, in ``from_rows`` order."""
    return ", ".join(f"{alias}.{f.column}" for f in model._meta.concrete_fields)


def from_rows(model: type[Model], rows: Sequence[Sequence[Any]]) -> list[Model]:
    """Model instances from rows of ``columns(model, ...)``, converted as the ORM would
    (SQLite hands back text for datetimes and UUIDs)."""
    compiler, converters, names = _reader(model)
    values = compiler.apply_converters(rows, converters) if converters else map(list, rows)
    return [model.from_db(connection.alias, names, row) for row in values]


def _reader(model: type[Model]) -> tuple[Any, dict, list[str]]:
    """The ORM's compiler and converters for the model's columns on this connection, and
    their attribute names: worked out once per connection and model and kept on the
    connection, whose converters they are (building them cost more than converting the
    rows of a frame; PostgreSQL needs none, SQLite a few)."""
    readers = getattr(connection, "artfeed_readers", None)
    if readers is None:
        # Set on this thread's connection (``connection`` is a proxy to it).
        readers = connection.artfeed_readers = {}
    if model not in readers:
        fields = model._meta.concrete_fields
        compiler = model._default_manager.none().query.get_compiler(connection=connection)
        converters = compiler.get_converters([f.get_col(model._meta.db_table) for f in fields])
        readers[model] = (compiler, converters, [f.attname for f in fields])
    return readers[model]
