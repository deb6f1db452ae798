"""A bounded HTTP/1.1 load generator for the bench's own server on the loopback.

Plain asyncio streams, keep-alive, ``concurrency`` connections sharing ``total``
requests: it stops by itself once they are answered. It is small and costs little CPU
per request, which matters on a two-core machine where it shares the CPU with the
server it measures.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: Counter = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def request_bytes(
    method: str, path: str, *, host: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def read_response(reader: asyncio.StreamReader) -> Response:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            name = name.strip().lower()
            # Several Set-Cookie headers: keep them all, one per line.
            headers[name] = (
                f"{headers[name]}\n{value.strip()}" if name in headers else value.strip()
            )
    status = int(status_line.split()[1])
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Response(status, headers, body)


async def _fetch_once(host: str, port: int, payload: bytes) -> Response:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(payload)
        return await read_response(reader)
    finally:
        writer.close()


def fetch(host: str, port: int, payload: bytes) -> Response:
    """One request on its own connection."""
    _check(host)
    return asyncio.run(_fetch_once(host, port, payload))


def _check(host: str) -> None:
    if host not in LOOPBACK:
        raise ValueError(f"The bench sends load to the loopback only, not to {host!r}.")


async def _run(
    host: str, ports: Sequence[int], make: Callable[[int], bytes], total: int, concurrency: int
) -> LoadResult:
    next_index = iter(range(total))
    statuses: Counter = Counter()

    async def worker(port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for index in next_index:
                writer.write(make(index))
                response = await read_response(reader)
                statuses[response.status] += 1
                if response.headers.get("connection", "").lower() == "close":
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(ports[n % len(ports)]) for n in range(concurrency)))
    return LoadResult(total, time.perf_counter() - started, statuses)


def run_load(
    host: str,
    port: int | Sequence[int],
    make: Callable[[int], bytes],
    *,
    total: int,
    concurrency: int,
) -> LoadResult:
    """Send ``total`` requests (``make(i)`` builds the i-th) over ``concurrency`` kept-alive
    connections and time them all. Given several ports (one server process each), the
    connections are spread over them in turn."""
    _check(host)
    ports = [port] if isinstance(port, int) else list(port)
    return asyncio.run(_run(host, ports, make, total, concurrency))
