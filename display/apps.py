from __future__ import annotations

from django.apps import AppConfig


class DisplayConfig(AppConfig):
    name = "display"

    def ready(self) -> None:
        # Connects the receiver that announces new artworks to the user's screens.
        from display import live  # noqa: F401
