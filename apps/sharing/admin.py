from django.contrib import admin

from .models import ShareLink


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["matrix", "created_by", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["matrix__title"]
    raw_id_fields = ["matrix", "created_by"]
    readonly_fields = ["token", "created_at"]
