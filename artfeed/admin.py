from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from artfeed.images import BadImage, content_digest, identify
from artfeed.models import Artwork
from artfeed.rules import pool_start
from artfeed.web.login import ThrottledAdminAuthenticationForm

# The admin's login counts failures with the site's own (artfeed/web/throttle.py).
admin.site.login_form = ThrottledAdminAuthenticationForm


def _count_of(relation: str) -> Coalesce:
    """How many rows of a reverse relation (``impressions``, ``votes``) point at each
    artwork. A correlated subquery, so a page of the list counts for its own rows only
    (a JOIN and GROUP BY would aggregate every impression first). The model comes from
    the relation, so artfeed needs not import the apps that point at it."""
    remote = Artwork._meta.get_field(relation)
    key = remote.field.name
    rows = remote.related_model.objects.filter(**{key: OuterRef("pk")}).order_by().values(key)
    return Coalesce(Subquery(rows.annotate(n=Count("*")).values("n")), 0)


def _linked_count(artwork: Artwork, relation: str) -> str:
    """The count, linking to that artwork's rows in their own admin list."""
    count = getattr(artwork, f"counted_{relation}", None)
    if count is None:  # the add form: nothing counted yet
        return "-"
    remote = Artwork._meta.get_field(relation).related_model._meta
    url = reverse(f"admin:{remote.app_label}_{remote.model_name}_changelist")
    return format_html('<a href="{}?artwork={}">{}</a>', url, artwork.pk, count)


class ArtworkForm(forms.ModelForm):
    """Checks an uploaded image by its bytes (as ``import_artworks`` does) and names the
    stored file by what it really is."""

    class Meta:
        model = Artwork
        fields = [  # every editable field
            "title", "prompt", "style", "image", "origin", "created_by", "is_public", "fresh_until",
        ]  # fmt: skip

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if upload and "image" in self.changed_data:
            content = upload.read()
            upload.seek(0)
            try:
                kind = identify(content)
            except BadImage as error:
                raise forms.ValidationError(f"This file {error}.") from error
            upload.name = f"upload.{kind.extension}"
            self.content_hash = content_digest(content)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The table's check constraints, said in words before the database says no.
        if data.get("origin") == Artwork.Origin.GENERATED and not data.get("created_by"):
            self.add_error("created_by", "A generated artwork needs the user who made it.")
        if data.get("fresh_until") and data.get("origin") != Artwork.Origin.GENERATED:
            self.add_error("fresh_until", "Only generated artworks can be fresh.")
        return data


class VisibilityFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("public", "Public (the shared pool)"), ("private", "Private (creator only)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in {"public", "private"}:
            return queryset.filter(is_public=self.value() == "public")
        return queryset


@admin.register(Artwork)
class ArtworkAdmin(admin.ModelAdmin):
    form = ArtworkForm
    list_display = [
        "title",
        "style",
        "origin",
        "is_public",
        "created_by",
        "created_at",
        "impression_count",
        "vote_count",
    ]
    list_filter = [VisibilityFilter, "origin", "style"]
    actions = ["publish", "unpublish"]
    search_fields = ["title", "prompt", "id"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "created_at",
        "request_key",
        "content_hash",
        "impression_count",
        "vote_count",
    ]
    raw_id_fields = ["created_by"]
    list_select_related = ["created_by"]

    @admin.action(description="Publish selected artworks", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._set_visibility(request, queryset, public=True)

    @admin.action(description="Unpublish selected artworks", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._set_visibility(request, queryset, public=False)

    def _set_visibility(
        self, request: HttpRequest, queryset: QuerySet, *, public: bool
    ) -> TemplateResponse | None:
        """A page listing what would change and what that does to people's screens (the
        pattern of Django's ``delete_selected``), then the change, logged per artwork."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        verb = "publish" if public else "unpublish"
        if request.POST.get("post") == "yes":
            changed = queryset.publish() if public else queryset.unpublish()
            if changed:
                LogEntry.objects.log_actions(
                    request.user.pk, changed, CHANGE, f"{verb.capitalize()}ed."
                )
            n = len(changed)
            self.message_user(
                request,
                f"{verb.capitalize()}ed {n} artwork{pluralize(n)}"
                f"{'' if n == queryset.count() else '; the others already were'}.",
                messages.SUCCESS,
            )
            return None
        selected = list(queryset.select_related("created_by").order_by("created_at"))
        changing = [a for a in selected if a.is_public != public]
        window_start = pool_start(timezone.now())
        return TemplateResponse(
            request,
            "admin/artfeed/artwork/confirm_visibility.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{verb.capitalize()} artworks",
                "subtitle": None,
                "opts": self.model._meta,
                "action": verb,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "queryset": selected,
                "public": public,
                "changing": changing,
                "button": f"Yes, {verb} {len(changing)}" if changing else None,
                "unchanged": [a for a in selected if a.is_public == public],
                "window_start": window_start,
                "pool_max_age": settings.ARTFEED_POOL_MAX_AGE,
                "media": self.media,
            },
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Artwork]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                counted_impressions=_count_of("impressions"), counted_votes=_count_of("votes")
            )
        )

    @admin.display(description="impressions", ordering="counted_impressions")
    def impression_count(self, artwork: Artwork) -> str:
        return _linked_count(artwork, "impressions")

    @admin.display(description="votes", ordering="counted_votes")
    def vote_count(self, artwork: Artwork) -> str:
        return _linked_count(artwork, "votes")

    def get_readonly_fields(self, request: HttpRequest, obj: Artwork | None = None) -> list[str]:
        # Browsers keep an image for a year under its artwork's id: it is set once, on add.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is None else [*fields, "image"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"origin": Artwork.Origin.IMPORTED, **super().get_changeform_initial_data(request)}

    def save_model(
        self, request: HttpRequest, obj: Artwork, form: ArtworkForm, change: bool
    ) -> None:
        if hasattr(form, "content_hash"):
            obj.content_hash = form.content_hash
        super().save_model(request, obj, form, change)
