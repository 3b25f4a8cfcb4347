from django.contrib import admin

from .models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Read-only: who holds which role is changed on the matrix's page, which records it in
    the history and shows it to everyone who has the matrix open."""

    list_display = ["__str__", "team", "user"]
    search_fields = ["name", "user__username", "user__first_name", "user__last_name"]
    list_select_related = ["team", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
