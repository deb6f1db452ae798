"""The display without JavaScript (old TV browsers, e-ink readers): the page reloads
itself every dwell, and its refresh URL names the frame it showed (``?shown=<id>``).

That frame stood a whole dwell on a loaded page, so the reload records it as seen
(``source=reloaded``: no viewability check stands behind it, and stats tell such rows
apart), and the next frame follows the lanes like any screen's. Only the frame the
server last put on that screen, and only once its dwell is over, is recorded: a URL
copied, bookmarked or reloaded early records nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from display.models import Screen
from display.screens import BadScreenSettings, ScreenSettings
from impressions.models import Impression
from impressions.services import record_impressions

# The refresh fires a dwell after the page loaded, and the page loaded after the server
# noted its opening; this much earlier still counts (clocks tick in whole seconds).
EARLY = timedelta(seconds=1)


def shown_frame(request: HttpRequest) -> uuid.UUID | None:
    """The artwork id in ``?shown=``, None when absent; ``BadScreenSettings`` if not an id."""
    raw = request.GET.get("shown")
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadScreenSettings("shown must be the id of the artwork the page showed.") from None


def record_reloaded_frame(
    *, user: AbstractBaseUser, screen: ScreenSettings, artwork_id: uuid.UUID, now: datetime
) -> bool:
    """Record ``artwork_id`` as seen if it is the frame ``screen`` was given when its page
    last opened, a dwell or more ago. True when recorded."""
    stood = Screen.objects.filter(
        user=user,
        key=screen.key,
        last_artwork_id=artwork_id,
        opened_at__lte=now - screen.dwell + EARLY,
    ).exists()
    if not stood:
        return False
    batch = record_impressions(
        user=user, artwork_ids=[artwork_id], now=now, source=Impression.Source.RELOADED
    )
    return bool(batch.written)
