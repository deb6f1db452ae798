"""``GET /metrics``: the Prometheus exposition of the whole project, for staff and for a
scraper holding ``ARTFEED_METRICS_TOKEN``.

Every metric registered in this process is exported (the apps define theirs at import,
e.g. ``impressions.metrics``), so nothing here names another app. With
``PROMETHEUS_MULTIPROC_DIR`` set the values of all worker processes are summed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from artfeed.web.http import json_error


def _bearer_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _token_matches(token: str) -> bool:
    expected = settings.ARTFEED_METRICS_TOKEN
    # Constant time, so the answer's timing does not leak how much of a guess was right.
    return expected is not None and secrets.compare_digest(token.encode(), expected.encode())


def _refusal(request: HttpRequest) -> HttpResponse | None:
    # A token is checked first and alone: a scraper needs no session, and so keeps
    # working while the database (where sessions live) is down.
    token = _bearer_token(request)
    if token is not None:
        if _token_matches(token):
            return None
        response = json_error(401, "This bearer token is not valid for /metrics.")
    elif not request.user.is_authenticated:
        response = json_error(
            401, "Log in as staff, or send Authorization: Bearer <ARTFEED_METRICS_TOKEN>."
        )
    elif not request.user.is_staff:
        return json_error(403, "Only staff may read the metrics.")
    else:
        return None
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def _registry() -> CollectorRegistry:
    if settings.PROMETHEUS_MULTIPROC_DIR is None:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(settings.PROMETHEUS_MULTIPROC_DIR))
    return registry


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = json_error(405, f"{request.method} is not allowed here; use GET.")
        response["Allow"] = "GET, HEAD"
        return response
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    # The scraper's Accept header picks the format (Prometheus text or OpenMetrics).
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(_registry()), content_type=content_type)
