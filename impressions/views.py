from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from artfeed.http import api_view, json_error
from impressions.payloads import BadBatch, max_body_bytes, parse_artwork_ids
from impressions.services import record_impressions
from impressions.stats import impression_stats


@api_view("POST", max_body=max_body_bytes)
def batch(request: HttpRequest) -> JsonResponse:
    """``POST /api/impressions/``: record frames the display really showed."""
    try:
        artwork_ids = parse_artwork_ids(request)
    except BadBatch as error:
        return json_error(error.status, error.message)
    recorded = record_impressions(user=request.user, artwork_ids=artwork_ids)
    return JsonResponse(recorded.as_json())


@api_view("GET")
def stats(request: HttpRequest) -> JsonResponse:
    """``GET /api/stats/``: the user's feed in numbers (see ``impression_stats``)."""
    return JsonResponse(impression_stats(user=request.user).as_json())
