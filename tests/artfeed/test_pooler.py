"""Behind a pooler in transaction mode the statement timeout cannot ride in the startup
packet: ``migrate`` makes it the role's default in the database, which every new server
session starts with, whoever pools it. PostgreSQL only."""

from __future__ import annotations

import time
from datetime import timedelta

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from artfeed import sql
from artfeed.pooler import keep_reads, write_role_defaults
from display.feed import SPARE, next_frames
from display.lanes import fresh_and_unseen_statement
from display.leases import Visit, _claim_and_visit_statement, kept_writes
from display.models import Lease, Screen
from tests.factories import ArtworkFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def new_session_statement_timeout() -> str:
    """``statement_timeout`` in a brand-new session on PostgreSQL itself (a pooler could
    hand over an older one)."""
    params = {**connection.get_connection_params(), **(settings.DATABASE_DIRECT_URL or {})}
    for key in ("cursor_factory", "context", "prepare_threshold", "options"):
        params.pop(key, None)
    with psycopg.connect(**params) as session:
        return session.execute("SHOW statement_timeout").fetchone()[0]


@pytest.fixture
def role_defaults_restored():
    yield
    if settings.DATABASE_POOLER == "transaction":
        write_role_defaults(apps.get_app_config("artfeed"))
    else:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER ROLE CURRENT_USER IN DATABASE {name} RESET statement_timeout")


def test_migrate_makes_the_statement_timeout_the_roles_default_under_a_pooler(
    settings, role_defaults_restored
):
    settings.DATABASE_POOLER = "transaction"
    settings.ARTFEED_DB_STATEMENT_TIMEOUT = timedelta(seconds=12)

    write_role_defaults(apps.get_app_config("artfeed"))

    assert new_session_statement_timeout() == "12s"


def test_without_a_pooler_the_role_is_left_alone(settings, role_defaults_restored):
    settings.DATABASE_POOLER = "none"
    settings.ARTFEED_DB_STATEMENT_TIMEOUT = timedelta(seconds=12)
    before = new_session_statement_timeout()

    write_role_defaults(apps.get_app_config("artfeed"))

    assert new_session_statement_timeout() == before


def statements_prepared_by_running_a_hot_one_twice() -> int:
    for _ in range(2):
        sql.fetch_rows("SELECT %s::int + 1", [41])
    return sql.fetch_rows("SELECT count(*) FROM pg_prepared_statements", [])[0][0]


def test_without_a_pooler_hot_statements_are_prepared(settings):
    if settings.DATABASE_POOLER != "none":
        pytest.skip("through a pooler in transaction mode nothing may be prepared")
    connection.close()  # a session of its own, nothing prepared yet

    assert statements_prepared_by_running_a_hot_one_twice() == 1


def test_behind_a_pooler_in_transaction_mode_nothing_is_prepared(settings):
    settings.DATABASE_POOLER = "transaction"
    connection.close()

    assert statements_prepared_by_running_a_hot_one_twice() == 0


@pytest.fixture
def behind_a_pooler(settings):
    """The app as behind a pooler in transaction mode, with the feed's reads written as
    functions (as ``migrate`` writes them there), looked up afresh."""
    settings.DATABASE_POOLER = "transaction"
    names = sql.write_kept_reads(connection)
    sql.look_again()
    yield names
    sql.write_kept_reads(connection)  # as migrate left them, if a test dropped them
    sql.look_again()


def feed_statement(user) -> tuple[str, list]:
    return fresh_and_unseen_statement(user, now=timezone.now(), want=1 + SPARE)


def test_behind_a_pooler_the_feeds_reads_run_through_functions_and_answer_the_same(
    behind_a_pooler, user
):
    ArtworkFactory.create_batch(6)
    statement, params = feed_statement(user)
    assert sql.function_name(statement) in behind_a_pooler

    with CaptureQueriesContext(connection) as queries:
        through_function = sql.fetch_rows(statement, params)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        directly = cursor.fetchall()

    assert [q["sql"] for q in queries if "artfeed_read_" in q["sql"]]
    assert through_function == directly
    assert len(directly) == 4


def test_behind_a_pooler_a_frames_write_runs_through_its_function(behind_a_pooler, user):
    """Every frame's write (its lease, the release of run-out leases, its screen's row)
    is planned once per server connection, in its function, not on every frame."""
    first, second = ArtworkFactory.create_batch(2)
    statement = kept_writes()[0]
    assert sql.function_name(statement) in behind_a_pooler
    assert sql.function_name(statement).startswith("artfeed_write_")

    with CaptureQueriesContext(connection) as queries:
        frames = next_frames(user, screen="hall")
    assert [f.artwork for f in frames] == [second]
    with CaptureQueriesContext(connection) as queries_next:
        frames = next_frames(user, screen="kitchen")
    assert [f.artwork for f in frames] == [first]

    through = [q["sql"] for q in [*queries, *queries_next] if "artfeed_write_" in q["sql"]]
    assert len(through) == 2
    written = {(s.key, s.last_artwork) for s in Screen.objects.filter(user=user)}
    assert written == {("hall", second), ("kitchen", first)}
    assert {(x.screen_key, x.artwork) for x in Lease.objects.filter(user=user)} == written


