from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "hint", "user", "team", "can_write", "expires_at", "revoked_at"]
    list_filter = ["can_write"]
    readonly_fields = ["digest", "hint", "last_used_at", "created_at"]
    search_fields = ["name", "user__username", "hint"]
