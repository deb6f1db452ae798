from __future__ import annotations

from django.apps import AppConfig


class ArtfeedConfig(AppConfig):
    name = "artfeed"
    verbose_name = "Artworks"

    def ready(self) -> None:
        from artfeed import middleware  # noqa: F401 - connects the login signal
