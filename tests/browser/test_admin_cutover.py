"""The admin's backfill page tells the cutover in the operator's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from impressions.models import Backfill, Impression
from tests.factories import ArtworkFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
TRACKING_SINCE = datetime(2025, 1, 31, tzinfo=UTC)


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "timezone_id": "America/New_York"}


def test_the_prefilled_cutover_is_told_in_the_browsers_zone_and_confirmed_as_is(
    page, live_server, live_settings, settings
):
    settings.ARTFEED_TRACKING_SINCE = TRACKING_SINCE
    UserFactory(username="operator", is_staff=True, is_superuser=True)
    alice = UserFactory(username="alice", date_joined=datetime(2024, 5, 1, tzinfo=UTC))
    ArtworkFactory(created_at=datetime(2025, 1, 30, 23, 0, tzinfo=UTC))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/auth/user/")
    page.check(f"input.action-select[value='{alice.pk}']")
    page.select_option("select[name=action]", "backfill_impressions")
    page.click("button[name=index]")

    # Midnight UTC is 19:00 the day before in New York; the preview names both. The
    # click only starts the navigation: until the form arrives, the list is still there.
    page.wait_for_function(
        "() => document.querySelector(\"select[name='cutover-time_zone']\")?.value"
        " === 'America/New_York'"
    )
    assert page.input_value("input[name='cutover-date']") == "2025-01-30"
    assert page.input_value("input[name='cutover-time']") == "19:00:00"
    assert "2025-01-31 00:00:00 UTC" in page.inner_text("#content")
    page.click("button[name=post]")

    page.wait_for_selector(".messagelist")
    assert "Backfilled 1 user with 1 impression" in page.inner_text(".messagelist")
    assert Backfill.objects.get(dry_run=False).cutover == TRACKING_SINCE
    assert Impression.objects.filter(user=alice).count() == 1
