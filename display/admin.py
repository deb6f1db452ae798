from __future__ import annotations

from django.contrib import admin

from display.models import Screen, Vote


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["user", "artwork", "value", "voted_at"]
    list_filter = ["value"]
    raw_id_fields = ["user", "artwork"]
    list_select_related = ["user", "artwork"]


@admin.register(Screen)
class ScreenAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "last_seen_at", "last_artwork"]
    search_fields = ["key", "user__username"]
    raw_id_fields = ["user", "last_artwork"]
    list_select_related = ["user", "last_artwork"]
