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
The feed's reads and a frame's write, the hottest and dearest to plan, are kept in the
database instead (``keep_in_database``): ``migrate`` writes each as a PL/pgSQL function,
whose plan every server connection caches as it would a prepared statement's, whoever it
serves. In process the feed's read took 1.7 ms planned each time, 0.75 ms through its
function and 0.45 ms prepared (docs/benchmarks.md, "Topologies"); the frame's write cost
the database 0.53–0.61 ms planned each time, 0.17–0.18 ms prepared. A function is named
after its statement's text, so a release never runs another's; a process that finds
none, or one that no longer fits what the statement returns, runs the statement itself
and looks again a minute later.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DataError, ProgrammingError, connection, transaction
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
    function = _kept_function(statement)
    if function is not None:
        try:
            return _fetch(f"SELECT * FROM {function}({', '.join(['%s'] * len(params))})", params)
        except (ProgrammingError, DataError) as error:
            # Dropped since it was found, or written before a column's type changed:
            # the statement itself still answers, outside a transaction it would abort.
            if connection.in_atomic_block or not _stale(error):
                raise
            _found[function] = (False, time.monotonic())
    return _fetch(statement, params)


def _stale(error: Exception) -> bool:
    """Whether ``error`` says a kept function no longer fits: gone, or its columns'
    types changed since it was written."""
    from psycopg import errors

    return isinstance(error.__cause__, (errors.UndefinedFunction, errors.DatatypeMismatch))


def _fetch(statement: str, params: Sequence[Any]) -> list[tuple]:
    with _cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


# Statements kept in the database behind a pooler in transaction mode: callables that
# give them, and whether they write, added by the apps that own them (their ``ready``),
# read by ``migrate``.
KEPT_READS: list[tuple[Callable[[], Iterable[str]], bool]] = []
# Whether this process found each function, and when it last looked for a missing one.
_found: dict[str, tuple[bool, float]] = {}
# A function missing (its release's migrate has not run yet) is looked for again after this.
_LOOK_AGAIN_SECONDS = 60.0


def look_again() -> None:
    """Forget which kept functions this process found or missed: the next run of each
    kept read looks for its function again (after its functions were written, say)."""
    _found.clear()


def drop_kept_reads(database_connection: Any) -> None:
    """Drop every kept read's function (``write_kept_reads`` writes them again)."""
    with database_connection.cursor() as cursor:
        for statement in kept_statements():
            cursor.execute(f"DROP FUNCTION IF EXISTS {function_name(statement)}")


def keep_in_database(statements: Callable[[], Iterable[str]], *, writes: bool = False) -> None:
    """Have ``migrate`` keep these statements in the database as functions, and run them
    through those functions behind a pooler in transaction mode. They are reads, or,
    with ``writes``, statements that write (and return rows)."""
    KEPT_READS.append((statements, writes))


@lru_cache(maxsize=64)
def function_name(statement: str) -> str:
    """The function that holds ``statement``: named after its text, so a release whose
    statement changed never runs another release's function."""
    kind = "write" if statement in _kept_writes() else "read"
    return f"artfeed_{kind}_" + hashlib.sha256(statement.encode()).hexdigest()[:24]


def kept_statements() -> list[str]:
    """Every kept statement, once each."""
    return list(dict.fromkeys(s for statements, _ in KEPT_READS for s in statements()))


def _kept_writes() -> set[str]:
    return {s for statements, writes in KEPT_READS if writes for s in statements()}


def _kept_function(statement: str) -> str | None:
    """The function to run ``statement`` through, if it is kept and found, else None."""
    if (
        connection.vendor != "postgresql"
        or settings.DATABASE_POOLER != "transaction"
        or statement not in kept_statements()
    ):
        return None
    name = function_name(statement)
    found, looked = _found.get(name, (False, float("-inf")))
    if not found and time.monotonic() - looked > _LOOK_AGAIN_SECONDS:
        with _cursor() as cursor:
            cursor.execute("SELECT to_regproc(%s) IS NOT NULL", [name])
            found = cursor.fetchone()[0]
        _found[name] = (found, time.monotonic())
    return name if found else None


