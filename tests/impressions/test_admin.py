from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from impressions.models import Backfill, Impression, SeenSpan
from impressions.services import record_impressions
from tests.factories import ArtworkFactory, ImpressionFactory, UserFactory
from tests.impressions.backfill_helpers import CUTOVER, before, legacy_art, veteran

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


def cutover_fields(when: datetime | None = CUTOVER, zone: str = "UTC", **fields: str) -> dict:
    """The confirmation page's cutover form, filled with ``when`` told in ``zone``."""
    local = when.astimezone(ZoneInfo(zone)) if when else None
    data = {
        "cutover-date": f"{local:%Y-%m-%d}" if local else "",
        "cutover-time": f"{local:%H:%M:%S}" if local else "",
        "cutover-time_zone": zone,
    }
    data.update({f"cutover-{name}": value for name, value in fields.items()})
    return data


def backfill_page(client: Client, *users, **data: str):
    """Post the backfill action with the page's own fields (``post="yes"`` confirms)."""
    return client.post(
        USERS,
        {"action": "backfill_impressions", "_selected_action": [u.pk for u in users], **data},
    )


def confirm(client: Client, *users, when: datetime = CUTOVER, zone: str = "UTC"):
    """Preview, then press *Yes, backfill* on the page the preview answered."""
    fields = cutover_fields(when, zone)
    preview = backfill_page(client, *users, **fields)
    assert preview.status_code == 200, preview.content.decode()
    previewed = preview.context["previewed"]
    return backfill_page(client, *users, **fields, previewed=previewed, post="yes")


