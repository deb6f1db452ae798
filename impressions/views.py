from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from artfeed.web.bodies import BadBody
from artfeed.web.http import api_view, json_error
from impressions.payloads import max_body_bytes, parse_artwork_ids
from impressions.services import grow_span_over, record_impressions
from impressions.stats import impression_stats
from impressions.telemetry import (
    DATABASE_DOWN,
    batch_answer,
    database_unavailable,
    observed_batch,
)


@observed_batch
@api_view("POST", max_body=max_body_bytes)
def batch(request: HttpRequest) -> JsonResponse:
    """``POST /api/impressions/``: record frames the display really showed."""
    try:
        artwork_ids = parse_artwork_ids(request)
    except BadBody as error:
        return json_error(error.status, error.message)
    user = request.user
    try:
        # The impressions are on record when the answer goes; the seen span grows over
        # them once it has gone: a growth that fails (a statement timeout on a long walk,
        # say) no longer fails the batch, and a span that has not grown yet only costs
        # the feed a few probes.
        recorded = record_impressions(user=user, artwork_ids=artwork_ids, grow_span=False)
    except DATABASE_DOWN as error:
        return database_unavailable(attempted=len(artwork_ids), cause=error)
    return batch_answer(recorded, then=lambda: grow_span_over(user, recorded))


@api_view("GET")
def stats_json(request: HttpRequest) -> JsonResponse:
    """``GET /api/stats/``: the user's feed in numbers (see ``impression_stats``), for
    scripts; the stats page (``display.views.stats.stats_page``) shows them to people."""
    return JsonResponse(impression_stats(user=request.user).as_json())
