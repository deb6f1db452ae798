"""Telling a user's open screens that one of their artworks is ready (DESIGN.md, "Live
updates"). On PostgreSQL a ``NOTIFY`` on ``CHANNEL`` carries ``<user id>:<artwork id>``
to every app server, sent once the artwork's transaction commits (a rolled-back
artwork is never announced); each server's one listener (``display.hub``) hands it to
that user's streams. On SQLite the streams poll instead (``display.stream``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from artfeed.models import Artwork

CHANNEL = "artfeed_art_ready"


def payload(user_id: int, artwork_id: uuid.UUID) -> str:
    return f"{user_id}:{artwork_id}"


def parse_payload(text: str) -> tuple[int, uuid.UUID] | None:
    """``(user id, artwork id)``, or None for anything this version did not send."""
    user, _, artwork = text.partition(":")
    try:
        return int(user), uuid.UUID(artwork)
    except ValueError:
        return None


def announce_art_ready(artwork: Artwork) -> None:
    """Announce ``artwork`` to its creator's screens when the current transaction commits."""
    if artwork.created_by_id is None or connection.vendor != "postgresql":
        return
    message = payload(artwork.created_by_id, artwork.pk)

    def notify() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, message])

    transaction.on_commit(notify)


@receiver(post_save, sender=Artwork, dispatch_uid="display.live.artwork_created")
def _artwork_created(
    sender: type[Artwork], instance: Artwork, created: bool, raw: bool, **_: Any
) -> None:
    if created and not raw:
        announce_art_ready(instance)
