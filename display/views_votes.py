"""``POST /artworks/<id>/vote/``: like (+1), dislike (-1) or clear (0) an artwork."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, JsonResponse

from artfeed.http import api_view, json_error
from artfeed.models import Artwork
from display.inputs import posted_fields
from display.votes import parse_vote_value, vote_artwork


@api_view("POST")
def vote(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    artwork = Artwork.objects.visible_to(request.user).filter(pk=pk).first()
    if artwork is None:
        return json_error(404, "There is no artwork with this id that you may see.")
    try:
        value = parse_vote_value(posted_fields(request).get("value"))
    except ValueError as error:
        return json_error(400, str(error))
    vote_artwork(user=request.user, artwork=artwork, value=value)
    return JsonResponse({"artwork_id": str(artwork.pk), "value": value})
