from __future__ import annotations

from django.apps import AppConfig


class ImpressionsConfig(AppConfig):
    name = "impressions"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from artfeed.demo import legacy_seeded
        from impressions.demo import record_legacy_views
        from impressions.login import backfill_on_login

        user_logged_in.connect(backfill_on_login, dispatch_uid="impressions.backfill_on_login")
        legacy_seeded.connect(record_legacy_views, dispatch_uid="impressions.legacy_views")
