from __future__ import annotations

from django.contrib import admin

from impressions.models import Impression


@admin.register(Impression)
class ImpressionAdmin(admin.ModelAdmin):
    list_display = ["user", "artwork", "viewed_at", "first_viewed_at", "source"]
    list_filter = ["source"]
    search_fields = ["user__username", "artwork__title"]
    date_hierarchy = "viewed_at"
    raw_id_fields = ["user", "artwork"]
    list_select_related = ["user", "artwork"]
