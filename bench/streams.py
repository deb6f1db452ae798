"""Holding live-update streams open during a stress run, as open displays do.

Used with ``python -m bench.stress --streams``: one stream per screen."""

from __future__ import annotations

import asyncio

from bench.load import request_bytes
from bench.traffic import Stats

LABEL = "GET stream"


async def hold_stream(
    host: str, port: int, path: str, headers: dict[str, str], stop: asyncio.Event, stats: Stats
) -> None:
    """Open the stream, check it is one (200, text/event-stream), and read its events
    until ``stop`` is set; each ``event:`` line is counted in ``stats.stream_events``."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        asking = {**headers, "Accept": "text/event-stream"}
        writer.write(request_bytes("GET", path, host=f"{host}:{port}", headers=asking))
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status = int(head.split()[1])
        stats.statuses[LABEL][status] += 1
        if status != 200 or "text/event-stream" not in head.lower():
            stats.broken_streams += 1
            return
        while not stop.is_set():
            try:
                line = await asyncio.wait_for(reader.readline(), timeout=0.5)
            except TimeoutError:
                continue
            if not line:  # the server closed it before the run ended
                stats.broken_streams += 1
                return
            if line.startswith(b"event:"):
                stats.stream_events += 1
    finally:
        writer.close()
