from django.contrib import admin
from django.db import transaction

from .models import Delivery, Webhook
from .services import webhooks_recount


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "team", "created_at"]
    readonly_fields = ["secret"]

    # Whatever the admin changes, the teams' change_webhooks follow (services.webhooks_recount).
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            teams = {obj.team_id, form.initial.get("team")} - {None}
            for team_id in sorted(teams):
                webhooks_recount(team_id=team_id)

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            webhooks_recount(team_id=obj.team_id)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            teams = set(queryset.values_list("team_id", flat=True))
            super().delete_queryset(request, queryset)
            for team_id in sorted(teams):
                webhooks_recount(team_id=team_id)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "webhook", "status", "attempts", "response_code", "created_at"]
    list_filter = ["status", "event"]
