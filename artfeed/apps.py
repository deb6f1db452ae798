from __future__ import annotations

from django.apps import AppConfig


class ArtfeedConfig(AppConfig):
    name = "artfeed"
    verbose_name = "Artworks"
