"""Live updates cross processes: an artwork committed here reaches the screens connected
to a uvicorn server in another process, through PostgreSQL's LISTEN/NOTIFY."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

from bench.sessions import session_cookie
from tests.browser.helpers import wait_until
from tests.factories import GeneratedArtworkFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class SseClient:
    """A raw HTTP client of /display/stream/, collecting art-ready ids in a thread."""

    def __init__(self, server, user) -> None:
        self.http = http.client.HTTPConnection(server.server.host, server.server.port, timeout=10)
        self.http.request("GET", "/display/stream/", headers={"Cookie": session_cookie(user)})
        self.response = self.http.getresponse()
        assert self.response.status == 200
        assert self.response.readline() == b"retry: 2000\n"
        assert self.response.readline() == b"event: ready\n"  # listening from here on
        assert self.response.readline() == b"data: listening\n"
        self.ids: list[str] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for line in self.response:
                if line.startswith(b"data: ") and line != b"data: listening\n":
                    self.ids.append(line[6:].decode().strip())
        except (OSError, ValueError, AttributeError):  # closed by close()
            pass

    def close(self) -> None:
        self.http.sock.shutdown(socket.SHUT_RDWR)
        self.http.close()


def test_both_screens_of_the_user_hear_of_it_and_another_user_does_not(
    asgi_server,
    user,
    other_user,
):
    tv, phone, bobs = (SseClient(asgi_server, u) for u in (user, user, other_user))
    try:
        art = GeneratedArtworkFactory(created_by=user)

        wait_until(lambda: bool(tv.ids and phone.ids), timeout=2)
        time.sleep(0.3)  # would anything reach Bob a moment later?

        assert tv.ids == [str(art.pk)]
        assert phone.ids == [str(art.pk)]
        assert bobs.ids == []
    finally:
        for client in (tv, phone, bobs):
            client.close()
