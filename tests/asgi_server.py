"""uvicorn in a subprocess on the test database: the real ASGI server, in another process.

Live updates need it: pytest-django's ``live_server`` speaks WSGI, where an endless
response holds a thread. PostgreSQL only: SQLite's test database lives in this process's
memory, out of the subprocess's reach. Log in by copying a session made here
(``session_cookie``): the subprocess shares the database and the secret key.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
PIN_SECONDS = 4


@dataclass(frozen=True)
class AsgiServer:
    url: str
    host: str
    port: int
    media_root: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def asgi_server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[AsgiServer]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the server runs in another process")
    port = _free_port()
    media = tmp_path_factory.mktemp("asgi-media")
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARTFEED_")},
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "MEDIA_ROOT": str(media),
        "STATIC_ROOT": str(settings.STATIC_ROOT),
        "ARTFEED_PIN": f"{PIN_SECONDS}s",
        "ARTFEED_VIEWABLE_MS": "300",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", "artfeed.asgi:application"]
    server = subprocess.Popen(
        [
            *command,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "1",
        ],  # fmt: skip
        cwd=ROOT,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.1)
        yield AsgiServer(f"http://127.0.0.1:{port}", "127.0.0.1", port, media)
    finally:
        server.terminate()
        server.wait(10)


def session_cookie(user) -> str:
    """A session of ``user`` in the shared database: the value of the sessionid cookie."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
