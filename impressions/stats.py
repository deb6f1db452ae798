"""What the feed looks like from one user's side, in four numbers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.utils import timezone

from artfeed.models import Artwork
from impressions.backfill import untracked_before
from impressions.models import Impression
from impressions.rules import fresh_for, seen_recently


@dataclass(frozen=True)
class ImpressionStats:
    fresh: int
    storage: int
    legacy_untracked: int
    cooling: int

    def as_json(self) -> dict[str, int]:
        return asdict(self)


def impression_stats(*, user: AbstractBaseUser, now: datetime | None = None) -> ImpressionStats:
    """The user's feed in numbers, at ``now``:

    - ``fresh``: the user's own artworks still in the fresh lane (``fresh_until`` ahead,
      never displayed to them: ``impressions.rules.fresh_for``);
    - ``storage``: every artwork visible to the user (public, or their own);
    - ``legacy_untracked``: visible artworks created before the cutover
      (``ARTFEED_TRACKING_SINCE``) that the user has no impression of, i.e. what a
      backfill would write (0 when no cutover is set);
    - ``cooling``: the user's impressions still inside the cooldown (viewed within
      ``ARTFEED_COOLDOWN``: ``impressions.rules.seen_recently``), the artworks kept off
      their screens for now.

    Two queries whatever the sizes: one pass over the visible artworks, one range scan
    of the user's ``(user, viewed_at)`` index.
    """
    now = now or timezone.now()
    cutover = settings.ARTFEED_TRACKING_SINCE
    counts = {
        "storage": Count("pk"),
        "fresh": Count("pk", filter=fresh_for(user, now=now)),
    }
    if cutover is not None:
        counts["legacy_untracked"] = Count("pk", filter=untracked_before(user, cutover))
    found = Artwork.objects.visible_to(user).aggregate(**counts)
    cooling = Impression.objects.filter(seen_recently(user, now=now)).count()
    return ImpressionStats(
        fresh=found["fresh"],
        storage=found["storage"],
        legacy_untracked=found.get("legacy_untracked", 0),
        cooling=cooling,
    )
