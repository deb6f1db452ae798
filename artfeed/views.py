from __future__ import annotations

import mimetypes
import uuid

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as default_bad_request

from artfeed.models import Artwork
from artfeed.web.bodies import UNREADABLE, BadBody, refusal_for
from artfeed.web.http import json_error, wants_json
from artfeed.web.outage import OUTAGES, RETRY_AFTER_SECONDS, log_outage

# An artwork's file never changes under its id, so browsers may keep it for a year.
# "private": the URL needs a session, shared caches must not hold private art.
IMAGE_CACHE_CONTROL = "private, max-age=31536000, immutable"


@require_safe
@login_required
def artwork_image(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    artwork = get_object_or_404(Artwork.objects.visible_to(request.user), pk=pk)
    try:
        handle = artwork.image.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("This artwork's image is missing.") from error
    content_type = mimetypes.guess_type(artwork.image.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = IMAGE_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    # An SVG opened on its own must not run anything it may carry.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: what Django refuses before a view can (the CSRF check reading a
    form over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, too many fields): 413 for a body too
    large, else 400, in JSON for JSON clients."""
    if isinstance(exception, UNREADABLE):
        problem = refusal_for(exception)
    else:
        problem = BadBody("The request was malformed and is refused.")
    if wants_json(request):
        return json_error(problem.status, problem.message)
    response = default_bad_request(request, exception)
    response.status_code = problem.status
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if wants_json(request):
        return json_error(403, f"CSRF check failed: {reason}. Reload the page and try again.")
    return default_csrf_failure(request, reason)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """``GET /healthz``: 200 ``{"status": "ok"}`` when the database answers ``SELECT 1``,
    else 503 with Retry-After. No login, no session: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except OUTAGES as error:
        response = JsonResponse(
            {"status": "unavailable", "error": log_outage(request, error)}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response
