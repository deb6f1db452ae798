"""Rows of the hand-written statements become model instances as the ORM's would
(artfeed/sql.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models.sql import compiler

from artfeed.models import Artwork
from artfeed.sql import columns, fetch_rows, from_rows
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db


def rows_of(*artworks: Artwork) -> list[tuple]:
    ids = ", ".join(["%s"] * len(artworks))
    return fetch_rows(
        f"SELECT {columns(Artwork, 'a')} FROM {Artwork._meta.db_table} a "  # noqa: S608
        f"WHERE a.id IN ({ids}) ORDER BY a.created_at DESC",
        [Artwork._meta.pk.get_db_prep_value(a.pk, connection) for a in artworks],
    )


def test_rows_become_the_instances_the_orm_reads():
    made = ArtworkFactory(), ArtworkFactory()
    read = from_rows(Artwork, rows_of(*made))

    expected = list(Artwork.objects.filter(pk__in=[a.pk for a in made]).order_by("-created_at"))
    assert [(a.pk, a.title, a.created_at, a.is_public) for a in read] == [
        (a.pk, a.title, a.created_at, a.is_public) for a in expected
    ]
    assert all(not a._state.adding for a in read)


def test_the_converters_are_worked_out_once_per_connection(monkeypatch):
    rows = rows_of(ArtworkFactory())
    from_rows(Artwork, rows)
    built = []
    original = compiler.SQLCompiler.get_converters
    monkeypatch.setattr(
        compiler.SQLCompiler,
        "get_converters",
        lambda self, expressions: built.append(1) or original(self, expressions),
    )

    from_rows(Artwork, rows)
    assert built == []  # kept on this thread's connection

    thread = threading.Thread(target=lambda: from_rows(Artwork, rows))
    thread.start()
    thread.join()
    assert built == [1]  # another thread's connection works out its own
