from __future__ import annotations

from django.apps import AppConfig


class ArtfeedConfig(AppConfig):
    name = "artfeed"
    verbose_name = "Artworks"

    def ready(self) -> None:
        from artfeed import connections, middleware, pooler  # noqa: F401 - connect their signals
