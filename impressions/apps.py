from __future__ import annotations

from django.apps import AppConfig


class ImpressionsConfig(AppConfig):
    name = "impressions"
