from __future__ import annotations

from django.urls import path

from display import (
    views,
    views_app,
    views_generate,
    views_live,
    views_preferences,
    views_recoveries,
    views_screens,
)

app_name = "display"
urlpatterns = [
    path("", views.page, name="page"),
    path("next/", views.next_frame, name="next"),
    path("stats/", views.stats, name="stats"),
    path("screens/", views_screens.screens, name="screens"),
    path("screens/sleep/", views_screens.set_sleep, name="screen-sleep"),
    path("generate/", views_generate.generate, name="generate"),
    path("stream/", views_live.stream, name="stream"),
    path("frame/<uuid:pk>/", views_live.frame, name="frame"),
    path("recoveries/", views_recoveries.recoveries, name="recoveries"),
    path("preferences/", views_preferences.preferences, name="preferences"),
    path("wake-lock/", views_recoveries.wake_lock, name="wake-lock"),
    path("manifest.webmanifest", views_app.manifest, name="manifest"),
    path("service-worker.js", views_app.service_worker, name="service-worker"),
]
