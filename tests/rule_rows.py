"""Reading what a rule's SQL fragment selects, to hold it against the rule's ORM form."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection

from artfeed.models import Artwork
from artfeed.sql import fetch_rows


def moment(value: datetime) -> Any:
    """A datetime as the feed's SQL binds it (SQLite stores text)."""
    return Artwork._meta.get_field("created_at").get_db_prep_value(value, connection)


def artworks_where(fragment: str, params: Sequence[Any]) -> set[uuid.UUID]:
    """The ids of the artworks (aliased ``a``) that ``fragment`` selects."""
    statement = f"SELECT a.id FROM {Artwork._meta.db_table} a WHERE {fragment}"  # noqa: S608
    return {uuid.UUID(str(row[0])) for row in fetch_rows(statement, params)}


def ids(artworks: Iterable[Artwork]) -> set[uuid.UUID]:
    return {artwork.pk for artwork in artworks}


def assert_selects_some_not_all(selected: set, artworks: list[Artwork]) -> None:
    # A rule that keeps everything or nothing here would agree with any other.
    assert 0 < len(selected) < len(artworks)
