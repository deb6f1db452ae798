"""Statements the bench runs as they are, through Django's connection (psycopg)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from artfeed.models import Artwork
from impressions.models import Impression

# The previous generation of this product, verbatim but for the table names.
OLD_QUERY = f"""
SELECT a.* FROM {Artwork._meta.db_table} a
LEFT JOIN {Impression._meta.db_table} i
  ON i.artwork_id = a.id AND i.user_id = %s AND i.viewed_at > now() - interval '7 days'
WHERE i.id IS NULL AND a.created_at > now() - interval '7 days'
ORDER BY a.created_at DESC LIMIT 10
"""  # noqa: S608 - table names come from model metadata

# The floor: the ten newest artworks by the created_at index, nothing else.
FLOOR_QUERY = f"SELECT * FROM {Artwork._meta.db_table} ORDER BY created_at DESC LIMIT 10"  # noqa: S608


def fetch_all(statement: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def fetcher(statement: str, params: list | None = None) -> Callable[[], list[tuple]]:
    return lambda: fetch_all(statement, params)


def explain(statement: str, params: list | None = None) -> str:
    rows = fetch_all(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params)
    return "\n".join(row[0] for row in rows)


def explain_prepared(statement: str, params: list) -> str:
    """EXPLAIN the plan the app really runs: the statement prepared, with the generic plan
    that the settings ask for (``plan_cache_mode``), executed with these parameters."""
    numbered = statement.split("%s")
    prepared = "".join(f"{part}${i}" for i, part in enumerate(numbered[:-1], 1)) + numbered[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE bench_explained AS {prepared}")
        placeholders = ", ".join(["%s"] * len(params))
        cursor.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_explained({placeholders})", params
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE bench_explained")
    return plan
