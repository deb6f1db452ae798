from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from artfeed.models import LoginThrottle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def attempt(password: str, *, username: str = "alice", address: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


@pytest.fixture(autouse=True)
def limits(settings):
    settings.ARTFEED_LOGIN_MAX_FAILURES = 3
    settings.ARTFEED_LOGIN_LOCKOUT = timedelta(minutes=15)


def test_after_too_many_failures_even_the_right_password_must_wait(user):
    for _ in range(3):
        assert attempt("wrong").status_code == 200

    response = attempt(PASSWORD)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 800
    assert "Too many failed logins" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_failures_below_the_limit_do_not_lock_and_a_success_forgets_them(user):
    attempt("wrong")
    attempt("wrong")

    assert attempt(PASSWORD).status_code == 302
    assert not LoginThrottle.objects.exists()


def test_the_count_is_per_username_and_address(user):
    UserFactory(username="carol")
    for _ in range(3):
        attempt("wrong")

    assert attempt(PASSWORD, address="10.0.0.2").status_code == 302
    assert attempt(PASSWORD, username="carol").status_code == 302


def test_the_lock_ends_with_its_window(user):
    for _ in range(3):
        attempt("wrong")
    LoginThrottle.objects.update(window_started_at=timezone.now() - timedelta(minutes=16))

    assert attempt(PASSWORD).status_code == 302


def test_the_table_keeps_no_usernames(user):
    attempt("wrong", username="my-password-typed-by-mistake")

    assert "my-password" not in str(list(LoginThrottle.objects.values_list()))


def test_the_admin_login_counts_the_same_failures(user):
    for _ in range(3):
        attempt("wrong")

    response = Client(REMOTE_ADDR="10.0.0.1").post(
        "/admin/login/", {"username": "alice", "password": PASSWORD, "next": "/admin/"}
    )

    assert "Too many failed logins" in response.content.decode()
