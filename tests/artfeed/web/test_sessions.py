from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, aget_user
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from artfeed.web.sessions import BACKEND, DJANGO_BACKEND, SessionStore, UserBackend

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
        assert _prepared_on_this_connection("FROM django_session s WHERE s.session_key") == 1


def _signed_in_by_django(user) -> Client:
    """A browser whose session Django's own store wrote, naming Django's own backend, as
    every session written before the project read its users did."""
    session = DjangoSessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = DJANGO_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def test_the_project_reads_its_users_through_its_backend(settings):
    assert settings.AUTHENTICATION_BACKENDS == [BACKEND]


def test_a_session_naming_django_s_backend_still_signs_its_user_in(user):
    """An upgrade signs no wall display out."""
    client = _signed_in_by_django(user)

    response = client.get("/api/stats/")

    assert response.status_code == 200
    assert SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value).load()[
        BACKEND_SESSION_KEY
    ] == BACKEND


def test_the_event_stream_s_asynchronous_read_of_such_a_session_signs_its_user_in_too(user):
    request = RequestFactory().get("/display/stream/")
    request.session = SessionStore(
        _signed_in_by_django(user).cookies[settings.SESSION_COOKIE_NAME].value
    )

    assert async_to_sync(aget_user)(request) == user


@pytest.mark.parametrize("change", ["deactivated", "deleted", "password changed"])
def test_a_user_who_may_no_longer_sign_in_is_signed_out(user, change):
    clients = [Client(), _signed_in_by_django(user)]
    clients[0].force_login(user)
    if change == "deactivated":
        type(user).objects.filter(pk=user.pk).update(is_active=False)
    elif change == "deleted":
        user.delete()
    else:
        user.set_password("another horse battery staple")
        user.save()

    assert [c.get("/api/stats/").status_code for c in clients] == [401, 401]


def test_logging_in_names_the_project_s_backend(user):
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND


def test_the_user_read_is_one_statement_prepared_on_its_connection(user):
    with CaptureQueriesContext(connection) as queries:
        assert UserBackend().get_user(user.pk) == user
        assert UserBackend().get_user(user.pk) == user
    assert len(queries) == 2
    assert UserBackend().get_user(user.pk + 1000) is None
    if connection.vendor == "postgresql":
        assert _prepared_on_this_connection("FROM auth_user u WHERE u.id") == 1


def _prepared_on_this_connection(fragment: str) -> int:
    """How many statements holding ``fragment`` are prepared on this connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]
