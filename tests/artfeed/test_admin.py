from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from display.models import Vote
from tests.factories import ArtworkFactory, ImpressionFactory, UserFactory, VoteFactory

pytestmark = pytest.mark.django_db
ARTWORKS = reverse("admin:artfeed_artwork_changelist")


@pytest.fixture
def admin() -> Client:
    client = Client()
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    return client


def watched(art, *, views: int, likes: int = 0, dislikes: int = 0) -> None:
    for i in range(views):
        ImpressionFactory(artwork=art, user=UserFactory(username=f"{art.title}-viewer{i}"))
    for i in range(likes + dislikes):
        value = Vote.Value.UP if i < likes else Vote.Value.DOWN
        VoteFactory(artwork=art, user=UserFactory(username=f"{art.title}-voter{i}"), value=value)


def test_the_list_counts_impressions_and_votes_of_each_artwork(admin):
    busy = ArtworkFactory(title="busy")
    ArtworkFactory(title="quiet")
    watched(busy, views=3, likes=1, dislikes=1)

    response = admin.get(ARTWORKS)

    rows = {
        a.title: (a.counted_impressions, a.counted_votes)
        for a in response.context["cl"].result_list
    }
    assert rows == {"busy": (3, 2), "quiet": (0, 0)}
    impressions = reverse("admin:impressions_impression_changelist")
    assert f'href="{impressions}?artwork={busy.pk}">3</a>' in response.content.decode()


def test_the_count_links_to_that_artworks_rows(admin):
    busy, other = ArtworkFactory(title="busy"), ArtworkFactory(title="other")
    watched(busy, views=2, likes=1)
    watched(other, views=1, likes=1)

    impressions = admin.get(
        f"{reverse('admin:impressions_impression_changelist')}?artwork={busy.pk}"
    )
    votes = admin.get(f"{reverse('admin:display_vote_changelist')}?artwork={busy.pk}")

    assert {i.artwork for i in impressions.context["cl"].result_list} == {busy}
    assert [v.artwork for v in votes.context["cl"].result_list] == [busy]


def test_the_change_page_shows_the_counts(admin):
    art = ArtworkFactory(title="busy")
    watched(art, views=2, likes=3)

    html = admin.get(reverse("admin:artfeed_artwork_change", args=[art.pk])).content.decode()

    assert f'?artwork={art.pk}">2</a>' in html
    assert f'?artwork={art.pk}">3</a>' in html
    assert admin.get(reverse("admin:artfeed_artwork_add")).status_code == 200


def test_the_list_costs_the_same_queries_however_many_rows(admin):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(ARTWORKS).status_code == 200
        return len(captured)

    watched(ArtworkFactory(title="first"), views=1, likes=1)
    few = queries()
    for i in range(4):
        watched(ArtworkFactory(title=f"more{i}", created_by=UserFactory()), views=2, likes=1)

    assert queries() == few
