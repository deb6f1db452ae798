"""The display's endpoints about one artwork, mounted under ``/artworks/``."""

from __future__ import annotations

from django.urls import path

from display import views_votes

app_name = "artworks"
urlpatterns = [
    path("<uuid:pk>/vote/", views_votes.vote, name="vote"),
]
