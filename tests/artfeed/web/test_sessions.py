from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from artfeed.web.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_project_loads_sessions_through_its_store(client, settings):
    assert settings.SESSION_ENGINE == "artfeed.web.sessions"
    assert isinstance(client.session, SessionStore)


def test_a_session_django_wrote_loads_and_signs_its_user_in(alice_client, user):
    """Sessions written before the store changed, by Django's own store, stay valid: a
    wall display is never signed out by an upgrade."""
    written = DjangoSessionStore(alice_client.session.session_key)
    assert written.load()[SESSION_KEY] == str(user.pk)

    assert SessionStore(written.session_key).load() == written.load()
    response = alice_client.get("/api/stats/")
    assert response.status_code == 200


def test_a_session_past_its_expiry_loads_as_none_and_gets_a_new_key(alice_client):
    key = alice_client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))

    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None
    assert alice_client.get("/api/stats/").status_code == 401


def test_an_unknown_key_loads_as_none(db):
    store = SessionStore("k" * 32)
    assert store.load() == {}
    assert store.session_key is None


def test_a_load_is_one_statement_prepared_on_its_connection(alice_client):
    key = alice_client.session.session_key
    with CaptureQueriesContext(connection) as queries:
        SessionStore(key).load()
        SessionStore(key).load()
    assert len(queries) == 2
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%FROM django_session s WHERE s.session_key%"],
            )
            assert cursor.fetchone()[0] == 1
