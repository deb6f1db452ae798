"""``manage.py grow_seen_spans``: a door into ``impressions.spans.grow_missing_spans``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from impressions.spans import grow_missing_spans


class Command(BaseCommand):
    help = (
        "Grow a seen span for every user who has impressions but none (after impressions "
        "were imported behind the app's back), so their next frame skips their history."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        grown = grow_missing_spans()
        self.stdout.write(f"Grew {grown} seen span{'' if grown == 1 else 's'}.")
