"""The data set's sizes: the full one of the goals, and a small one that runs in minutes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    artworks: int  # public, spread over the pool window
    users: int
    impressions: int  # in all, the measured users included
    heavy_seen: int  # the heavy user has seen the newest this many, within the cooldown
    typical_seen: int  # the typical user's history, scattered over the pool
    repeats: int  # timed runs of each in-process measurement (medians)
    requests: int  # requests of each kind through the HTTP server
    ingest_batches: int  # 200-id batches through the endpoint, and the same raw
    legacy_pairs: int  # backfill: (user, legacy artwork) pairs of the large run
    legacy_users: int  # ... spread over this many users; the small run has a tenth of them
    simulated_days: int  # weeks of use: days one screen watches, a frame a minute
    arrivals_per_day: int  # ... while the pool grows by this many artworks a day


FULL = Size(
    name="full",
    artworks=200_000,
    users=2_000,
    impressions=5_000_000,
    heavy_seen=30_000,
    typical_seen=2_500,
    repeats=41,
    requests=3_000,
    ingest_batches=100,
    legacy_pairs=1_000_000,
    legacy_users=200,
    simulated_days=14,
    arrivals_per_day=300,
)

SMALL = Size(
    name="small",
    artworks=40_000,
    users=200,
    impressions=400_000,
    heavy_seen=30_000,
    typical_seen=2_500,
    repeats=21,
    requests=1_000,
    ingest_batches=40,
    legacy_pairs=100_000,
    legacy_users=100,
    simulated_days=14,
    arrivals_per_day=300,
)

# For the test that the bench code runs: seconds, not minutes.
TINY = Size(
    name="tiny",
    artworks=400,
    users=10,
    impressions=900,
    heavy_seen=150,
    typical_seen=20,
    repeats=3,
    requests=20,
    ingest_batches=2,
    legacy_pairs=200,
    legacy_users=10,
    simulated_days=1,
    arrivals_per_day=50,
)
