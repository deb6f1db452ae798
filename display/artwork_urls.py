"""The display's endpoints about one artwork, mounted under ``/artworks/``."""

from __future__ import annotations

from django.urls import path

from display.views import votes

app_name = "artworks"
urlpatterns = [
    path("<uuid:pk>/vote/", votes.vote, name="vote"),
]