def test_a_frames_write_through_its_function_skips_the_log_wait_for_its_transaction_only(
    behind_a_pooler, user
):
    art = ArtworkFactory()
    now = timezone.now()
    statement, params = _claim_and_visit_statement(
        user, "hall", [(art.pk, "unseen")], now + timedelta(minutes=1), now, False,
        Visit("hall"), own_transaction=True,
    )  # fmt: skip
    assert statement == kept_writes()[0]

    with transaction.atomic():  # one server connection, even through the pooler
        with CaptureQueriesContext(connection) as queries:
            rows = sql.fetch_rows(statement, params)
        during = sql.fetch_rows("SHOW synchronous_commit", [])[0][0]
    after = sql.fetch_rows("SHOW synchronous_commit", [])[0][0]

    assert [q for q in queries if "artfeed_write_" in q["sql"]]
    assert [row[0] for row in rows] == [art.pk]
    assert (during, after) == ("off", "on")


def mode() -> str:
    return sql.fetch_rows("SELECT current_setting('plan_cache_mode')", [])[0][0]


def test_a_function_prepares_nothing_by_name_and_sets_its_plan_mode_for_itself(
    behind_a_pooler, user
):
    ArtworkFactory.create_batch(3)
    count = "SELECT count(*) FROM pg_prepared_statements"
    with transaction.atomic():  # one server connection, even through the pooler
        before, prepared_before = mode(), sql.fetch_rows(count, [])
        for _ in range(3):
            sql.fetch_rows(*feed_statement(user))
        prepared = sql.fetch_rows(count, [])  # earlier tests' may be on this connection
        after = mode()
    assert prepared == prepared_before
    assert after == before


def test_a_read_whose_function_is_missing_runs_as_itself(behind_a_pooler, user):
    ArtworkFactory()
    statement, params = feed_statement(user)
    sql.drop_kept_reads(connection)
    sql.look_again()

    with CaptureQueriesContext(connection) as queries:
        rows = sql.fetch_rows(statement, params)

    assert len(rows) == 1
    assert not [q for q in queries if "artfeed_read_" in q["sql"] and "to_regproc" not in q["sql"]]


def kept_names() -> list[str]:
    return [sql.function_name(s) for s in sql.kept_statements()]


def kept_functions_found() -> list[bool]:
    return [sql.fetch_rows("SELECT to_regproc(%s) IS NOT NULL", [n])[0][0] for n in kept_names()]


@pytest.mark.parametrize("pooler", ["none", "transaction"])
def test_migrate_writes_the_feeds_reads_whatever_the_pooler_setting(settings, pooler):
    settings.DATABASE_POOLER = pooler
    sql.drop_kept_reads(connection)
    assert kept_functions_found() == [False] * 3  # the feed's two reads, a frame's write

    keep_reads(apps.get_app_config("artfeed"))

    assert kept_functions_found() == [True] * 3


def test_a_partial_migrate_leaves_the_feeds_reads_to_the_migrate_that_completes():
    # On a new database the reads' tables of other apps may not exist yet.
    sql.drop_kept_reads(connection)
    try:
        call_command("migrate", "display", "0008", verbosity=0)
        assert kept_functions_found() == [False] * 3  # the feed's two reads, a frame's write
    finally:
        call_command("migrate", verbosity=0)

    assert kept_functions_found() == [True] * 3


def function_oids() -> list[int]:
    return [sql.fetch_rows("SELECT to_regproc(%s)::oid::int", [n])[0][0] for n in kept_names()]


def test_a_function_that_still_fits_is_left_as_it_is(behind_a_pooler):
    before = function_oids()

    sql.write_kept_reads(connection)

    assert function_oids() == before


def test_a_function_that_no_longer_fits_is_written_anew_and_meanwhile_skipped(
    behind_a_pooler, user
):
    """A column's type changed: the statement's text, and so the function's name, did
    not, but what it returns did."""
    ArtworkFactory()
    statement, params = feed_statement(user)
    assert len(sql.fetch_rows(statement, params)) == 1  # through the function, found
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE artfeed_artwork ALTER COLUMN title TYPE text")
    try:
        assert len(sql.fetch_rows(statement, params)) == 1  # the statement itself
        sql.write_kept_reads(connection)
        sql.look_again()
        with CaptureQueriesContext(connection) as queries:
            assert len(sql.fetch_rows(statement, params)) == 1
        assert [q for q in queries if "FROM artfeed_read_" in q["sql"]]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE artfeed_artwork ALTER COLUMN title TYPE varchar(200)")


def calls_through_a_function(statement: str, params: list) -> bool:
    with CaptureQueriesContext(connection) as queries:
        sql.fetch_rows(statement, params)
    return any("FROM artfeed_read_" in q["sql"] for q in queries)


def test_a_missing_function_is_looked_for_again_a_minute_later(behind_a_pooler, user, monkeypatch):
    statement, params = feed_statement(user)
    sql.drop_kept_reads(connection)
    sql.look_again()
    assert not calls_through_a_function(statement, params)
    sql.write_kept_reads(connection)  # the release's migrate ran meanwhile

    assert not calls_through_a_function(statement, params)
    later = time.monotonic() + 61
    monkeypatch.setattr(sql.time, "monotonic", lambda: later)
    assert calls_through_a_function(statement, params)
