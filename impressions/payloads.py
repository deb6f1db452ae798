"""Reading an impression batch from a request: JSON from the recorder, form data from
``navigator.sendBeacon`` (read by ``artfeed.web.bodies``), then the ids themselves."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from artfeed.web.bodies import BadBody, TextList, read_body
from impressions.services import NotAnId, canonical_ids

# Bytes one id can take in the largest body we accept (a quoted UUID and a comma, with
# room for form encoding), plus room for the token and the JSON wrapper.
_BYTES_PER_ID = 64
_OVERHEAD = 4096


def max_body_bytes() -> int:
    return settings.ARTFEED_BATCH_MAX * _BYTES_PER_ID + _OVERHEAD


FIELDS = {"artwork_ids": TextList(required=True)}


def parse_artwork_ids(request: HttpRequest) -> list[str]:
    """The distinct artwork ids of a batch, in the order sent, as canonical text
    (``canonical_id``).

    Raises ``BadBody`` with 413 when there are more distinct ids than a batch may hold
    and 400 for anything malformed. (The body's size is checked before it is read, by
    ``api_view(max_body=max_body_bytes)``.)
    """
    raw: list[str] = read_body(request, FIELDS)["artwork_ids"]  # type: ignore[assignment]
    try:
        ids = canonical_ids(raw)
    except NotAnId as error:
        raise BadBody(f"artwork_ids{error}") from error
    if not ids:
        raise BadBody("No artwork_ids given.")
    if len(ids) > settings.ARTFEED_BATCH_MAX:
        raise BadBody(
            f"{len(ids)} distinct ids sent; at most {settings.ARTFEED_BATCH_MAX} a request.",
            status=413,
        )
    return ids

