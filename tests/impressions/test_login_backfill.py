from __future__ import annotations

import threading

import pytest
from django.test import Client

from impressions import login
from impressions.models import Backfill, Impression
from tests.factories import ImpressionFactory, UserFactory
from tests.impressions.backfill_helpers import CUTOVER, legacy_art, veteran

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cutover(settings):
    settings.ARTFEED_TRACKING_SINCE = CUTOVER


@pytest.fixture
def inline(monkeypatch):
    """Run the deferred backfill in the test's thread, so the test is deterministic."""
    monkeypatch.setattr(login, "start_in_background", login.run_login_backfill)


def log_in(user, capture) -> int:
    """Log in through the login form; run what waits for the commit."""
    with capture(execute=True):
        response = Client().post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        )
    return response.status_code


@pytest.mark.django_db
class TestOnceAtLogin:
    def test_a_veteran_is_backfilled_at_their_first_login(
        self, inline, django_capture_on_commit_callbacks
    ):
        alice = veteran("alice")
        legacy_art(3)

        assert log_in(alice, django_capture_on_commit_callbacks) == 302

        assert Impression.objects.filter(user=alice, source="backfill").count() == 3
        run = Backfill.objects.get(user=alice)
        assert (run.trigger, run.actor, run.dry_run) == ("login", None, False)

    def test_only_once(self, inline, django_capture_on_commit_callbacks):
        alice = veteran("alice")
        legacy_art(1)
        log_in(alice, django_capture_on_commit_callbacks)
        Impression.objects.all().delete()  # say an operator reset what alice has seen

        log_in(alice, django_capture_on_commit_callbacks)

        assert not Impression.objects.exists()
        assert Backfill.objects.count() == 1

    def test_a_user_who_joined_after_the_cutover_never_is(
        self, inline, django_capture_on_commit_callbacks
    ):
        newcomer = UserFactory(username="newcomer")
        legacy_art(2)

        log_in(newcomer, django_capture_on_commit_callbacks)

        assert not Impression.objects.exists()
        assert not Backfill.objects.exists()

    def test_a_user_who_already_has_impressions_is_not(
        self, inline, django_capture_on_commit_callbacks
    ):
        alice = veteran("alice")
        seen, _ = legacy_art(2)
        ImpressionFactory(user=alice, artwork=seen)

        log_in(alice, django_capture_on_commit_callbacks)

        assert Impression.objects.count() == 1
        assert not Backfill.objects.exists()

    def test_a_dry_run_alone_does_not_count_as_backfilled(
        self, inline, django_capture_on_commit_callbacks
    ):
        alice = veteran("alice")
        legacy_art(2)
        Backfill.objects.create(user=alice, trigger="command", cutover=CUTOVER, dry_run=True)

        log_in(alice, django_capture_on_commit_callbacks)

        assert Impression.objects.filter(user=alice).count() == 2

    def test_nothing_happens_without_a_cutover(
        self, inline, settings, django_capture_on_commit_callbacks
    ):
        settings.ARTFEED_TRACKING_SINCE = None
        alice = veteran("alice")
        legacy_art(2)

        log_in(alice, django_capture_on_commit_callbacks)

        assert not Impression.objects.exists()
        assert not Backfill.objects.exists()

    def test_a_failure_is_logged_and_the_login_still_works(
        self, monkeypatch, caplog, django_capture_on_commit_callbacks
    ):
        def broken(**kwargs):
            raise RuntimeError("database on fire")

        monkeypatch.setattr(login, "backfill_impressions", broken)
        monkeypatch.setattr(login, "start_in_background", login.run_login_backfill)
        alice = veteran("alice")

        assert log_in(alice, django_capture_on_commit_callbacks) == 302
        assert "Backfill at login failed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_login_answers_before_the_backfill_runs_in_its_own_thread(monkeypatch):
    alice = veteran("alice")
    legacy_art(3)
    release, threads = threading.Event(), []
    real_run, real_start = login.run_login_backfill, login.start_in_background

    def held_back(user_pk: int) -> None:
        assert release.wait(timeout=10)
        real_run(user_pk)

    def start(user_pk: int) -> threading.Thread:
        threads.append(real_start(user_pk))
        return threads[-1]

    monkeypatch.setattr(login, "run_login_backfill", held_back)
    monkeypatch.setattr(login, "start_in_background", start)

    response = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302  # answered while the backfill waits
    assert not Impression.objects.exists()
    release.set()
    threads[0].join(timeout=20)
    assert not threads[0].is_alive()
    assert Impression.objects.filter(user=alice, source="backfill").count() == 3
    assert Backfill.objects.get().finished_at is not None
