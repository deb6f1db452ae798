"""The production server as the bench and the tests start it: uvicorn serving
``artfeed.asgi:application``, one worker (or ``workers``), DEBUG off, on a free loopback
port.

``ServerProcess`` starts it, waits until ``/healthz`` answers, stops it by its own pid and
restarts it on the same port (the fault tests' "app server restarted").
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Server:
    host: str
    port: int

    @property
    def authority(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.authority}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def production_environment(database_url: str) -> dict[str, str]:
    """This process's environment with DEBUG off and the database given.

    The loopback speaks plain HTTP, so nothing is redirected to HTTPS; cookies stay
    ``Secure`` and ``__Host-`` as in production (browsers accept them from 127.0.0.1).
    """
    env = dict(os.environ)
    # A test run's switch (tests/browser/conftest.py); never the server's.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    return env


class ServerProcess:
    """One uvicorn server on a port chosen once, so a restart comes back where the
    clients expect it. ``env`` adds to (or overrides) the production environment;
    ``workers`` above 1 makes it a parent process sharing the port with that many."""

    def __init__(
        self,
        database_url: str,
        *,
        settings_module: str = "artfeed.settings",
        env: dict[str, str] | None = None,
        log: Path | None = None,
        workers: int = 1,
    ) -> None:
        self.server = Server(HOST, free_port())
        self.workers = workers
        self.env = production_environment(database_url)
        self.env["DJANGO_SETTINGS_MODULE"] = settings_module
        self.env.update(env or {})
        self.log = log
        self._process: subprocess.Popen | None = None
        self._log_file: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "artfeed.asgi:application",
            "--host",
            self.server.host,
            "--port",
            str(self.server.port),
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = self.log.open("ab")
        self._process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT if self._log_file else None,
        )
        self._wait_until_up(timeout)

    def stop(self, timeout: float = 15) -> None:
        """Stop gracefully (SIGTERM: uvicorn finishes what it is serving), then for good."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    @property
    def pid(self) -> int | None:
        """The uvicorn process's id (the parent of the workers, if there are several)."""
        return self._process.pid if self._process is not None else None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                code = self._process.returncode if self._process else None
                raise RuntimeError(f"The server exited with status {code}.{self._log_tail()}")
            # Blocking, not asyncio: callers may already run an event loop (Playwright).
            probe = http.client.HTTPConnection(self.server.host, self.server.port, timeout=5)
            try:
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"The server did not answer on {self.server.authority} in {timeout:.0f} s."
            f"{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n" + "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])


@contextmanager
def running(database_url: str, *, settings_module: str = "bench.settings") -> Iterator[Server]:
    """Start the server, wait until it answers, and stop it afterwards."""
    process = ServerProcess(database_url, settings_module=settings_module)
    process.start()
    try:
        yield process.server
    finally:
        process.stop()
