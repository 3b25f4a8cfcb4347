from django.contrib import admin

from .models import Activity, Matrix, MatrixRole, Phase, Responsibility
from .services import structure_changed


class MatrixRoleInline(admin.TabularInline):
    model = MatrixRole
    extra = 0
    autocomplete_fields = ["role"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["name", "phase", "position", "description"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Offer only this matrix's phases, and fetch them once rather than per row.
        phases = Phase.objects.filter(matrix=obj) if obj else Phase.objects.none()
        formset.form.base_fields["phase"].queryset = phases
        return formset


@admin.register(Matrix)
class MatrixAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "scheme", "team", "is_template", "updated_at"]
    list_filter = ["scheme", "is_template"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["team"]
    raw_id_fields = ["created_by"]
    autocomplete_fields = ["team"]
    inlines = [MatrixRoleInline, PhaseInline, ActivityInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            structure_changed(form.instance)  # the inlines may have changed the structure


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["activity", "role", "code", "matrix_title"]
    list_filter = ["code", "role"]
    search_fields = ["activity__name", "role__name", "activity__matrix__title"]
    list_select_related = ["activity__matrix", "role"]
    raw_id_fields = ["activity"]
    autocomplete_fields = ["role"]

    @admin.display(description="Matrix", ordering="activity__matrix__title")
    def matrix_title(self, obj):
        return obj.activity.matrix.title
