"""Operator tools: impressions and the backfill log, and two actions on users (backfill
impressions, reset what they have seen), each behind a confirmation page."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from impressions import backfill, services
from impressions.forms import CutoverForm, described
from impressions.models import Backfill, Impression

User = get_user_model()
CUTOVER_PREFIX = "cutover"  # keeps the form's fields apart from the changelist's own


@admin.register(Impression)
class ImpressionAdmin(admin.ModelAdmin):
    list_display = ["user", "artwork", "viewed_at", "first_viewed_at", "source"]
    list_filter = ["source", "user"]
    search_fields = ["user__username", "artwork__title"]
    date_hierarchy = "viewed_at"
    raw_id_fields = ["user", "artwork"]
    list_select_related = ["user", "artwork"]
    # The table holds every view of every user: skip counting all of it on each page.
    show_full_result_count = False


@admin.register(Backfill)
class BackfillAdmin(admin.ModelAdmin):
    """The audit log: read-only, so it stays what actually happened."""

    list_display = [
        "user",
        "trigger",
        "actor",
        "cutover",
        "rows_inserted",
        "dry_run",
        "started_at",
        "finished_at",
    ]
    list_filter = ["trigger", "dry_run"]
    search_fields = ["user__username", "actor__username"]
    date_hierarchy = "started_at"
    list_select_related = ["user", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Backfill | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Backfill | None = None) -> bool:
        return False


def _confirmation(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    action: str,
    title: str,
    counts: list[tuple[str, int]],
    **context: object,
) -> TemplateResponse:
    """A page listing the selected users with a number each, and a form that posts the
    same action back with ``post=yes`` (the pattern of Django's ``delete_selected``)."""
    return TemplateResponse(
        request,
        "admin/impressions/confirm_user_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": modeladmin.model._meta,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "counts": counts,
            "total": sum(n for _, n in counts),
            "media": modeladmin.media,
            **context,
        },
    )


def _same_moment(text: str, moment: datetime) -> bool:
    """Whether ``text`` (what the page says it previewed) is ``moment``, in any offset."""
    try:
        previewed = parse_datetime(text)
    except ValueError:
        return False
    return previewed is not None and previewed.tzinfo is not None and previewed == moment


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    actions = ["backfill_impressions", "reset_seen"]

    def has_run_backfill_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("impressions.run_backfill")

    def has_reset_seen_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("impressions.delete_impression")

    @admin.action(description="Backfill impressions", permissions=["run_backfill"])
    def backfill_impressions(
        self, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        """A page to choose the cutover (prefilled with ``ARTFEED_TRACKING_SINCE``) and
        preview the dry run's counts for it (logged as a dry run), then the real run with
        the cutover previewed."""
        if not self.has_run_backfill_permission(request):
            raise PermissionDenied
        zone = timezone.get_current_timezone_name()
        if f"{CUTOVER_PREFIX}-date" in request.POST:  # this page's own form came back
            form = CutoverForm(request.POST, prefix=CUTOVER_PREFIX)
            if not form.is_valid():
                return self._backfill_page(request, queryset, form, status=400)
            cutover, zone = form.cutover, form.zone
        else:
            cutover = settings.ARTFEED_TRACKING_SINCE
            form = CutoverForm.unbound(moment=cutover, zone=zone, prefix=CUTOVER_PREFIX)
            if cutover is None:
                return self._backfill_page(request, queryset, form)
        if request.POST.get("post") == "yes":
            if _same_moment(request.POST.get("previewed", ""), cutover):
                return self._run_backfill(request, queryset, cutover)
            self.message_user(
                request,
                "The cutover changed after the preview: check the counts for this one, "
                "then confirm.",
                messages.WARNING,
            )
        counts: list[tuple[str, int]] = []  # a dry run reports each user once, when counted
        try:
            result = backfill.backfill_impressions(
                users=queryset,
                trigger=Backfill.Trigger.ADMIN,
                actor=request.user,
                cutover=cutover,
                dry_run=True,
                progress=lambda step: counts.append((step.username, step.rows)),
            )
        except backfill.BackfillError as error:  # a setting that lies in the future
            return self._backfill_page(request, queryset, form, status=400, error=str(error))
        return self._backfill_page(
            request,
            queryset,
            form,
            counts=counts,
            previewed=result.cutover.astimezone(UTC).isoformat(),
            intro=(
                f"A dry run against the cutover {described(result.cutover, zone)}, nothing "
                "written yet. Each user gets an impression (source backfill, dated at the "
                "cutover) of every artwork visible to them, created before the cutover, that "
                "they have no impression of."
            ),
            skipped=queryset.filter(date_joined__gte=result.cutover),
        )

    def _run_backfill(self, request: HttpRequest, queryset: QuerySet, cutover: datetime) -> None:
        try:
            result = backfill.backfill_impressions(
                users=queryset, trigger=Backfill.Trigger.ADMIN, actor=request.user, cutover=cutover
            )
        except backfill.BackfillError as error:
            self.message_user(request, f"Nothing backfilled: {error}", messages.ERROR)
            return
        self.message_user(request, result.summary(), messages.SUCCESS)

    def _backfill_page(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        form: CutoverForm,
        *,
        counts: list[tuple[str, int]] | None = None,
        status: int = 200,
        **context: object,
    ) -> TemplateResponse:
        """The confirmation page; without counts, only the cutover and *Preview*."""
        if counts is None and settings.ARTFEED_TRACKING_SINCE is None and not form.is_bound:
            context["intro"] = (
                "ARTFEED_TRACKING_SINCE is not set: give the moment impression tracking "
                "began (the cutover), then Preview to see what a backfill would write."
            )
        if not form.is_bound and settings.ARTFEED_TRACKING_SINCE is not None:
            context["initial_moment"] = settings.ARTFEED_TRACKING_SINCE.astimezone(UTC).isoformat()
        response = _confirmation(
            self,
            request,
            queryset,
            action="backfill_impressions",
            title="Backfill impressions",
            counts=counts or [],
            cutover_form=form,
            previewed_counts=counts is not None,
            column="impressions to insert",
            button="Yes, backfill",
            **context,
        )
        response.status_code = status
        return response

    @admin.action(description="Reset seen (delete their impressions)", permissions=["reset_seen"])
    def reset_seen(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        """Delete the users' impressions after a confirmation listing how many each has."""
        if not self.has_reset_seen_permission(request):
            raise PermissionDenied
        if request.POST.get("post") == "yes":
            deleted, users = services.reset_seen(users=queryset), queryset.count()
            self.message_user(
                request,
                f"Reset {users} user{pluralize(users)}: "
                f"{deleted} impression{pluralize(deleted)} deleted.",
                messages.SUCCESS,
            )
            return None
        users = queryset.annotate(seen=Count("impressions")).order_by("pk")
        return _confirmation(
            self,
            request,
            queryset,
            action="reset_seen",
            title="Reset seen",
            counts=[(user.get_username(), user.seen) for user in users],
            intro=(
                "Every impression of these users will be deleted: all that is visible to "
                "them becomes unseen again. Their backfill log stays."
            ),
            column="impressions to delete",
            button="Yes, delete their impressions",
        )
