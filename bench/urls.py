"""The project's URLs and ``/bench/trivial/``: the least a Django request can cost on the
same server, the same middleware and the same session cookie."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from artfeed.urls import urlpatterns as project_urls


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *project_urls]
