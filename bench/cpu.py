"""CPU time the server and the database spend on a round of requests, read from ``/proc``.

Throughput on a shared machine wanders from round to round (another tenant takes a
core); the CPU a request costs wanders far less, so a change to the request path shows
in it first. Linux only: elsewhere, and for a database on another host, nothing is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def seconds(pids: Iterable[int]) -> float:
    """The CPU time (user and system) these processes have used, those gone not counted."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        # The fields after the command name, which may hold spaces and parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def with_children(pid: int) -> list[int]:
    """``pid`` and its children (a server's workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(int(child) for child in children)]


def database_backends(cursor) -> list[int]:
    """The PostgreSQL server processes of this database's connections, when the server
    runs on this machine (an empty list when its pids are not ours to read)."""
    cursor.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    pids = [pid for (pid,) in cursor.fetchall()]
    return [pid for pid in pids if Path(f"/proc/{pid}/stat").exists()]


class Spent:
    """The CPU seconds a block of work cost the server's processes and the database's
    backends (``with Spent(server, database) as spent: …``; then ``spent.server``,
    ``spent.database``)."""

    def __init__(self, server: Iterable[int], database: Iterable[int]) -> None:
        self.pids = list(server), list(database)
        self.server = self.database = 0.0

    def __enter__(self) -> Spent:
        self._started = seconds(self.pids[0]), seconds(self.pids[1])
        return self

    def __exit__(self, *exc: object) -> None:
        self.server = seconds(self.pids[0]) - self._started[0]
        self.database = seconds(self.pids[1]) - self._started[1]
