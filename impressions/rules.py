"""The feed's rules that depend on what a user has seen, each stated once: the ORM form
and, beside it, the SQL fragment the feed's hand-written statements use for speed (as
``artfeed.rules`` does for the rules of artworks alone).

A fragment names the artwork table's alias it is given (``a`` unless told otherwise),
names the impression table ``i`` inside its own subquery, and takes its parameters as
``%s`` placeholders, in the order its docstring lists. tests/impressions/test_rules.py
checks that each ORM form and its fragment select the same rows, on SQLite and
PostgreSQL; whoever changes one changes the other there.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q

from artfeed.rules import in_fresh_window, in_fresh_window_sql
from impressions.models import Impression


def _impression_table() -> str:
    return Impression._meta.db_table


def cooldown_start(now: datetime) -> datetime:
    """A view after this moment keeps the artwork off the user's screens at ``now``."""
    return now - settings.ARTFEED_COOLDOWN


def seen_recently(user: AbstractBaseUser, *, now: datetime) -> Q:
    """The user's impressions viewed within ``ARTFEED_COOLDOWN`` (a Q on Impression): the
    artworks they name are cooling, kept off the user's screens for now."""
    return Q(user=user, viewed_at__gt=cooldown_start(now))


def seen_recently_by(user: AbstractBaseUser, *, now: datetime) -> Exists:
    """An artwork the user has seen recently (``seen_recently``; an Exists on Artwork)."""
    impressions = Impression.objects.filter(seen_recently(user, now=now))
    return Exists(impressions.filter(artwork=OuterRef("pk")))


def seen_recently_sql(alias: str = "a") -> str:
    """``seen_recently_by`` in SQL. Parameters: the user's id, ``cooldown_start(now)``."""
    return f"""EXISTS (SELECT 1 FROM {_impression_table()} i
                    WHERE i.user_id = %s AND i.artwork_id = {alias}.id AND i.viewed_at > %s)"""


def never_seen(user: AbstractBaseUser) -> Exists:
    """An artwork the user has no impression of, of any source (an Exists on Artwork)."""
    return ~Exists(Impression.objects.filter(user=user, artwork=OuterRef("pk")))


def never_seen_sql(alias: str = "a") -> str:
    """``never_seen`` in SQL. Parameter: the user's id."""
    return f"""NOT EXISTS (SELECT 1 FROM {_impression_table()} i
                        WHERE i.user_id = %s AND i.artwork_id = {alias}.id)"""


def fresh_for(user: AbstractBaseUser, *, now: datetime) -> Q:
    """The fresh lane's artworks (a Q on Artwork): the user's own, inside their freshness
    window (``artfeed.rules.in_fresh_window``), never displayed to them yet."""
    return Q(never_seen(user)) & in_fresh_window(user, now=now)


def fresh_for_sql(alias: str = "a") -> str:
    """``fresh_for`` in SQL. Parameters: the user's id, now, the user's id."""
    return f"{in_fresh_window_sql(alias)} AND {never_seen_sql(alias)}"
