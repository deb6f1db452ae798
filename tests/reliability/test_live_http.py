"""What only the real server shows: raw HTTP (chunked bodies), cookies as set over the
wire, the security headers. PostgreSQL only (``start_asgi_server``)."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest

from bench.sessions import CSRF_TOKEN, session_cookie
from impressions.models import Impression
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def chunked_post(server, path: str, headers: dict[str, str], chunks: int, size: int):
    """POST a chunked body, chunk by chunk; return (status, body, chunks sent)."""
    host, port = server.server.host, server.server.port
    with socket.create_connection((host, port), timeout=10) as sock:
        head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Transfer-Encoding: chunked"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = 0
        try:
            for _ in range(chunks):
                sock.sendall(f"{size:x}\r\n".encode() + b"x" * size + b"\r\n")
                sent += 1
                time.sleep(0.001)
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-body: what we want
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read(), sent


def signed_in(user) -> dict[str, str]:
    return {
        "Cookie": f"__Host-{session_cookie(user)}; __Host-csrftoken={CSRF_TOKEN}",
        "X-CSRFToken": CSRF_TOKEN,
        "Content-Type": "application/json",
    }


def test_a_huge_chunked_body_is_refused_long_before_its_end(start_asgi_server):
    server = start_asgi_server(ARTFEED_MAX_REQUEST_BODY="1000000")

    status, body, sent = chunked_post(server, "/api/impressions/", {}, chunks=10_000, size=65536)

    assert status == 413
    assert "at most 1000000 bytes" in json.loads(body)["error"]
    assert sent < 10_000  # 655 MB were on offer


def test_a_chunked_batch_over_its_own_limit_is_413_and_records_nothing(start_asgi_server):
    user = UserFactory()
    server = start_asgi_server()

    status, body, _ = chunked_post(server, "/api/impressions/", signed_in(user), 40, 1000)

    assert status == 413
    assert "too large" in json.loads(body)["error"]
    assert not Impression.objects.exists()


def test_cookies_are_secure_host_only_httponly_and_samesite(start_asgi_server):
    server = start_asgi_server()
    connection = http.client.HTTPConnection(server.server.host, server.server.port)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    response.read()

    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("__Host-csrftoken=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain" not in cookie


def test_pages_carry_the_security_headers_and_hsts_behind_a_tls_proxy(start_asgi_server):
    server = start_asgi_server(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    connection = http.client.HTTPConnection(server.server.host, server.server.port)
    connection.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    response.read()

    assert response.status == 200
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
