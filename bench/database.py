"""Which PostgreSQL database the bench uses, and wiping it safely before a run.

The bench fills its database with millions of rows, so it only ever wipes a database
that is empty or that a previous bench run marked as its own (table ``bench_run``).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/artfeed_bench"
MARKER = "bench_run"


class NotABenchDatabase(RuntimeError):
    pass


def bench_url() -> str:
    """DATABASE_URL when it names PostgreSQL, else the default bench database."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in ("postgres", "postgresql", "pgsql") else DEFAULT_URL


def sibling_url(url: str, suffix: str) -> str:
    """The same server with ``suffix`` appended to the database name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}{suffix}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def libpq(url: str) -> str:
    """psycopg wants ``postgresql://``; Django's ``postgres://`` spelling works as well."""
    return url.replace("pgsql://", "postgresql://", 1)


def ensure_database(url: str) -> None:
    """Create the database if it does not exist yet."""
    admin = urlunsplit(urlsplit(libpq(url))._replace(path="/postgres"))
    name = database_name(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def wipe(url: str) -> None:
    """Empty the database's public schema, refusing unless it is empty or the bench's own."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        }
        if tables and MARKER not in tables:
            raise NotABenchDatabase(
                f"The database {database_name(url)!r} holds tables the bench did not make. "
                "The bench wipes its database: point DATABASE_URL at a database of its own, "
                f"e.g. {DEFAULT_URL}."
            )
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
        conn.execute(f"CREATE TABLE {MARKER} (started_at timestamptz DEFAULT now())")
        conn.execute(f"INSERT INTO {MARKER} DEFAULT VALUES")


def server_version(url: str) -> str:
    with psycopg.connect(libpq(url)) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]
