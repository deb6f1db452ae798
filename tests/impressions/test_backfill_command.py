from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from impressions.models import Backfill, Impression
from tests.factories import UserFactory
from tests.impressions.backfill_helpers import CUTOVER, before, legacy_art, veteran

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def cutover(settings):
    settings.ARTFEED_TRACKING_SINCE = CUTOVER


def backfill(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("backfill_impressions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_backfills_the_named_users():
    alice, bob, carol = veteran("alice"), veteran("bob"), veteran("carol")
    legacy_art(3)

    out, err = backfill("--user", "alice", "--user", "bob")

    assert Impression.objects.filter(user=alice, source="backfill").count() == 3
    assert Impression.objects.filter(user=bob).count() == 3
    assert not Impression.objects.filter(user=carol).exists()
    assert out.startswith("Backfilled 2 users with 6 impressions, in ")
    assert set(Backfill.objects.values_list("trigger", flat=True)) == {"command"}


def test_it_draws_progress_on_stderr():
    veteran("alice"), veteran("bob")
    legacy_art(3)

    _, err = backfill("--all", "--batch-size", "2")

    assert "user 2/2 bob: 3/3 rows" in err
    assert "[##############################]" in err


def test_all_takes_every_user_but_leaves_newcomers_alone():
    veteran("alice")
    UserFactory(username="newcomer")  # joined just now, after the cutover
    legacy_art(2)

    out, _ = backfill("--all")

    assert Impression.objects.filter(user__username="alice").count() == 2
    assert not Impression.objects.filter(user__username="newcomer").exists()
    assert (
        "Backfilled 1 user with 2 impressions, skipped 1 user who joined after the cutover" in out
    )


def test_a_dry_run_says_so_and_writes_nothing():
    veteran("alice")
    legacy_art(2)

    out, _ = backfill("--all", "--dry-run")

    assert out.startswith("Dry run, nothing written: would backfill 1 user with 2 impressions")
    assert not Impression.objects.exists()
    assert Backfill.objects.get().dry_run


def test_before_sets_the_cutover(settings):
    settings.ARTFEED_TRACKING_SINCE = None
    veteran("alice")
    old, newer = legacy_art(2)

    out, _ = backfill("--all", "--before", newer.created_at.isoformat())

    assert list(Impression.objects.values_list("artwork", flat=True)) == [old.pk]
    assert Backfill.objects.get().cutover == newer.created_at
    assert f"(cutover {newer.created_at.isoformat()})" in out


def test_before_takes_a_plain_date_as_midnight_utc():
    veteran("alice")
    legacy_art(1)
    date = before(days=200).date()  # after the veteran joined

    backfill("--all", "--before", date.isoformat())

    assert Backfill.objects.get().cutover.isoformat() == f"{date.isoformat()}T00:00:00+00:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "alice", "--user", "zed"], "--user: no user named 'zed'"),
        (["--all", "--before", "yesterday"], "--before 'yesterday' is not a date"),
        (["--all", "--before", ""], "--before '' is not a date"),
        (["--all", "--before", "2025-01-31 25:00:00+00:00"], "is not a date"),
        (["--all", "--before", "2025-02-30"], "--before '2025-02-30' is not a date"),
        (["--all", "--before", "2025-01-31T10:00:00"], "needs a time zone offset"),
        (["--all", "--before", "2999-01-01"], "lies in the future"),
        (["--all", "--batch-size", "0"], "--batch-size '0' must be a whole number"),
        (["--all", "--batch-size", "many"], "--batch-size 'many' must be a whole number"),
        (["--all", "--batch-size", "100001"], "--batch-size '100001' must be a whole number"),
        (["--user", "alice", "--all"], "not allowed with argument"),
        ([], "one of the arguments --user --all is required"),
    ],
)
def test_a_bad_option_is_refused_by_name_and_changes_nothing(args, message):
    veteran("alice")
    legacy_art(1)

    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        backfill(*args)

    assert not Impression.objects.exists()
    assert not Backfill.objects.exists()


def test_without_a_cutover_it_asks_for_before(settings):
    settings.ARTFEED_TRACKING_SINCE = None
    veteran("alice")
    legacy_art(1)

    with pytest.raises(CommandError, match="ARTFEED_TRACKING_SINCE is not set; pass --before"):
        backfill("--all")

    assert not Impression.objects.exists()


def test_from_the_shell_a_bad_option_exits_non_zero_with_its_message():
    # The batch size is checked before the database is touched.
    env = {**os.environ, "DEBUG": "true"}

    done = subprocess.run(
        [sys.executable, "manage.py", "backfill_impressions", "--all", "--batch-size", "-3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert "CommandError: --batch-size '-3' must be a whole number" in done.stderr
