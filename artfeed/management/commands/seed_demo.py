from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from artfeed.demo import DEMO_PASSWORD, DEMO_USERNAME, seed_demo


class Command(BaseCommand):
    help = "Create the demo user and a public pool of demo artworks (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--artworks", type=int, default=64, help="pool size (default 64)")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="the demo user's password")

    def handle(self, *args: Any, artworks: int, password: str, **options: Any) -> None:
        if not 1 <= artworks <= 10_000:
            raise CommandError("--artworks must be between 1 and 10000.")
        result = seed_demo(artworks=artworks, password=password)
        self.stdout.write(
            f"Demo pool: {result.created_artworks} new, {result.total_artworks} artworks in all."
        )
        said = password if result.created_user else f"{password} (unless changed since)"
        self.stdout.write(self.style.SUCCESS(f"Log in as: {DEMO_USERNAME} / password: {said}"))
