from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from impressions.models import Backfill, Impression, SeenSpan
from impressions.services import record_impressions
from tests.factories import ImpressionFactory, UserFactory
from tests.impressions.backfill_helpers import CUTOVER, legacy_art, veteran

pytestmark = pytest.mark.django_db
USERS = reverse("admin:auth_user_changelist")


@pytest.fixture(autouse=True)
def cutover(settings):
    settings.ARTFEED_TRACKING_SINCE = CUTOVER


def staff_client(*permissions: str, superuser: bool = False) -> Client:
    operator = UserFactory(username="operator", is_staff=True, is_superuser=superuser)
    for codename in permissions:
        operator.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def admin(db) -> Client:
    return staff_client(superuser=True)


def act(client: Client, action: str, *users, confirm: bool = False):
    data = {"action": action, "_selected_action": [u.pk for u in users]}
    if confirm:
        data["post"] = "yes"
    return client.post(USERS, data)


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestBackfillAction:
    def test_it_first_shows_a_dry_run_to_confirm(self, admin):
        alice, bob = veteran("alice"), veteran("bob")
        legacy_art(3)
        ImpressionFactory(user=bob, artwork=legacy_art(1)[0])

        response = act(admin, "backfill_impressions", alice, bob)

        assert response.status_code == 200
        html = response.content.decode()
        assert "A dry run against the cutover" in html
        assert '<td>alice</td><td class="count">4</td>' in html
        assert '<td>bob</td><td class="count">3</td>' in html
        assert '<td class="total">7</td>' in html
        assert 'name="post" value="yes"' in html
        assert Impression.objects.filter(source="backfill").count() == 0
        assert set(Backfill.objects.values_list("dry_run", "trigger")) == {(True, "admin")}

    def test_confirming_runs_it_and_says_what_it_did(self, admin):
        alice = veteran("alice")
        legacy_art(3)

        response = act(admin, "backfill_impressions", alice, confirm=True)

        assert response.status_code == 302
        assert Impression.objects.filter(user=alice, source="backfill").count() == 3
        run = Backfill.objects.get()
        assert (run.trigger, run.actor.username, run.dry_run) == ("admin", "operator", False)
        assert flashed(response)[0].startswith("Backfilled 1 user with 3 impressions")

    def test_a_newcomer_among_the_selected_is_left_alone(self, admin):
        alice, newcomer = veteran("alice"), UserFactory(username="newcomer")
        legacy_art(2)

        page = act(admin, "backfill_impressions", alice, newcomer).content.decode()
        act(admin, "backfill_impressions", alice, newcomer, confirm=True)

        assert "they joined after the cutover" in page
        assert "newcomer" in page
        assert not Impression.objects.filter(user=newcomer).exists()

    def test_without_a_cutover_it_explains_and_writes_nothing(self, admin, settings):
        settings.ARTFEED_TRACKING_SINCE = None
        alice = veteran("alice")
        legacy_art(1)

        response = act(admin, "backfill_impressions", alice, confirm=True)

        assert "Nothing backfilled: No cutover" in flashed(response)[0]
        assert not Impression.objects.exists()
        assert not Backfill.objects.exists()

    def test_staff_with_the_backfill_permission_may_run_it(self):
        client = staff_client("view_user", "run_backfill")
        alice = veteran("alice")
        legacy_art(2)

        assert b"Backfill impressions" in client.get(USERS).content
        act(client, "backfill_impressions", alice, confirm=True)

        assert Impression.objects.filter(user=alice).count() == 2

    def test_staff_without_it_are_not_offered_it_and_cannot_post_it(self):
        client = staff_client("view_user", "change_user")
        alice = veteran("alice")
        legacy_art(2)

        assert b"Backfill impressions" not in client.get(USERS).content
        page = act(client, "backfill_impressions", alice)
        act(client, "backfill_impressions", alice, confirm=True)

        assert b"A dry run" not in page.content
        assert not Impression.objects.exists()
        assert not Backfill.objects.exists()


