"""What a rejected request must leave untouched: every table but the sessions."""

from __future__ import annotations

from django.apps import apps
from django.contrib.sessions.models import Session


def database_state() -> dict[str, list[str]]:
    return {
        model._meta.label: sorted(repr(row) for row in model.objects.values_list())
        for model in apps.get_models()
        if model is not Session
    }


def _unclean(text: str) -> bool:
    # NUL and the other control characters (tabs and line ends aside), lone surrogates.
    return any(
        (ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
        for c in text
    )


def unclean_stored_text() -> list[tuple[str, str]]:
    """Every stored text (sessions aside) holding a character no field should keep."""
    return [
        (model._meta.label, value)
        for model in apps.get_models()
        if model is not Session
        for row in model.objects.values_list()
        for value in row
        if isinstance(value, str) and _unclean(value)
    ]
