"""A throwaway PostgreSQL cluster of our own, for the fault test that restarts the
database: the machine's shared server is never stopped. initdb in a temporary
directory, trust authentication, a free loopback port; deleted at the end."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from bench.server import HOST, free_port


def postgres_bin() -> Path:
    """Where initdb and pg_ctl are: ``ARTFEED_PG_BIN``, else Debian's newest."""
    configured = os.environ.get("ARTFEED_PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if not found:
        raise FileNotFoundError(
            "No PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: "
            "apt-get install postgresql, or set ARTFEED_PG_BIN."
        )
    return Path(found[-1]).parent


def _version(path: str) -> tuple[int, ...]:
    part = Path(path).parts[-3]
    return tuple(int(x) for x in part.split(".") if x.isdigit())


class ThrowawayCluster:
    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="artfeed-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        # PostgreSQL refuses to run as root: run it as the postgres user then.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.root, user="postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/artfeed"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def create(self) -> ThrowawayCluster:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        self.start()
        with psycopg.connect(
            f"postgresql://postgres@{HOST}:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE artfeed")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses={HOST} -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        # Fast: roll back what is running and close every connection, as a restart does.
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
