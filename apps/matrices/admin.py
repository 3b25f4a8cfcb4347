from django.contrib import admin

from .models import Activity, Matrix, MatrixRole, Phase, Responsibility
from .services import DETAIL_FIELDS, OPTION_FIELDS, matrix_update

# The admin shows a matrix's columns, phases, activities and letters but does not change them:
# the editor does, through the services that check the rules and record every change in the
# matrix's history (apps/history). Changes to the title, description and rule options made
# here go through the same service, so they are recorded too; the scheme is changed in the
# editor, which converts the letters.


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MatrixRoleInline(ReadOnlyInline):
    model = MatrixRole
    fields = ["role", "position"]


class PhaseInline(ReadOnlyInline):
    model = Phase
    fields = ["name", "position"]


class ActivityInline(ReadOnlyInline):
    model = Activity
    fields = ["name", "phase", "position", "description"]


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

    def get_readonly_fields(self, request, obj=None):
        return ["scheme"] if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        recorded = {}
        for group in (DETAIL_FIELDS, OPTION_FIELDS):
            edited = {name: form.cleaned_data[name] for name in group if name in form.changed_data}
            if edited:
                recorded[group] = edited
                for name in edited:  # saved, and recorded, by matrix_update below
                    setattr(obj, name, form.initial[name])
        # Only the other fields the form changed: a full save would also write back the version
        # counters as they were when the form was opened, under changes made since.
        edited = {name for group in recorded.values() for name in group}
        others = [name for name in form.changed_data if name not in edited]
        if others:
            obj.save(update_fields=others)
        for edited in recorded.values():
            matrix_update(matrix=obj, by=request.user, **edited)


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["activity", "role", "code", "matrix_title"]
    list_filter = ["code", "role"]
    search_fields = ["activity__name", "role__name", "activity__matrix__title"]
    list_select_related = ["activity__matrix", "role"]
    raw_id_fields = ["activity"]
    autocomplete_fields = ["role"]

    # Letters are set in the editor, which checks them against the scheme and records them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Matrix", ordering="activity__matrix__title")
    def matrix_title(self, obj):
        return obj.activity.matrix.title
