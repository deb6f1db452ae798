"""The report's fixed text: how to reproduce it, and why the feed's cost stays flat."""

from __future__ import annotations

INTRO = """# Benchmarks

Measured by `make bench BENCH_ARGS=--full` (size `{size}`, {date}); `make bench` runs the
same rows at a small size in a few minutes. Everything below comes from one run on
PostgreSQL, every comparison taken side by side in it. The bench (`bench/`) uses
`DATABASE_URL` when it names PostgreSQL, else
`postgres://postgres@127.0.0.1:5432/artfeed_bench` (created if missing); it wipes that
database first, and refuses one holding anything but a previous bench run's data.
Timings never go into the test suite; `tests/bench/` only checks that the bench code
runs at a tiny size."""

DESIGN = """## Why the feed's cost does not grow with history

(see below)"""
