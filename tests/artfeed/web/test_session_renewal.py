from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from artfeed.web.middleware import SessionRenewalMiddleware
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db


def test_a_screen_in_use_has_its_session_renewed_once_a_day(alice_client):
    ArtworkFactory()
    key = alice_client.session.session_key
    session = alice_client.session
    session[SessionRenewalMiddleware.STAMP] = "2000-01-01"
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(days=1))

    alice_client.get("/display/next/?screen=tv")

    expiry = Session.objects.get(pk=key).expire_date
    assert expiry > timezone.now() + timedelta(days=29)


def test_a_second_request_the_same_day_writes_nothing(alice_client):
    ArtworkFactory()
    alice_client.get("/display/next/?screen=tv")
    expiry = Session.objects.get().expire_date

    alice_client.get("/display/next/?screen=tv")

    assert Session.objects.get().expire_date == expiry
