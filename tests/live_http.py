"""Raw HTTP against the production server ``start_asgi_server`` runs: signed-in headers,
an open event stream, one-off requests, a metric as a scraper reads it, and which
worker process of a ``uvicorn --workers N`` server holds a given connection."""

from __future__ import annotations

import http.client
import json
import os
import socket
from pathlib import Path

from django.db import connection

from bench.sessions import CSRF_TOKEN, session_cookie

METRICS_TOKEN = "metrics-token-for-the-live-tests"


def signed_in(user) -> dict[str, str]:
    """A signed-in browser's headers for the server (DEBUG off: ``__Host-`` cookies),
    CSRF included. Made in the test's thread: it writes a session."""
    return {
        "Cookie": f"__Host-{session_cookie(user)}; __Host-csrftoken={CSRF_TOKEN}",
        "X-CSRFToken": CSRF_TOKEN,
    }


def connect(server) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(server.server.host, server.server.port, timeout=30)


def ask(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: dict | None = None,
) -> tuple[int, bytes]:
    """One request on ``connection`` (kept alive for the next); status and body."""
    headers = dict(headers or {})
    if body is not None:
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def request(server, method: str, path: str, headers=None, body: dict | None = None):
    """One request on a connection of its own. Safe in other threads when ``headers``
    were made in the test's thread."""
    connection = connect(server)
    try:
        return ask(connection, method, path, headers, body)
    finally:
        connection.close()


def metric(server, series: str, connection: http.client.HTTPConnection | None = None) -> float:
    """The value of one series (``name`` or ``name{label="…"}``) in ``/metrics``, read
    with ``ARTFEED_METRICS_TOKEN=METRICS_TOKEN`` (on ``connection`` if given)."""
    own = connection is None
    connection = connect(server) if connection is None else connection
    try:
        status, body = ask(
            connection, "GET", "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
    finally:
        if own:
            connection.close()
    text = body.decode()
    assert status == 200, text
    for line in text.splitlines():
        if line.startswith(f"{series} "):
            return float(line.split()[1])
    raise AssertionError(f"{series} is not in /metrics:\n{text}")


class OpenStream:
    """One screen's ``/display/stream/``, read up to its ``ready`` event and left open."""

    def __init__(self, server, headers: dict[str, str], *, wait: bool = True) -> None:
        self.http = connect(server)
        self.http.timeout = 10
        self.http.request("GET", "/display/stream/", headers=headers)
        if wait:
            self.wait()

    def wait(self) -> None:
        """Read the answer up to the ``ready`` event."""
        self.response = self.http.getresponse()
        assert self.response.status == 200, self.response.read()
        assert self.next_event() == [b"retry: 2000\n", b"event: ready\n", b"data: listening\n"]

    @property
    def socket(self) -> socket.socket:
        return self.http.sock

    def next_event(self) -> list[bytes]:
        """The next event's lines (heartbeat comments skipped)."""
        while True:
            lines = []
            while (line := self.response.readline()) not in (b"\n", b""):
                lines.append(line)
            if lines != [b": heartbeat\n"]:
                return lines

    def close(self) -> None:
        self.http.sock.shutdown(socket.SHUT_RDWR)
        self.http.close()


def listening_connections() -> int:
    """Backends of the test database waiting in LISTEN: one per process with streams."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND query LIKE 'LISTEN %%'"
        )
        return cursor.fetchone()[0]


def worker_of(server, client: socket.socket) -> int:
    """The pid of the server process holding the other end of ``client`` (Linux: the
    kernel's socket table and each worker's open files, under /proc)."""
    client_port = client.getsockname()[1]
    server_port = server.server.port
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == (
            client_port
        ):
            inode = fields[9]
    assert inode is not None, "the server has no end of that connection"
    wanted = f"socket:[{inode}]"
    for pid in _descendants(server.pid):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == wanted:
                    return pid
        except OSError:  # a process that just went away
            continue
    raise AssertionError(f"no process of the server holds {wanted}")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        found.append(current)
        frontier.extend(children.get(current, []))
    return found
