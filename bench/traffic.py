"""The load test's clients: screens that fetch frames and send impression batches the
way the display does, over kept-alive loopback connections, retrying like its recorder.

Every request is timed and its status counted per endpoint; a request that gets no
answer within ``REQUEST_TIMEOUT`` counts as a timeout (what a deadlock would look like).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import statistics
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bench.load import LOOPBACK, Response, read_response, request_bytes

REQUEST_TIMEOUT = 30.0
# Honour Retry-After, but never wait longer than this between two tries: a run is short.
MAX_BACKOFF = 2.0
FRAME_ID = re.compile(rb'data-artwork-id="([0-9a-f-]{36})"')


class Lost(RuntimeError):
    """A request that could not get through before the run's deadline."""


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    connection_errors: int = 0
    timeouts: int = 0
    unavailable_without_retry_after: int = 0
    stream_events: int = 0
    broken_streams: int = 0

    def record(self, label: str, seconds: float, response: Response) -> None:
        self.latencies[label].append(seconds)
        self.statuses[label][response.status] += 1
        if response.status == 503 and "retry-after" not in response.headers:
            self.unavailable_without_retry_after += 1

    def summary(self, wall_seconds: float) -> dict[str, dict[str, float | int | dict]]:
        out = {}
        for label, values in sorted(self.latencies.items()):
            ordered = sorted(values)
            out[label] = {
                "requests": len(values),
                "per_second": len(values) / wall_seconds,
                "p50_ms": _percentile(ordered, 50) * 1000,
                "p90_ms": _percentile(ordered, 90) * 1000,
                "p99_ms": _percentile(ordered, 99) * 1000,
                "max_ms": ordered[-1] * 1000,
                "mean_ms": statistics.fmean(ordered) * 1000,
                "statuses": {str(k): v for k, v in sorted(self.statuses[label].items())},
            }
        return out

    def count(self, predicate) -> int:
        return sum(n for c in self.statuses.values() for s, n in c.items() if predicate(s))


def _percentile(ordered: list[float], p: float) -> float:
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Client:
    """One kept-alive connection that reconnects when the server goes away."""

    def __init__(self, host: str, port: int, stats: Stats) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"The load test sends traffic to the loopback only, not {host!r}.")
        self.host, self.port, self.stats = host, port, stats
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None

    async def request(
        self, label: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> Response | None:
        """One try; None when the connection failed or the answer did not come in time."""
        payload = request_bytes(
            method, path, host=f"{self.host}:{self.port}", headers=headers, body=body
        )
        started = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                if self._streams is None:
                    self._streams = await asyncio.open_connection(self.host, self.port)
                reader, writer = self._streams
                writer.write(payload)
                await writer.drain()
                response = await read_response(reader)
        except TimeoutError:
            self.stats.timeouts += 1
            await self.close()
            return None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            self.stats.connection_errors += 1
            await self.close()
            return None
        self.stats.record(label, time.perf_counter() - started, response)
        if response.headers.get("connection", "").lower() == "close":
            await self.close()
        return response

    async def until_answered(
        self,
        label: str,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes = b"",
        *,
        deadline: float,
    ) -> Response:
        """Like the display's recorder: retry a failed connection or a 5xx with backoff
        (or after Retry-After) until an answer below 500 comes back."""
        delay = 0.1
        while True:
            response = await self.request(label, method, path, headers, body)
            if response is not None and response.status < 500:
                return response
            if time.monotonic() > deadline:
                raise Lost(f"{method} {path} got no answer below 500 before the deadline.")
            wait = delay
            if response is not None and response.headers.get("retry-after", "").isdigit():
                wait = float(response.headers["retry-after"])
            await asyncio.sleep(min(wait, MAX_BACKOFF) * random.uniform(0.5, 1.0))
            delay = min(delay * 2, MAX_BACKOFF)


@dataclass(frozen=True)
class Viewer:
    """A signed-in user of the load test and what they may and may not see."""

    user_id: int
    headers: dict[str, str]  # session cookie, CSRF cookie and header
    foreign: list[uuid.UUID]  # other users' private artworks: always rejected


@dataclass
class Sent:
    """The (user, artwork) pairs the server accepted: what the database must hold."""

    pairs: set[tuple[int, uuid.UUID]] = field(default_factory=set)
    batches: int = 0
    rejected_foreign: int = 0
    problems: list[str] = field(default_factory=list)


async def screen(
    client: Client,
    viewer: Viewer,
    *,
    name: str,
    batches: list[list[uuid.UUID]],
    sent: Sent,
    deadline: float,
    progress: asyncio.Event | None = None,
    progress_at: int = 0,
) -> None:
    """One display: for each planned batch, fetch the next frame, then send the batch
    with that frame, duplicates and another user's private artwork in it."""
    from bench.sessions import frame_headers  # Django's, configured by then

    rng = random.Random(f"{viewer.user_id}-{name}")
    headers = frame_headers(viewer.headers, name)
    post_headers = {**viewer.headers, "Content-Type": "application/json"}
    try:
        for batch in batches:
            frame = await client.until_answered(
                "GET /display/next/",
                "GET",
                f"/display/next/?screen={name}&dwell=3",
                headers,
                deadline=deadline,
            )
            shown = [uuid.UUID(m.decode()) for m in FRAME_ID.findall(frame.body)][:1]
            foreign = rng.sample(viewer.foreign, min(1, len(viewer.foreign)))
            ids = [*batch, *shown, *rng.sample(batch, min(3, len(batch))), *foreign]
            rng.shuffle(ids)
            body = json.dumps({"artwork_ids": [str(i) for i in ids]}).encode()
            answer = await client.until_answered(
                "POST /api/impressions/",
                "POST",
                "/api/impressions/",
                post_headers,
                body,
                deadline=deadline,
            )
            if answer.status != 200:
                sent.problems.append(f"a batch was answered {answer.status}: {answer.body[:200]!r}")
                continue
            accepted = {uuid.UUID(i) for i in json.loads(answer.body)["ids"]}
            visible = {*batch, *shown}
            if accepted & set(foreign):
                sent.problems.append(f"user {viewer.user_id} recorded another user's private art")
            elif accepted != visible:
                sent.problems.append(f"a batch of {len(visible)} visible ids upserted {accepted}")
            sent.rejected_foreign += len(set(foreign) - accepted)
            sent.pairs |= {(viewer.user_id, i) for i in visible}
            sent.batches += 1
            if progress is not None and sent.batches >= progress_at:
                progress.set()
    finally:
        await client.close()
