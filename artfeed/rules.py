"""The art domain's rules, each stated once: what a rule means to the ORM (a ``Q`` on
Artwork) and, beside it, the same rule as the SQL fragment that the hand-written
statements of the feed, the ingest and the seen span use for speed.

A fragment names the artwork table's alias it is given (``a`` unless told otherwise) and
takes its parameters as ``%s`` placeholders, in the order its docstring lists.
tests/artfeed/test_rules.py checks that each ``Q`` and its fragment select the same rows,
on SQLite and PostgreSQL; whoever changes one changes the other there.

The rules that need impressions (seen recently, fresh) live in ``impressions.rules``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from artfeed.models import Artwork


def visible_to(user: AbstractBaseUser | AnonymousUser) -> Q:
    """Public artworks, and the user's own private ones (the public ones alone for an
    anonymous user)."""
    if not user.is_authenticated:
        return Q(is_public=True)
    return Q(is_public=True) | Q(created_by=user)


def visible_to_sql(alias: str = "a") -> str:
    """``visible_to`` in SQL. Parameter: the user's id (NULL for an anonymous user)."""
    return f"({alias}.is_public OR {alias}.created_by_id = %s)"


def in_fresh_window(user: AbstractBaseUser, *, now: datetime) -> Q:
    """The user's own artworks whose freshness window (``fresh_until``) is still open at
    ``now``. Only generated artworks have one (a check constraint)."""
    return Q(created_by=user, fresh_until__gt=now)


def in_fresh_window_sql(alias: str = "a") -> str:
    """``in_fresh_window`` in SQL. Parameters: the user's id, now."""
    return f"{alias}.created_by_id = %s AND {alias}.fresh_until > %s"


def is_in_fresh_window(artwork: Artwork, user: AbstractBaseUser, *, now: datetime) -> bool:
    """``in_fresh_window`` for one artwork already in hand."""
    return (
        artwork.created_by_id == user.pk
        and artwork.fresh_until is not None
        and artwork.fresh_until > now
    )


def pool_start(now: datetime) -> datetime:
    """The oldest moment an artwork may be created at and still be in rotation at ``now``
    (excluded)."""
    return now - settings.ARTFEED_POOL_MAX_AGE


def in_pool(*, now: datetime) -> Q:
    """Artworks young enough to be in rotation: created within ``ARTFEED_POOL_MAX_AGE``."""
    return Q(created_at__gt=pool_start(now))


def in_pool_sql(alias: str = "a") -> str:
    """``in_pool`` in SQL. Parameter: ``pool_start(now)``."""
    return f"{alias}.created_at > %s"
