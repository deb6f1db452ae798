from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_url_is_the_contract():
    assert reverse("healthz") == "/healthz"


def test_it_answers_ok_without_login_or_cookies():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_it_is_503_with_retry_after_when_the_database_does_not_answer(monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("artfeed.web.views.connection", DownConnection())

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["status"] == "unavailable"


def test_it_refuses_post():
    assert Client().post("/healthz").status_code == 405


def test_a_plain_http_probe_is_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True

    assert Client().get("/healthz").status_code == 200
    assert Client().get("/accounts/login/").status_code == 301
