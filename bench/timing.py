"""Medians of in-process timings, taken side by side (round robin) so that a drift of
the machine (another process waking up, the cache warming) hits every variant alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def medians(
    variants: dict[str, Callable[[], object]], *, repeats: int, warmup: int = 2
) -> dict[str, float]:
    """Seconds per call of each variant: the median of ``repeats`` calls."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for round_ in range(warmup + repeats):
        for name, call in variants.items():
            started = time.perf_counter()
            call()
            elapsed = time.perf_counter() - started
            if round_ >= warmup:
                samples[name].append(elapsed)
    return {name: statistics.median(values) for name, values in samples.items()}


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result
