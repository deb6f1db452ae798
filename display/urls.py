from __future__ import annotations

from django.urls import path

from display.views import (
    app,
    generate,
    live,
    page,
    preferences,
    recoveries,
    screens,
    stats,
    wakelock,
)

app_name = "display"
urlpatterns = [
    path("", page.page, name="page"),
    path("next/", page.next_frame, name="next"),
    path("frame/<uuid:pk>/", page.frame, name="frame"),
    path("stats/", stats.stats_page, name="stats"),
    path("screens/", screens.screens, name="screens"),
    path("screens/sleep/", screens.set_sleep, name="screen-sleep"),
    path("generate/", generate.generate, name="generate"),
    path("stream/", live.stream, name="stream"),
    path("recoveries/", recoveries.recoveries, name="recoveries"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("wake-lock/", wakelock.wake_lock, name="wake-lock"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("service-worker.js", app.service_worker, name="service-worker"),
]
