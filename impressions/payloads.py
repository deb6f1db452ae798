"""Reading an impression batch from a request: JSON from the recorder, form data from
``navigator.sendBeacon``. Every way a body can be wrong has its own message."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.http import HttpRequest

# Bytes one id can take in the largest body we accept (a quoted UUID and a comma, with
# room for form encoding), plus room for the token and the JSON wrapper.
_BYTES_PER_ID = 64
_OVERHEAD = 4096


class BadBatch(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def max_body_bytes() -> int:
    return settings.ARTFEED_BATCH_MAX * _BYTES_PER_ID + _OVERHEAD


def _from_json(request: HttpRequest) -> list[object]:
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadBatch(400, f"The body is not valid JSON ({error}).") from error
    if not isinstance(payload, dict) or "artwork_ids" not in payload:
        raise BadBatch(400, 'Expected a JSON object like {"artwork_ids": ["<uuid>", ...]}.')
    ids = payload["artwork_ids"]
    if not isinstance(ids, list):
        raise BadBatch(400, "artwork_ids must be a list of artwork ids.")
    return ids


def _from_form(request: HttpRequest) -> list[object]:
    values = request.POST.getlist("artwork_ids")
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_artwork_ids(request: HttpRequest) -> list[uuid.UUID]:
    """The distinct artwork ids of a batch, in the order sent.

    Raises ``BadBatch`` with 413 when there are more distinct ids than a batch may hold
    and 400 for anything malformed. (The body's size is checked before it is read, by
    ``api_view(max_body=max_body_bytes)``.)
    """
    content_type = request.content_type or ""
    if content_type == "application/json":
        raw = _from_json(request)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raw = _from_form(request)
    else:
        raise BadBatch(
            400,
            f"Unsupported content type {content_type or '(none)'!r}: send application/json "
            "or form data.",
        )
    ids: dict[uuid.UUID, None] = {}
    for position, value in enumerate(raw):
        if not isinstance(value, str):
            raise BadBatch(400, f"artwork_ids[{position}] is not a string: {value!r:.40}.")
        try:
            ids[uuid.UUID(value)] = None
        except ValueError as error:
            raise BadBatch(
                400, f"artwork_ids[{position}] is not an artwork id: {value!r:.60}."
            ) from error
    if not ids:
        raise BadBatch(400, "No artwork_ids given.")
    if len(ids) > settings.ARTFEED_BATCH_MAX:
        raise BadBatch(
            413, f"{len(ids)} distinct ids sent; at most {settings.ARTFEED_BATCH_MAX} a request."
        )
    return list(ids)
