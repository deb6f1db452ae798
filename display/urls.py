from __future__ import annotations

from django.urls import path

from display import views

app_name = "display"
urlpatterns = [
    path("", views.page, name="page"),
    path("next/", views.next_frame, name="next"),
    path("stats/", views.stats, name="stats"),
]
