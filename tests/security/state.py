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