def nothing_written() -> bool:
    return not Impression.objects.exists() and not Backfill.objects.filter(dry_run=False).exists()


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

    def test_the_cutover_is_prefilled_from_the_setting(self, admin):
        alice = veteran("alice")

        html = act(admin, "backfill_impressions", alice).content.decode()

        assert f'name="cutover-date" value="{CUTOVER:%Y-%m-%d}"' in html
        assert f'name="cutover-time" value="{CUTOVER:%H:%M:%S}"' in html
        assert '<option value="UTC" selected>UTC</option>' in html
        assert f"{CUTOVER:%Y-%m-%d %H:%M:%S} UTC" in html
        assert Backfill.objects.get().cutover == CUTOVER

    def test_confirming_runs_it_and_says_what_it_did(self, admin):
        alice = veteran("alice")
        legacy_art(3)

        response = confirm(admin, alice)

        assert response.status_code == 302
        assert Impression.objects.filter(user=alice, source="backfill").count() == 3
        run = Backfill.objects.get(dry_run=False)
        assert (run.trigger, run.actor.username, run.cutover) == ("admin", "operator", CUTOVER)
        assert flashed(response)[-1].startswith("Backfilled 1 user with 3 impressions")

    @pytest.mark.parametrize("tracking_since", [CUTOVER, None], ids=["setting", "no-setting"])
    def test_a_cutover_chosen_in_the_operators_time_zone(self, admin, settings, tracking_since):
        settings.ARTFEED_TRACKING_SINCE = tracking_since
        alice = UserFactory(username="alice", date_joined=datetime(2024, 1, 1, tzinfo=UTC))
        chosen = datetime(2025, 1, 31, 1, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 00:30 UTC
        earlier = ArtworkFactory(created_at=datetime(2025, 1, 31, 0, 15, tzinfo=UTC))
        ArtworkFactory(created_at=datetime(2025, 1, 31, 0, 45, tzinfo=UTC))  # after it

        preview = backfill_page(admin, alice, **cutover_fields(chosen, "Europe/Paris"))
        done = confirm(admin, alice, when=chosen, zone="Europe/Paris")

        html = preview.content.decode()
        assert "2025-01-31 01:30:00 Europe/Paris (2025-01-31 00:30:00 UTC)" in html
        assert '<td>alice</td><td class="count">1</td>' in html
        assert done.status_code == 302
        assert list(Impression.objects.values_list("artwork", flat=True)) == [earlier.pk]
        run = Backfill.objects.get(dry_run=False)
        assert run.cutover == datetime(2025, 1, 31, 0, 30, tzinfo=UTC)
        assert Impression.objects.get().viewed_at == run.cutover

    def test_without_the_setting_it_asks_for_the_cutover_first(self, admin, settings):
        settings.ARTFEED_TRACKING_SINCE = None
        alice = veteran("alice")
        legacy_art(1)

        response = act(admin, "backfill_impressions", alice)

        html = response.content.decode()
        assert response.status_code == 200
        assert "ARTFEED_TRACKING_SINCE is not set" in html
        assert (
            'name="cutover-date" type="date"' in html or 'type="date" name="cutover-date"' in html
        )
        assert 'value="Preview"' in html
        assert "Yes, backfill" not in html
        assert not Backfill.objects.exists()

    def test_without_the_setting_a_preview_then_yes_backfills(self, admin, settings):
        settings.ARTFEED_TRACKING_SINCE = None
        alice = veteran("alice")
        legacy_art(2)

        response = confirm(admin, alice)

        assert response.status_code == 302
        assert Impression.objects.filter(user=alice).count() == 2
        assert Backfill.objects.get(dry_run=False).cutover == CUTOVER

    def test_a_setting_with_another_offset_is_confirmed_as_previewed(self, admin, settings):
        settings.ARTFEED_TRACKING_SINCE = CUTOVER.astimezone(ZoneInfo("Asia/Kolkata"))
        alice = veteran("alice")
        legacy_art(2)
        first = act(admin, "backfill_impressions", alice)

        done = backfill_page(
            admin, alice, **cutover_fields(), previewed=first.context["previewed"], post="yes"
        )

        assert done.status_code == 302
        assert Backfill.objects.get(dry_run=False).cutover == CUTOVER
        assert Impression.objects.filter(user=alice).count() == 2

    @pytest.mark.parametrize("previewed", ["", "not a date", "2025-01-31T00:00:00"])
    def test_a_bad_previewed_moment_only_previews(self, admin, previewed):
        alice = veteran("alice")
        legacy_art(2)

        response = backfill_page(admin, alice, **cutover_fields(), previewed=previewed, post="yes")

        assert response.status_code == 200
        assert '<td>alice</td><td class="count">2</td>' in response.content.decode()
        assert nothing_written()

    def test_a_cutover_changed_after_the_preview_is_previewed_again(self, admin):
        alice = veteran("alice")
        legacy_art(2)
        fields = cutover_fields(before(days=1, hours=12))

        response = backfill_page(admin, alice, **fields, previewed=CUTOVER.isoformat(), post="yes")

        assert response.status_code == 200
        assert "The cutover changed after the preview" in flashed(response)[0]
        assert '<td>alice</td><td class="count">1</td>' in response.content.decode()
        assert nothing_written()

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"date": ""}, "Give the cutover&#x27;s date."),
            ({"date": "2025-13-01"}, "Enter the date as YYYY-MM-DD."),
            ({"date": "31/01/2025"}, "Enter the date as YYYY-MM-DD."),
            ({"time": ""}, "Give the cutover&#x27;s time"),
            ({"time": "25:00"}, "Enter the time as HH:MM or HH:MM:SS."),
            ({"time_zone": "Mars/Olympus"}, "Mars/Olympus is not a time zone"),
            (
                {"date": "2025-03-30", "time": "02:30", "time_zone": "Europe/Paris"},
                "2025-03-30 02:30:00 does not exist in Europe/Paris",
            ),
            ({"date": "2999-01-01", "time": "00:00"}, "lies in the future"),
        ],
    )
    @pytest.mark.parametrize("confirmed", [False, True], ids=["preview", "yes"])
    def test_a_bad_cutover_is_refused_with_a_message_and_nothing_written(
        self, admin, fields, message, confirmed
    ):
        alice = veteran("alice")
        legacy_art(2)
        extra = {"post": "yes", "previewed": CUTOVER.isoformat()} if confirmed else {}

        response = backfill_page(admin, alice, **cutover_fields(**fields), **extra)

        assert response.status_code == 400
        assert message in response.content.decode()
        assert "Yes, backfill" not in response.content.decode()
        assert not Impression.objects.exists()
        assert not Backfill.objects.exists()

    def test_a_setting_in_the_future_is_refused_on_the_page(self, admin, settings):
        settings.ARTFEED_TRACKING_SINCE = timezone.now() + timedelta(days=2)
        alice = veteran("alice")
        legacy_art(1)

        response = act(admin, "backfill_impressions", alice)

        assert response.status_code == 400
        assert "lies in the future" in response.content.decode()
        assert not Backfill.objects.exists()

    def test_a_newcomer_among_the_selected_is_left_alone(self, admin):
        alice, newcomer = veteran("alice"), UserFactory(username="newcomer")
        legacy_art(2)

        page = act(admin, "backfill_impressions", alice, newcomer).content.decode()
        confirm(admin, alice, newcomer)

        assert "they joined after the cutover" in page
        assert "newcomer" in page
        assert not Impression.objects.filter(user=newcomer).exists()
        assert Impression.objects.filter(user=alice).count() == 2

    def test_staff_with_the_backfill_permission_may_run_it(self):
        client = staff_client("view_user", "run_backfill")
        alice = veteran("alice")
        legacy_art(2)

        assert b"Backfill impressions" in client.get(USERS).content
        confirm(client, alice)

        assert Impression.objects.filter(user=alice).count() == 2

    def test_staff_without_it_are_not_offered_it_and_cannot_post_it(self):
        client = staff_client("view_user", "change_user")
        alice = veteran("alice")
        legacy_art(2)

        assert b"Backfill impressions" not in client.get(USERS).content
        page = act(client, "backfill_impressions", alice)
        fields = cutover_fields()
        backfill_page(client, alice, **fields, previewed=CUTOVER.isoformat(), post="yes")

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
        confirm(admin, alice)
        run = Backfill.objects.get(dry_run=False)

        listing = admin.get(reverse("admin:impressions_backfill_changelist"))
        change = reverse("admin:impressions_backfill_change", args=[run.pk])

        assert listing.status_code == 200
        assert b"alice" in listing.content
        assert admin.get(reverse("admin:impressions_backfill_add")).status_code == 403
        assert b'name="_save"' not in admin.get(change).content
        assert admin.post(change, {"rows_inserted": 99}).status_code == 403
        delete = reverse("admin:impressions_backfill_delete", args=[run.pk])
        assert admin.post(delete, {"post": "yes"}).status_code == 403
        assert Backfill.objects.get(dry_run=False).rows_inserted == 0

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
