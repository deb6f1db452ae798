from __future__ import annotations

from django.apps import AppConfig


class DisplayConfig(AppConfig):
    name = "display"