class TestResetSeenAction:
    def test_it_lists_what_it_would_delete_then_deletes_it(self, admin):
        alice = veteran("alice")
        art = legacy_art(3)
        record_impressions(user=alice, artwork_ids=[a.pk for a in art])
        assert SeenSpan.objects.filter(user=alice).exists()

        page = act(admin, "reset_seen", alice)
        assert '<td>alice</td><td class="count">3</td>' in page.content.decode()
        assert Impression.objects.count() == 3

        response = act(admin, "reset_seen", alice, confirm=True)

        assert not Impression.objects.filter(user=alice).exists()
        assert not SeenSpan.objects.filter(user=alice).exists()  # the span would lie
        assert flashed(response) == ["Reset 1 user: 3 impressions deleted."]

    def test_other_users_keep_theirs(self, admin):
        alice, bob = veteran("alice"), veteran("bob")
        (art,) = legacy_art(1)
        ImpressionFactory(user=alice, artwork=art)
        ImpressionFactory(user=bob, artwork=art)

        act(admin, "reset_seen", alice, confirm=True)

        assert list(Impression.objects.values_list("user__username", flat=True)) == ["bob"]

    def test_it_needs_the_permission_to_delete_impressions(self):
        client = staff_client("view_user", "change_user")
        alice = veteran("alice")
        ImpressionFactory(user=alice)

        assert b"Reset seen" not in client.get(USERS).content
        act(client, "reset_seen", alice, confirm=True)

        assert Impression.objects.filter(user=alice).exists()


class TestLogAndImpressions:
    def test_the_backfill_log_is_read_only(self, admin):
        alice = veteran("alice")
        act(admin, "backfill_impressions", alice, confirm=True)
        run = Backfill.objects.get()

        listing = admin.get(reverse("admin:impressions_backfill_changelist"))
        change = reverse("admin:impressions_backfill_change", args=[run.pk])

        assert listing.status_code == 200
        assert b"alice" in listing.content
        assert admin.get(reverse("admin:impressions_backfill_add")).status_code == 403
        assert b'name="_save"' not in admin.get(change).content
        assert admin.post(change, {"rows_inserted": 99}).status_code == 403
        delete = reverse("admin:impressions_backfill_delete", args=[run.pk])
        assert admin.post(delete, {"post": "yes"}).status_code == 403
        assert Backfill.objects.get().rows_inserted == 0

    @pytest.mark.parametrize(
        ("query", "shown"),
        [
            ("source__exact=backfill", {"legacy"}),
            ("source__exact=displayed", {"recent"}),
            ("q=legacy", {"legacy"}),
            ("viewed_at__year=2020", {"legacy"}),
        ],
    )
    def test_impressions_filter_by_source_user_and_date(self, admin, query, shown):
        alice = veteran("alice")
        (old,) = legacy_art(1, title="legacy")
        (new,) = legacy_art(1, title="recent")
        when = datetime(2020, 5, 1, tzinfo=UTC)
        ImpressionFactory(user=alice, artwork=old, source="backfill", viewed_at=when)
        ImpressionFactory(user=alice, artwork=new)

        response = admin.get(f"{reverse('admin:impressions_impression_changelist')}?{query}")

        assert response.status_code == 200
        listed = {i.artwork.title for i in response.context["cl"].result_list}
        assert listed == shown

    def test_impressions_filter_by_user(self, admin):
        alice, bob = veteran("alice"), veteran("bob")
        (art,) = legacy_art(1)
        ImpressionFactory(user=alice, artwork=art)
        ImpressionFactory(user=bob, artwork=art)

        url = reverse("admin:impressions_impression_changelist")
        response = admin.get(f"{url}?user__id__exact={bob.pk}")

        assert [i.user.username for i in response.context["cl"].result_list] == ["bob"]
