from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from artfeed.http import api_view, json_error
from impressions.payloads import BadBatch, max_body_bytes, parse_artwork_ids
from impressions.services import record_impressions


@api_view("POST", max_body=max_body_bytes)
def batch(request: HttpRequest) -> JsonResponse:
    """``POST /api/impressions/``: record frames the display really showed."""
    try:
        artwork_ids = parse_artwork_ids(request)
    except BadBatch as error:
        return json_error(error.status, error.message)
    recorded = record_impressions(user=request.user, artwork_ids=artwork_ids)
    return JsonResponse(recorded.as_json())
