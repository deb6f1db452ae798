from __future__ import annotations

from django.apps import AppConfig


class DisplayConfig(AppConfig):
    name = "display"

    def ready(self) -> None:
        from artfeed.sql import keep_in_database

        # Connects the receiver that announces new artworks to the user's screens.
        from display import live  # noqa: F401
        from display.feed import kept_reads
        from display.leases import kept_writes

        # Behind a pooler, ``migrate`` keeps the feed's reads and a frame's write in the
        # database.
        keep_in_database(kept_reads)
        keep_in_database(kept_writes, writes=True)
