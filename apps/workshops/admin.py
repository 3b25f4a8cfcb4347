from django.contrib import admin

from .models import Participant, Workshop


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["name", "joined_at", "removed_at"]
    readonly_fields = ["joined_at"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["code", "matrix", "state", "revealed", "created_by", "created_at"]
    list_filter = ["state"]
    search_fields = ["code", "matrix__title"]
    raw_id_fields = ["matrix", "created_by"]
    filter_horizontal = []
    exclude = ["activities"]
    readonly_fields = ["version", "stage"]
    inlines = [ParticipantInline]
