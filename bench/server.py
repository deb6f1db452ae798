"""The production server, started by the bench: uvicorn, the ASGI app, one worker,
DEBUG off, on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.load import fetch, request_bytes

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Server:
    host: str
    port: int

    @property
    def authority(self) -> str:
        return f"{self.host}:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def production_environment(database_url: str) -> dict[str, str]:
    """The bench process's own settings (see ``bench.__main__``) with DEBUG off."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        ALLOWED_HOSTS=f"{HOST},localhost",
        LOG_LEVEL="WARNING",
    )
    return env


@contextmanager
def running(database_url: str, *, settings_module: str = "bench.settings") -> Iterator[Server]:
    """Start the server, wait until it answers, and stop it (by its own pid) afterwards."""
    port = free_port()
    env = production_environment(database_url)
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "artfeed.asgi:application",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    server = Server(HOST, port)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    probe = request_bytes("GET", "/bench/trivial/", host=server.authority)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited with status {process.returncode}.")
        try:
            if fetch(server.host, server.port, probe).status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"The server did not answer on {server.authority} in {timeout:.0f} s.")
