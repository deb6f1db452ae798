"""The display without JavaScript: each reload names the frame it showed, which is
recorded as seen (source=reloaded), and the next frame follows the lanes."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from display.models import Lease, Screen
from impressions.models import Impression
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db

DWELL = 10
EXTRA_QUERIES = 9


def refresh_url(response) -> str:
    """Where the page's no-JavaScript refresh goes, and after how long."""
    content = re.search(r'http-equiv="refresh" content="([^"]*)"', response.content.decode())
    return html.unescape(content.group(1))


def shown(response) -> str:
    return re.search(r'data-artwork-id="([^"]+)"', response.content.decode()).group(1)


def a_dwell_passes(key: str = "eink") -> None:
    Screen.objects.filter(key=key).update(
        opened_at=timezone.now() - timedelta(seconds=DWELL, milliseconds=100)
    )


def frames_over(client, reloads: int) -> list[str]:
    """The frames a page without JavaScript shows: opened, then reloaded after each dwell
    naming the frame it showed."""
    response = client.get(f"/display/?screen=eink&dwell={DWELL}")
    seen = [shown(response)]
    for _ in range(reloads):
        a_dwell_passes()
        response = client.get(f"/display/?screen=eink&dwell={DWELL}&shown={seen[-1]}")
        seen.append(shown(response))
    return seen


def test_the_refresh_names_the_frame_and_keeps_the_screen_settings(alice_client):
    art = ArtworkFactory()

    response = alice_client.get(f"/display/?screen=eink&dwell={DWELL}&clock=1")

    assert refresh_url(response) == (
        f"{DWELL}; url=/display/?screen=eink&dwell={DWELL}&clock=1&shown={art.pk}"
    )


def test_the_empty_state_reloads_without_naming_a_frame(alice_client):
    response = alice_client.get(f"/display/?screen=eink&dwell={DWELL}")

    assert refresh_url(response) == str(DWELL)


def test_reloads_advance_through_the_lanes_recording_each_frame_once(alice_client, user):
    arts = [ArtworkFactory(created_at=timezone.now() - timedelta(minutes=i)) for i in range(4)]

    seen = frames_over(alice_client, 3)

    assert seen == [str(art.pk) for art in arts]  # unseen lane: newest first
    rows = Impression.objects.filter(user=user)
    assert sorted(str(pk) for pk in rows.values_list("artwork", flat=True)) == sorted(seen[:3])
    assert set(rows.values_list("source", flat=True)) == {"reloaded"}


def test_when_all_is_seen_the_reload_shows_the_least_recently_seen(alice_client, user):
    newer = ArtworkFactory(created_at=timezone.now() - timedelta(minutes=1))
    older = ArtworkFactory(created_at=timezone.now() - timedelta(minutes=2))

    seen = frames_over(alice_client, 2)

    # Both were seen once: the rerun lane brings back the one seen longest ago.
    assert seen == [str(newer.pk), str(older.pk), str(newer.pk)]
    assert Impression.objects.filter(user=user).count() == 2


def test_a_reload_before_the_dwell_is_over_records_nothing(alice_client, user):
    ArtworkFactory()
    response = alice_client.get(f"/display/?screen=eink&dwell={DWELL}")

    alice_client.get(f"/display/?screen=eink&dwell={DWELL}&shown={shown(response)}")

    assert not Impression.objects.exists()


def test_only_the_frame_the_screen_was_given_is_recorded(alice_client, user):
    on_screen, elsewhere = ArtworkFactory(), ArtworkFactory()
    response = alice_client.get(f"/display/?screen=eink&dwell={DWELL}")
    other = elsewhere if shown(response) == str(on_screen.pk) else on_screen
    a_dwell_passes()

    alice_client.get(f"/display/?screen=eink&dwell={DWELL}&shown={other.pk}")
    alice_client.get(f"/display/?screen=hall&dwell={DWELL}&shown={shown(response)}")

    assert not Impression.objects.exists()


def test_a_private_artwork_of_someone_else_is_never_recorded(alice_client, user, other_user):
    theirs = ArtworkFactory(is_public=False, created_by=other_user)
    Screen.objects.create(
        user=user, key="eink", last_artwork=theirs, opened_at=timezone.now() - timedelta(hours=1)
    )

    alice_client.get(f"/display/?screen=eink&dwell={DWELL}&shown={theirs.pk}")

    assert not Impression.objects.exists()


def test_a_bad_shown_value_is_400_with_a_message_and_changes_nothing(alice_client):
    ArtworkFactory()

    response = alice_client.get("/display/?screen=eink&shown=not-an-id")

    assert response.status_code == 400
    assert "shown must be the id of the artwork the page showed" in response.content.decode()
    assert not Screen.objects.exists()
    assert not Lease.objects.exists()


def test_a_reload_costs_a_fixed_few_queries_more_than_opening_the_page(alice_client):
    for i in range(3):
        ArtworkFactory(created_at=timezone.now() - timedelta(minutes=i))
    response = alice_client.get(f"/display/?screen=eink&dwell={DWELL}")
    with CaptureQueriesContext(connection) as opening:
        alice_client.get(f"/display/?screen=eink&dwell={DWELL}")
    a_dwell_passes()

    with CaptureQueriesContext(connection) as reload:
        alice_client.get(f"/display/?screen=eink&dwell={DWELL}&shown={shown(response)}")

    # One check that the frame stood on this screen, then one record_impressions batch
    # (its own count is pinned in tests/impressions), whatever the pool's size.
    assert len(reload) - len(opening) <= EXTRA_QUERIES
