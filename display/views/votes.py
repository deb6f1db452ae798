"""``POST /artworks/<id>/vote/``: like (+1), dislike (-1) or clear (0) an artwork."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, JsonResponse

from artfeed.models import Artwork
from artfeed.web.bodies import BadBody, WholeNumber, read_body
from artfeed.web.http import api_view, json_error
from display.votes import vote_artwork

FIELDS = {
    "value": WholeNumber(
        low=-1, high=1, required=True, message="value must be 1 (like), -1 (dislike) or 0 (clear)."
    )
}


@api_view("POST")
def vote(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    artwork = Artwork.objects.visible_to(request.user).filter(pk=pk).first()
    if artwork is None:
        return json_error(404, "There is no artwork with this id that you may see.")
    try:
        value: int = read_body(request, FIELDS)["value"]  # type: ignore[assignment]
    except BadBody as error:
        return json_error(error.status, error.message)
    vote_artwork(user=request.user, artwork=artwork, value=value)
    return JsonResponse({"artwork_id": str(artwork.pk), "value": value})
