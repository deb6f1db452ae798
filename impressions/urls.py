from __future__ import annotations

from django.urls import path

from impressions import views

app_name = "impressions"
urlpatterns = [
    path("impressions/", views.batch, name="batch"),
    path("stats/", views.stats_json, name="stats"),
]
