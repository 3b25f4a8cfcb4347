from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..rendering import activity_row_html, row_status_html, single_cell_html, status_html
from ..views.structure import available_roles

register = template.Library()

# Every name and message is escaped in ..rendering, so its markup is marked safe here.


@register.simple_tag(takes_context=True)
def activity_row(context, row):
    """An activity's row. What all rows share is worked out once per page and kept in the
    context: the escaped role names, and the options menu's URL around the activity's id."""
    shared = context.get("_activity_rows")
    if shared is None:
        matrix = context["matrix"]
        editable = getattr(matrix, "can_edit", False)
        # The id is the URL's last number (/m/<slug>/activities/<id>/menu/); reversing once,
        # rather than once per row, saves a tenth of a 300-row page's time.
        menu_url = reverse("matrices:activity_menu", args=[matrix.slug, 0]) if editable else ""
        shared = context["_activity_rows"] = (
            editable,
            [escape(role.name) for role in context["grid"].roles],
            menu_url.rsplit("/0/", 1),
        )
    editable, names, (before, *after) = shared
    menu_url = f"{before}/{row.activity.id}/{after[0]}" if editable else ""
    return mark_safe(activity_row_html(row, editable, names, menu_url))  # noqa: S308


@register.simple_tag
def row_status(row, oob=False):
    return mark_safe(row_status_html(row, bool(oob)))  # noqa: S308


@register.simple_tag
def status_mark(findings):
    return mark_safe(status_html(findings))  # noqa: S308


@register.simple_tag
def cell(cell, editable):
    return single_cell_html(cell, editable)


@register.simple_tag
def roles_to_add(matrix):
    """The roles the add-column form offers, read where the form is drawn: the grid region is
    also redrawn by htmx answers and live updates, whose contexts do not carry them."""
    return list(available_roles(matrix))
