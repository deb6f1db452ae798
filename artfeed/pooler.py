"""Session settings that survive a pooler in transaction mode (``DATABASE_POOLER``).

PgBouncer in transaction mode refuses the startup ``options`` that set the statement
timeout, and a ``SET`` would stay behind on whichever server connection ran it, for the
next client's transactions. So the timeout is written where every new server session
reads it whatever pools it: the role's default in this database
(``ALTER ROLE … IN DATABASE … SET``), by ``migrate``, which each release runs. It holds
for server connections opened from then on (a pooler's older ones keep the previous
value until it recycles them: PgBouncer's ``RECONNECT``, or ``server_lifetime``).
Every ``migrate`` on PostgreSQL also writes the feed's reads as functions there
(``artfeed.sql``), whatever the pooler setting.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from artfeed.sql import write_kept_reads


def role_defaults() -> dict[str, str]:
    """The session settings the app wants, as ``ALTER ROLE … SET`` takes them."""
    timeout = settings.ARTFEED_DB_STATEMENT_TIMEOUT
    return {"statement_timeout": str(int(timeout.total_seconds() * 1000))}


@receiver(post_migrate, dispatch_uid="artfeed.pooler.write_role_defaults")
def write_role_defaults(sender: Any, using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    if (
        sender.name != "artfeed"
        or connection.vendor != "postgresql"
        or settings.DATABASE_POOLER != "transaction"
    ):
        return
    database = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        for name, value in role_defaults().items():
            # Identifiers cannot be parameters; the value is a number we made.
            cursor.execute(f"ALTER ROLE CURRENT_USER IN DATABASE {database} SET {name} = {value}")


@receiver(post_migrate, dispatch_uid="artfeed.pooler.write_kept_reads")
def keep_reads(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Nothing is prepared behind a pooler: the feed's reads and a frame's write keep
    their plans in functions instead (``artfeed.sql.keep_in_database``). Written by
    every ``migrate`` on PostgreSQL, whatever the pooler setting: a long migration may
    run directly."""
    connection = connections[using]
    if sender.name == "artfeed" and connection.vendor == "postgresql":
        if _migrations_left(connection):
            # A partial migrate (``migrate display 0008``): the reads name other apps'
            # tables, which may not exist yet; the migrate that leaves none writes them.
            return
        write_kept_reads(connection)


def _migrations_left(connection: Any) -> bool:
    """Whether migrations are left to apply on ``connection``'s database."""
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
