"""The project's URLs and ``/bench/trivial/``: the least a Django request can cost on the
same server, the same middleware and the same session cookie; and
``/bench/trivial/signed-in/``, the least a signed-in one costs (its session and user
loaded, as every page of the display loads them)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from artfeed.urls import urlpatterns as project_urls


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/trivial/signed-in/", signed_in),
    *project_urls,
]
