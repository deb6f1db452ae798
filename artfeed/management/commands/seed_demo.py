from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from artfeed.demo import (
    DEMO_CUTOVER,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LEGACY_ARTWORKS,
    LEGACY_PASSWORD,
    LEGACY_USERNAME,
    LEGACY_VIEWED,
    seed_demo,
)


class Command(BaseCommand):
    help = (
        "Create the demo user and a public pool of demo artworks, and a legacy user with "
        "art from before the demo cutover to try the backfill on (safe to run again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--artworks", type=int, default=64, help="pool size (default 64)")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="the demo user's password")
        parser.add_argument(
            "--legacy-password", default=LEGACY_PASSWORD, help="the legacy user's password"
        )

    def handle(
        self, *args: Any, artworks: int, password: str, legacy_password: str, **options: Any
    ) -> None:
        if not 1 <= artworks <= 10_000:
            raise CommandError("--artworks must be between 1 and 10000.")
        result = seed_demo(artworks=artworks, password=password, legacy_password=legacy_password)
        self.stdout.write(
            f"Demo pool: {result.created_artworks} new, {result.total_artworks} artworks in all."
        )
        for username, secret, created in [
            (DEMO_USERNAME, password, result.created_user),
            (LEGACY_USERNAME, legacy_password, result.created_legacy_user),
        ]:
            said = secret if created else f"{secret} (unless changed since)"
            self.stdout.write(self.style.SUCCESS(f"Log in as: {username} / password: {said}"))
        self.stdout.write(
            f"  {LEGACY_USERNAME} is there to try the backfill on: they joined before the demo "
            f"cutover {DEMO_CUTOVER:%Y-%m-%d} (ARTFEED_TRACKING_SINCE under make run); "
            f"{LEGACY_ARTWORKS} artworks predate it, {LEGACY_VIEWED} of them seen by them."
        )
