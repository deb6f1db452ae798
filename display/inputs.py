"""Reading the fields of a POST, sent as a form (htmx, a plain form) or as JSON (scripts)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.http import HttpRequest


class BadInput(ValueError):
    """The request cannot be read; the message says how to send it instead."""


def posted_fields(request: HttpRequest) -> Mapping[str, object]:
    """The body's fields: a JSON object's members, or the form's values (last one wins)."""
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BadInput(f"The body is not valid JSON ({error}).") from error
        if not isinstance(payload, dict):
            raise BadInput("Expected a JSON object of fields.")
        return payload
    return request.POST.dict()
