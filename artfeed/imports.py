"""Putting image files into the public pool (``manage.py import_artworks``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from artfeed.images import content_digest, identify
from artfeed.models import Artwork


@dataclass(frozen=True)
class Imported:
    artwork: Artwork
    created: bool  # False: the pool had this image already


def title_from_filename(name: str) -> str:
    """``harbour_at-dawn.png`` → ``Harbour at dawn``."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    words = re.sub(r"[_\-.\s]+", " ", stem).strip()
    return (words[:1].upper() + words[1:])[:200] or "Untitled"


def import_artwork(*, content: bytes, filename: str, now: datetime | None = None) -> Imported:
    """Add an image to the public pool (origin "imported", shown to everyone, newest
    first), unless the pool has the same bytes already: importing twice adds nothing.

    The kind is told by the bytes, not the name (a JPEG named .png is stored as .jpg);
    raises ``artfeed.images.BadImage`` saying why when it is not an image we accept.
    """
    kind = identify(content)
    existing = Artwork.objects.filter(content_hash=content_digest(content), is_public=True).first()
    if existing is not None:
        return Imported(existing, False)
    artwork = Artwork(
        title=title_from_filename(filename),
        origin=Artwork.Origin.IMPORTED,
        is_public=True,
        created_at=now or timezone.now(),
    )
    artwork.attach_image(content, extension=kind.extension)
    artwork.save(force_insert=True)
    return Imported(artwork, True)
