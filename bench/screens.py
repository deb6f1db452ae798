"""What the bench's screens do besides asking for frames: report what they showed.

A display records the impression of every frame it was handed once that frame is on
screen (``static/display/recorder.js``), so the feed reads a state where the frames
a screen showed are seen. The bench's load generator only asks for frames; unless
something reports them, each user piles up leased, never-seen artworks at the top of the
unseen lane, which every later read steps over: a state no display leaves behind. Between
rounds the bench reports them as the screens' recorders would have, untimed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from bench.autovacuum import Autovacuum
from display.models import Lease
from impressions.services import record_impressions


def report_shown(users: Iterable[AbstractBaseUser], screen: str) -> int:
    """Record, for each of ``users``, an impression of each frame leased to its ``screen``
    (seen again if it already was); the number recorded."""
    by_id = {user.pk: user for user in users}
    leased: dict[object, list] = defaultdict(list)
    rows = Lease.objects.filter(user_id__in=by_id, screen_key=screen)
    for user_id, artwork_id in rows.values_list("user_id", "artwork_id"):
        leased[user_id].append(artwork_id)
    return sum(
        record_impressions(user=by_id[user_id], artwork_ids=ids).attempted
        for user_id, ids in leased.items()
    )


def after_frames(users: Iterable[AbstractBaseUser], screen: str, autovacuum: Autovacuum) -> None:
    """Between two rounds of frames, untimed: the screens report what they showed, and
    autovacuum does what production's would have by then (``bench.autovacuum``)."""
    report_shown(users, screen)
    autovacuum.tick()
