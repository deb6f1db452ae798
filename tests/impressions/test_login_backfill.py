from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from impressions import backfill, login
from impressions.backfill import DEFAULT_BATCH_SIZE
from impressions.models import Backfill, Impression
from tests.factories import ImpressionFactory, UserFactory
from tests.impressions.backfill_helpers import CUTOVER, legacy_art, legacy_rows, veteran

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


@pytest.fixture
def crash_after_first_chunk(monkeypatch):
    """The next backfill dies after its first chunk, as a stopped process or a lost
    database would leave it; the one after runs normally."""
    real_insert, calls = backfill._insert_impressions, []

    def insert(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            monkeypatch.setattr(backfill, "_insert_impressions", real_insert)
            raise RuntimeError("connection lost")
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(backfill, "_insert_impressions", insert)


def log_of(user) -> list[tuple[str, int, bool]]:
    """The user's backfill runs, oldest first: trigger, rows written, finished."""
    runs = Backfill.objects.filter(user=user).order_by("started_at", "pk")
    return [(r.trigger, r.rows_inserted, r.finished_at is not None) for r in runs]


# Committed for real, as in production: a run's chunks are transactions of their own.
@pytest.mark.django_db(transaction=True)
class TestCutShort:
    LEGACY = DEFAULT_BATCH_SIZE + DEFAULT_BATCH_SIZE // 2  # two chunks

    def assert_finished(self, user, *, cut_short_by: str, finished_by: str) -> None:
        """Every legacy artwork backfilled, once; the log shows the run cut short after
        its first chunk, then the run that wrote the rest."""
        assert Impression.objects.filter(user=user, source="backfill").count() == self.LEGACY
        assert log_of(user) == [
            (cut_short_by, DEFAULT_BATCH_SIZE, False),
            (finished_by, self.LEGACY - DEFAULT_BATCH_SIZE, True),
        ]

    def test_the_next_login_finishes_it_without_duplicates(
        self, inline, crash_after_first_chunk, caplog, django_capture_on_commit_callbacks
    ):
        alice = veteran("alice")
        legacy_rows(self.LEGACY)

        assert log_in(alice, django_capture_on_commit_callbacks) == 302
        assert "Backfill at login failed" in caplog.text
        assert Impression.objects.filter(user=alice).count() == DEFAULT_BATCH_SIZE
        assert log_of(alice) == [("login", DEFAULT_BATCH_SIZE, False)]

        log_in(alice, django_capture_on_commit_callbacks)

        self.assert_finished(alice, cut_short_by="login", finished_by="login")
        log_in(alice, django_capture_on_commit_callbacks)  # finished now: once is enough
        assert len(log_of(alice)) == 2

    def test_the_command_finishes_it_and_the_next_login_leaves_it(
        self, inline, crash_after_first_chunk, django_capture_on_commit_callbacks
    ):
        alice = veteran("alice")
        legacy_rows(self.LEGACY)
        log_in(alice, django_capture_on_commit_callbacks)

        call_command("backfill_impressions", "--user", "alice", stdout=StringIO())
        log_in(alice, django_capture_on_commit_callbacks)

        self.assert_finished(alice, cut_short_by="login", finished_by="command")

    def test_a_command_run_cut_short_is_finished_at_login(
        self, inline, crash_after_first_chunk, django_capture_on_commit_callbacks
    ):
        alice = veteran("alice")
        legacy_rows(self.LEGACY)
        with pytest.raises(RuntimeError, match="connection lost"):
            call_command("backfill_impressions", "--user", "alice", stdout=StringIO())

        log_in(alice, django_capture_on_commit_callbacks)

        self.assert_finished(alice, cut_short_by="command", finished_by="login")

    def test_an_unfinished_dry_run_is_no_reason_to_backfill_again(
        self, inline, django_capture_on_commit_callbacks
    ):
        alice = veteran("alice")
        (art,) = legacy_art(1)
        ImpressionFactory(user=alice, artwork=art)
        Backfill.objects.create(user=alice, trigger="admin", cutover=CUTOVER, dry_run=True)

        log_in(alice, django_capture_on_commit_callbacks)

        assert log_of(alice) == [("admin", 0, False)]


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
