"""Prometheus metrics of impression batches, exported at ``/metrics``.

Defined once at import. When ``PROMETHEUS_MULTIPROC_DIR`` is set before the process
starts, prometheus_client keeps every value in a per-process file in that directory and
``/metrics`` adds them up, so each uvicorn worker's batches count (README, "Production").
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

OUTCOMES = (
    "ok",  # at least one impression written
    "rejected-all",  # a well-formed batch of which no id was known and visible to the user
    "bad_request",  # malformed, or the wrong method
    "too_large",  # a body or an id count over the limits
    "unauthenticated",  # no signed-in user
    "forbidden",  # the CSRF check failed
    "failed",  # our fault: the database was down, or a bug
)

BATCHES = Counter(
    "artfeed_impression_batches", "Impression batches answered, by outcome.", ["outcome"]
)
UPSERTED = Counter(
    "artfeed_impressions_upserted", "Impressions written: new rows and refreshed views."
)
REJECTED = Counter(
    "artfeed_impressions_rejected",
    "Ids refused in accepted batches: unknown artworks or ones the user may not see.",
)
BATCH_SIZE = Histogram(
    "artfeed_impression_batch_size",
    "Distinct artwork ids per accepted batch.",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10_000),
)
LATENCY = Histogram(
    "artfeed_impression_batch_seconds",
    "Time to answer an impression batch, whatever its outcome.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

# Every outcome is exported from the first scrape, at zero: rate() and alerts on a series
# that does not exist yet would stay silent exactly when the first failure happens.
for _outcome in OUTCOMES:
    BATCHES.labels(_outcome)