def write_kept_reads(database_connection: Any) -> list[str]:
    """Write every kept read as a function on ``database_connection`` (PostgreSQL) where
    it is missing or out of date, and return their names. Run by every ``migrate``
    (``artfeed.pooler``), whatever the pooler setting: a migration may run directly.

    Each is ``RETURN QUERY`` of the statement itself, its placeholders the function's
    arguments, whose types, and those of the columns it returns, PostgreSQL infers from
    the statement (as it would preparing it). Its plan is generic and cached for the
    server connection, as the prepared statement's is without a pooler (the statement's
    LIMIT is written into it, so the generic plan is the custom one). A function whose
    types still hold is left as it is, its server connections' plans with it."""
    names = []
    writes = _kept_writes()
    for statement in kept_statements():
        name = function_name(statement)
        body = _numbered(statement)
        # A write's function may write (VOLATILE); a read's may not (STABLE).
        volatility, kind = ("VOLATILE", " writes") if statement in writes else ("STABLE", "")
        # One transaction: behind the pooler, one server connection for all of it, and
        # callers see the old function or the new one. Dropped first: a column whose
        # type changed (the text, and so the name, did not) changes what the function
        # returns, which CREATE OR REPLACE cannot.
        atomic = transaction.atomic(using=database_connection.alias)
        with atomic, database_connection.cursor() as cursor:
            cursor.execute("SELECT obj_description(to_regproc(%s), 'pg_proc')", [name])
            written = cursor.fetchone()[0]
            arguments, columns = _described(database_connection, cursor, body)
            signature = f"({', '.join(arguments)}) -> ({', '.join(columns)}){kind}"
            if written != signature:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}")
                cursor.execute(
                    f"""CREATE FUNCTION {name}({", ".join(arguments)})
                    RETURNS TABLE ({", ".join(columns)}) LANGUAGE plpgsql {volatility}
                    SET plan_cache_mode = force_generic_plan AS $artfeed$
                    #variable_conflict use_column
                    BEGIN RETURN QUERY {body}; END $artfeed$"""
                )
                quoted = signature.replace("'", "''")
                cursor.execute(f"COMMENT ON FUNCTION {name} IS '{quoted}'")
        names.append(name)
    return names


def _numbered(statement: str) -> str:
    """``statement`` with its placeholders numbered, as a function's arguments."""
    if statement.count("%") != statement.count("%s"):
        raise ValueError("A kept read holds a % that is no placeholder.")
    numbers = iter(range(1, 10_000))
    return re.sub("%s", lambda _: f"${next(numbers)}", statement)


def _described(database_connection: Any, cursor: Any, body: str) -> tuple[list[str], list[str]]:
    """The types of ``body``'s parameters and its columns (``"name" type``), as
    PostgreSQL infers them preparing it (unnamed, in the open transaction)."""
    from psycopg import errors, pq

    pgconn = database_connection.connection.pgconn
    for result in (pgconn.prepare(b"", body.encode()), described := pgconn.describe_prepared(b"")):
        if result.status != pq.ExecStatus.COMMAND_OK:
            raise errors.ProgrammingError(result.error_message.decode(errors="replace"))
    oids = [described.param_type(i) for i in range(described.nparams)]
    oids += [described.ftype(i) for i in range(described.nfields)]
    cursor.execute(
        "SELECT format_type(t.oid, NULL) FROM unnest(%s::oid[]) WITH ORDINALITY AS t(oid, n)"
        " ORDER BY t.n",
        [oids],
    )
    types = [row[0] for row in cursor.fetchall()]
    arguments = types[: described.nparams]
    columns = [
        f'"{described.fname(i).decode()}" {types[described.nparams + i]}'
        for i in range(described.nfields)
    ]
    return arguments, columns


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
