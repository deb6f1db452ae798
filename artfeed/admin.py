from __future__ import annotations

from django.contrib import admin

from artfeed.login import ThrottledAdminAuthenticationForm
from artfeed.models import Artwork

# The admin's login counts failures with the site's own (artfeed/throttle.py).
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(Artwork)
class ArtworkAdmin(admin.ModelAdmin):
    list_display = ["title", "style", "origin", "is_public", "created_by", "created_at"]
    list_filter = ["origin", "is_public", "style"]
    search_fields = ["title", "prompt", "id"]
    date_hierarchy = "created_at"
    readonly_fields = ["id", "created_at", "request_key", "content_hash"]
    raw_id_fields = ["created_by"]
