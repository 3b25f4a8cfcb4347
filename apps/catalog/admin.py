from django.contrib import admin

from .models import Role, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "filename", "slug"]
    search_fields = ["title", "filename"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "short_label", "kind", "team", "position", "updated_at"]
    list_filter = ["kind"]
    list_editable = ["position"]
    search_fields = ["name", "short_label", "summary", "focus", "goal", "key_responsibilities"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sources"]
    autocomplete_fields = ["team"]
    fieldsets = [
        (None, {"fields": ["name", "short_label", "slug", "kind", "team", "position", "summary"]}),
        (
            "Definition",
            {
                "fields": [
                    "focus",
                    "goal",
                    "key_responsibilities",
                    "skills",
                    "timeframe",
                    "scope",
                    "stakeholders",
                    "success_metrics",
                ]
            },
        ),
        ("Derived from", {"fields": ["sources"]}),
    ]
