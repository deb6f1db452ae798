from __future__ import annotations

from django.apps import AppConfig


class ArtfeedConfig(AppConfig):
    name = "artfeed"
    verbose_name = "Artworks"

    def ready(self) -> None:
        # Imported for the signals they connect: the pooler's role defaults after
        # migrate, the session's renewal stamp at login, the pool's connection check;
        # and for the database's system checks.
        from artfeed import checks, connections, pooler  # noqa: F401
        from artfeed.web import middleware  # noqa: F401
