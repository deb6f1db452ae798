"""The art domain's one view: an artwork's image, for those allowed to see it."""

from __future__ import annotations

import mimetypes
import uuid

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from artfeed.models import Artwork

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
