"""System checks of the database the app runs on, run by ``manage.py migrate`` and
``manage.py check --database default``."""

from __future__ import annotations

from django.core.checks import Tags, Warning, register
from django.db import connections


def autovacuum_setting(alias: str) -> str | None:
    """PostgreSQL's ``autovacuum`` setting on that database, or None elsewhere."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        return cursor.fetchone()[0]


@register(Tags.database)
def autovacuum_is_on(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    """Every frame rewrites a lease, the screen's row and the seen span: with autovacuum
    off their dead versions pile up and every frame gets slower (README, "Production")."""
    return [
        Warning(
            f"PostgreSQL's autovacuum is off on the {alias!r} database.",
            hint="Turn it back on (autovacuum = on, the default): the rows every frame "
            "rewrites pile up dead versions without it and frames get slower.",
            id="artfeed.W001",
        )
        for alias in databases or ()
        if autovacuum_setting(alias) == "off"
    ]
