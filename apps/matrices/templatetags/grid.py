from django import template
from django.utils.safestring import mark_safe

from ..rendering import activity_row_html, row_status_html, single_cell_html, status_html
from ..selectors import available_roles

register = template.Library()

# Every name and message is escaped in ..rendering, so its markup is marked safe here.


@register.simple_tag(takes_context=True)
def activity_row(context, row):
    return mark_safe(activity_row_html(row, getattr(context["matrix"], "can_edit", False)))  # noqa: S308


@register.simple_tag
def row_status(row, oob=False):
    return mark_safe(row_status_html(row, bool(oob)))  # noqa: S308


@register.simple_tag
def status_mark(findings):
    return mark_safe(status_html(findings))  # noqa: S308


@register.simple_tag
def cell(cell):
    return single_cell_html(cell)


@register.simple_tag
def roles_to_add(matrix):
    """The roles the add-column form offers, read where the form is drawn: the grid region is
    also redrawn by htmx answers and live updates, whose contexts do not carry them."""
    return list(available_roles(matrix))
