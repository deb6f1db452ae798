"""``python -m bench [--full]``: load the data set, measure every row side by side in one
run on PostgreSQL, and write ``docs/benchmarks.md``.

The bench wipes its database (``DATABASE_URL`` when it names PostgreSQL, else
``postgres://postgres@127.0.0.1:5432/artfeed_bench``, created if missing) and refuses to
touch one that holds anything but a previous bench run's data.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

from bench import database, sizes

ROWS = range(1, 7)

ROOT = Path(__file__).resolve().parent.parent


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the full size of the goals")
    parser.add_argument("--size", choices=["tiny", "small", "full"], help=argparse.SUPPRESS)
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the report (default: docs/benchmarks.md; with --rows, "
        "standard output)",
    )
    parser.add_argument(
        "--rows",
        type=_row_numbers,
        help="measure only these rows, e.g. 1,3 (the data set is loaded all the same)",
    )
    return parser.parse_args(argv)


def _row_numbers(text: str) -> set[int]:
    try:
        numbers = {int(part) for part in text.split(",")}
    except ValueError:
        raise argparse.ArgumentTypeError(f"not row numbers: {text!r}") from None
    if not numbers <= set(ROWS):
        raise argparse.ArgumentTypeError(f"rows are {min(ROWS)} to {max(ROWS)}")
    return numbers


def _production_settings(url: str) -> None:
    """The bench process runs with DEBUG off too: no query log, cached templates."""
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="bench.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        # The loopback speaks plain HTTP (bench/server.py).
        SECURE_SSL_REDIRECT="false",
    )
    # Loading millions of rows takes single statements far past a request's timeout.
    os.environ.setdefault("ARTFEED_DB_STATEMENT_TIMEOUT", "0")
    # Shared with the server it starts: sessions made here must verify there.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))


def main(argv: list[str] | None = None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    size = {"tiny": sizes.TINY, "small": sizes.SMALL, "full": sizes.FULL}[
        args.size or ("full" if args.full else "small")
    ]
    url = database.bench_url()
    database.ensure_database(url)
    try:
        database.wipe(url)
    except database.NotABenchDatabase as error:
        print(error, file=sys.stderr)
        return 2
    _production_settings(url)

    import django

    django.setup()
    from bench.run import run_all

    started = time.perf_counter()
    report = run_all(
        size=size, database_url=url, log=lambda line: print(line, flush=True), rows=args.rows
    )
    if args.rows:  # a part of the report, never spliced into docs/benchmarks.md
        if args.output is None:
            print(report)
        else:
            args.output.write_text(report)
        return 0
    output = args.output or ROOT / "docs" / "benchmarks.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    from bench.topologies import with_section_kept

    output.write_text(with_section_kept(report, output))
    print(f"Wrote {output} in {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
